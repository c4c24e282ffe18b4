// The index page's sorting, judgment filter and company search. The table is complete without it.
// Built with the DOM API and textContent only: company names are hostile text, never markup.
(function () {
  "use strict";
  var table = document.getElementById("briefs");
  var controls = document.getElementById("index-controls");
  if (!table || !controls) { return; }
  var body = table.tBodies[0];
  var rows = Array.prototype.slice.call(body.rows);
  var headers = Array.prototype.slice.call(table.tHead.rows[0].cells);

  function key(row, column, type) {
    var cell = row.cells[column];
    var raw = cell.getAttribute("data-sort");
    if (raw === null) { raw = cell.textContent; }
    if (type === "number") {
      var value = parseFloat(raw);
      return isNaN(value) ? null : value;
    }
    return raw.toLocaleLowerCase();
  }

  function sortBy(column, type, button) {
    var header = headers[column];
    var ascending = header.getAttribute("aria-sort") !== "ascending";
    headers.forEach(function (h) { h.removeAttribute("aria-sort"); });
    header.setAttribute("aria-sort", ascending ? "ascending" : "descending");
    var keyed = rows.map(function (row, index) { return [key(row, column, type), index, row]; });
    keyed.sort(function (a, b) {
      if (a[0] === b[0]) { return a[1] - b[1]; }
      if (a[0] === null) { return 1; }  // a missing figure sorts last either way
      if (b[0] === null) { return -1; }
      var order = a[0] < b[0] ? -1 : 1;
      return ascending ? order : -order;
    });
    keyed.forEach(function (item) { body.appendChild(item[2]); });
    button.focus();
  }

  headers.forEach(function (header, column) {
    var type = header.getAttribute("data-type");
    if (!type) { return; }
    var button = document.createElement("button");
    button.type = "button";
    button.className = "sort";
    button.textContent = header.textContent;
    header.textContent = "";
    header.appendChild(button);
    button.addEventListener("click", function () { sortBy(column, type, button); });
  });

  function labelled(text, field) {
    var label = document.createElement("label");
    label.textContent = text + " ";
    label.appendChild(field);
    controls.appendChild(label);
    return field;
  }

  var search = labelled("Search company", document.createElement("input"));
  search.type = "search";
  search.id = "index-search";
  var filter = labelled("Judgment", document.createElement("select"));
  filter.id = "index-filter";
  var all = document.createElement("option");
  all.value = "";
  all.textContent = "Any";
  filter.appendChild(all);
  var seen = {};
  Array.prototype.forEach.call(body.querySelectorAll("li[data-kind]"), function (item) {
    var value = item.getAttribute("data-kind") + "=" + item.getAttribute("data-value");
    if (seen[value]) { return; }
    seen[value] = true;
    var option = document.createElement("option");
    option.value = value;
    option.textContent = item.textContent;
    filter.appendChild(option);
  });
  var status = document.createElement("p");
  status.id = "index-status";
  status.setAttribute("role", "status");
  controls.appendChild(status);

  function apply() {
    var query = search.value.trim().toLocaleLowerCase();
    var wanted = filter.value ? filter.value + " " : "";
    var shown = 0;
    rows.forEach(function (row) {
      var name = (row.cells[0].getAttribute("data-sort") || "").toLocaleLowerCase();
      var visible = name.indexOf(query) !== -1 &&
        (!wanted || (row.getAttribute("data-judgments") || "").indexOf(wanted) !== -1);
      row.hidden = !visible;
      if (visible) { shown += 1; }
    });
    status.textContent = shown + " of " + rows.length + " briefs shown";
  }
  search.addEventListener("input", apply);
  filter.addEventListener("change", apply);
  apply();
}());
