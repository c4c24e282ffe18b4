"""``render_brief``: one company from validated Spec to the files of its brief, in memory.

Spec -> run_model -> Model -> draw_charts -> render_html -> render_pdf. Nothing is written here: the
build writes the returned files atomically, so a failure leaves the previous brief untouched.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from typing import Any

from reportgen.errors import StrictError
from reportgen.render.environment import TemplateSet

FORMATS = ("pdf", "html", "json")


@dataclass(frozen=True)
class RenderOptions:
    formats: tuple[str, ...] = FORMATS
    strict: bool = False
    templates: TemplateSet | None = None
    templates_digest: str = "builtin"
    pdf_variant: str | None = None
    max_age_days: int | None = None
    today: dt.date | None = None  # for the data-age check; the brief itself never shows it
    chart_cache_dir: str | None = None


@dataclass
class Brief:
    name: str
    files: dict[str, bytes] = field(default_factory=dict)  # relative path -> content
    warnings: list[str] = field(default_factory=list)
    summary: dict[str, Any] = field(default_factory=dict)  # for the index page and the build summary


def render_brief(spec: Any, options: RenderOptions | None = None, previous: dict[str, Any] | None = None) -> Brief:
    """Every file of one brief. ``previous`` is the last model.json of this company, if any: the brief
    then opens with what changed. Raises StrictError under ``options.strict`` when anything warned."""
    from reportgen.model.changes import compare
    from reportgen.model.run import run_model

    options = options or RenderOptions()
    model = run_model(spec)
    if previous is not None and "carry" in previous:
        model = model.with_changes(previous["carry"])  # same input as last time: same comparison
    elif previous is not None:
        model = model.with_changes(compare(previous, model))
    brief = Brief(spec.name)
    brief.warnings += _age_warnings(model, options)
    brief.files["model.json"] = model.to_json_bytes()
    brief.summary = summarise(model)
    cache_entries: list[tuple[str, bytes]] = []  # written only if the brief succeeds
    if "pdf" in options.formats or "html" in options.formats:
        _render_documents(model, options, brief, cache_entries)
    if options.strict and brief.warnings:
        raise StrictError([f"{spec.display}: {w}" for w in brief.warnings])
    if cache_entries:
        from reportgen.charts.render import write_cache

        write_cache(cache_entries)
    if "json" not in options.formats:
        del brief.files["model.json"]
    return brief


def _render_documents(model: Any, options: RenderOptions, brief: Brief,
                      cache_entries: list[tuple[str, bytes]]) -> None:
    from reportgen.charts.render import draw_charts
    from reportgen.render.html import input_texts, render_html
    from reportgen.render.pdf import fonts_folder
    from reportgen.render.strict import text_problems

    charts = draw_charts(model, options.chart_cache_dir, cache_entries)
    for chart in charts:
        brief.files[f"charts/{chart.name}.svg"] = chart.svg.encode("utf-8")
    texts = input_texts(model)
    targets = tuple(t for t in ("html", "pdf") if t in options.formats)
    laid_out = None  # the PDF, when a limited child already laid it out
    if options.templates is not None and not options.templates.empty:
        from reportgen.render.isolated import render_isolated

        # User templates: rendered, checked and laid out in a child under time and memory limits.
        documents, laid_out = render_isolated(model, charts, targets, options.templates, options.templates_digest,
                                              pdf_variant=options.pdf_variant)
    else:
        from reportgen.render.boundary import seal_html

        documents = {t: render_html(model, charts, target=t, templates=None,
                                    templates_digest=options.templates_digest) for t in targets}
        if "html" in documents:  # trusted, but the published page's promise is checked all the same
            documents["html"] = (seal_html(documents["html"][0], None), documents["html"][1])
    # The body's text is the same in both documents: check it once.
    checked = documents["html"][0] if "html" in documents else documents["pdf"][0]
    brief.warnings += text_problems(checked, texts, fonts_folder())
    if "html" in documents:
        html, warnings = documents["html"]
        brief.warnings += warnings
        brief.files["brief.html"] = html.encode("utf-8")
    if "pdf" in documents:
        from reportgen.render.pdf import render_pdf

        html, warnings = documents["pdf"]
        brief.warnings += warnings
        pdf, pdf_warnings = laid_out or render_pdf(html, templates=options.templates, variant=options.pdf_variant)
        brief.warnings += pdf_warnings
        brief.files["brief.pdf"] = pdf
    brief.warnings = list(dict.fromkeys(brief.warnings))


def _age_warnings(model: Any, options: RenderOptions) -> list[str]:
    if options.max_age_days is None:
        return []
    today = options.today or dt.date.today()
    age = (today - dt.date.fromisoformat(model.company.as_of)).days
    if age > options.max_age_days:
        return [f"data is {age} days old (as of {model.company.as_of}; --max-age {options.max_age_days})"]
    return []


def summarise(model: Any) -> dict[str, Any]:
    """What the intranet index shows of a brief (kept in the build manifest, so the index is rebuilt
    without reading every model.json)."""
    base = model.base
    return json.loads(json.dumps({
        "name": model.company.name,
        "as_of": model.company.as_of,
        "currency": model.company.currency,
        "unit": model.company.unit,
        "post_money": model.input_value("valuation.post_money"),
        "equity_value": base.equity_value,
        "value_to_price": base.value_to_price,
        "funding_need": base.funding_need,
        "prob_value_ge_price": model.monte_carlo.prob_value_ge_price,
        "earliest_squeeze": list(model.earliest_squeeze) if model.earliest_squeeze else None,
        "judgments": dict(model.judgments.items()),
    }, allow_nan=False))
