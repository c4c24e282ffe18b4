// Draws each chart spec of an interactive brief (<script type="application/json" data-chart>) with
// vega-embed into the <div> beside it, then hides the static image it replaces. ast: true makes
// vega-embed use Vega's expression interpreter instead of its code generator: the page's policy
// allows no eval.
const blocks = document.querySelectorAll('script[type="application/json"][data-chart]');
for (const block of Array.from(blocks)) {
  const target = document.getElementById("vega-" + block.getAttribute("data-chart"));
  if (!target) { continue; }
  const spec = JSON.parse(block.textContent);
  target.hidden = false;
  vegaEmbed(target, spec, { actions: false, renderer: "svg", ast: true })
    .then(function () {
      const image = target.parentNode.querySelector("img");
      if (image) { image.hidden = true; }
      target.classList.add("drawn");
    })
    .catch(function (error) {
      target.hidden = true;  // the static image stays
      console.warn("chart " + block.getAttribute("data-chart") + ": " + error);
    });
}
