"""``outputs/feed.xml``: an Atom feed (RFC 4287) with one entry per brief that changed, each with the
headline figures and the what-changed summary of the version that replaced the earlier one. Built with
ElementTree, which escapes every text and attribute: names from inputs stay text."""

from __future__ import annotations

import datetime as dt
import html
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from typing import Any

from reportgen.render.filters import money_text
from reportgen.render.labels import CHANGE_LABELS

ATOM = "http://www.w3.org/2005/Atom"
FEED_ID = "tag:reportgen.invalid,2024:briefs"


@dataclass(frozen=True)
class FeedEntry:
    id: str
    company: str
    updated: dt.datetime
    link: str  # relative to the feed, or absolute with --site-url
    model: dict[str, Any]  # the model.json of the version that replaced the earlier one


def _time(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _figure(value: Any, kind: str, company: dict[str, Any]) -> str:
    if value is None or isinstance(value, bool):
        return "none"
    if not isinstance(value, int | float):
        return str(value)
    if kind == "money":
        return money_text(float(value), str(company.get("currency", "")), str(company.get("unit", "")))
    if kind == "pct":
        return f"{value * 100:.1f}%"
    if kind == "year":
        return str(int(value))
    if kind == "multiple":
        return f"{value:.2f}x"
    return f"{value:,.2f}"


def headline(model: dict[str, Any]) -> list[str]:
    company = model.get("company") or {}
    base = (model.get("scenarios") or {}).get("base") or {}
    monte = model.get("monte_carlo") or {}
    return [f"Base-case equity value: {_figure(base.get('equity_value'), 'money', company)}",
            f"Base-case value to price: {_figure(base.get('value_to_price'), 'multiple', company)}",
            f"Simulated paths at or above the price: {_figure(monte.get('prob_value_ge_price'), 'pct', company)}"]


def change_summary(model: dict[str, Any]) -> tuple[str, list[str]]:
    """One sentence, and one line per change, of the model's what-changed block."""
    changes = model.get("changes")
    company = model.get("company") or {}
    if not isinstance(changes, dict):
        return "No earlier brief to compare with.", []
    inputs, figures, judgments = (changes.get(k) or [] for k in ("inputs", "figures", "judgments"))
    sentence = (f"Compared with the brief of {changes.get('previous_as_of')}: {len(inputs)} input(s), "
                f"{len(figures)} headline figure(s) and {len(judgments)} judgment(s) changed.")
    lines = [f"Input {i.get('path')}: {i.get('before')} \u2192 {i.get('after')}" for i in inputs]
    lines += [f"{CHANGE_LABELS.get(f.get('key'), f.get('key'))}: {_figure(f.get('before'), f.get('kind', ''), company)}"
              f" \u2192 {_figure(f.get('after'), f.get('kind', ''), company)}" for f in figures]
    lines += [f"Judgment {j.get('kind')}: {j.get('before')} \u2192 {j.get('after')}" for j in judgments]
    return sentence, lines


def render_feed(entries: list[FeedEntry], updated: dt.datetime, self_link: str, index_link: str) -> bytes:
    ET.register_namespace("", ATOM)
    feed = ET.Element(f"{{{ATOM}}}feed")
    ET.SubElement(feed, f"{{{ATOM}}}id").text = FEED_ID
    ET.SubElement(feed, f"{{{ATOM}}}title").text = "Research briefs: what changed"
    ET.SubElement(feed, f"{{{ATOM}}}updated").text = _time(max([updated] + [e.updated for e in entries]))
    ET.SubElement(ET.SubElement(feed, f"{{{ATOM}}}author"), f"{{{ATOM}}}name").text = "reportgen"
    ET.SubElement(feed, f"{{{ATOM}}}link", rel="self", href=self_link, type="application/atom+xml")
    ET.SubElement(feed, f"{{{ATOM}}}link", rel="alternate", href=index_link, type="text/html")
    for entry in entries:
        node = ET.SubElement(feed, f"{{{ATOM}}}entry")
        ET.SubElement(node, f"{{{ATOM}}}id").text = entry.id
        as_of = (entry.model.get("company") or {}).get("as_of", "")
        ET.SubElement(node, f"{{{ATOM}}}title").text = f"{entry.company}: brief updated (as of {as_of})"
        ET.SubElement(node, f"{{{ATOM}}}updated").text = _time(entry.updated)
        ET.SubElement(node, f"{{{ATOM}}}link", rel="alternate", href=entry.link, type="text/html")
        sentence, lines = change_summary(entry.model)
        figures = headline(entry.model)
        ET.SubElement(node, f"{{{ATOM}}}summary", type="text").text = f"{'; '.join(figures)}. {sentence}"
        body = ("<p>" + "<br>".join(html.escape(f) for f in figures) + "</p><p>" + html.escape(sentence) + "</p>"
                + ("<ul>" + "".join(f"<li>{html.escape(line)}</li>" for line in lines) + "</ul>" if lines else ""))
        ET.SubElement(node, f"{{{ATOM}}}content", type="html").text = body
    ET.indent(feed)
    body_bytes = ET.tostring(feed, encoding="utf-8", xml_declaration=False)
    return b'<?xml version="1.0" encoding="utf-8"?>\n' + body_bytes + b"\n"
