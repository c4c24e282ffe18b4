"""The per-brief pipeline, above the stages: ``render_brief`` takes one validated Spec to the files of
its brief, in memory.

load_spec -> run_model -> compare -> draw_charts -> render_html -> render_pdf. Each stage takes
arguments and returns values; nothing is written here: the batch writes the returned files atomically,
so a failure leaves the previous brief untouched.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
from concurrent.futures import Executor
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from reportgen.errors import StrictError
from reportgen.formats import DEFAULT_FORMATS
from reportgen.render.environment import TemplateSet

if TYPE_CHECKING:
    from reportgen.contract.load import Spec


@dataclass(frozen=True)
class RenderOptions:
    formats: tuple[str, ...] = DEFAULT_FORMATS
    strict: bool = False
    templates: TemplateSet | None = None
    templates_digest: str = "builtin"
    pdf_variant: str | None = None
    max_age_days: int | None = None
    today: dt.date | None = None  # for the data-age check; the brief itself never shows it
    chart_cache_dir: str | None = None
    html_charts: str = "static"  # "interactive": the HTML brief draws its charts with Vega (tooltips)
    history_link: bool = True  # the what-changed box links to history.html (False: no versions kept, --keep 0)


@dataclass
class Brief:
    name: str
    files: dict[str, bytes] = field(default_factory=dict)  # relative path -> content
    warnings: list[str] = field(default_factory=list)
    summary: dict[str, Any] = field(default_factory=dict)  # for the index page and the build summary

    def write(self, folder: str | os.PathLike[str]) -> list[str]:
        """Write the brief's files into ``folder`` as a build writes OUT/<name> (``write_files``). Returns
        the paths written."""
        return write_files(os.fspath(folder), self.files)

    def _repr_html_(self) -> str:  # Jupyter
        from reportgen.model.notebook import brief_html

        return brief_html(self.name, self.files, self.warnings)


def write_files(folder: str, files: dict[str, bytes]) -> list[str]:
    """A brief's ``files`` (relative path -> bytes) into ``folder`` as one generation: all new or all as they
    were (reportgen.atomic.write_all_atomic), model.json last (it is what the next build compares with), then
    the charts no longer drawn removed. Returns the paths written."""
    from reportgen.atomic import write_all_atomic

    order = sorted(files, key=lambda name: (name == "model.json", name))
    paths = [os.path.join(folder, *name.split("/")) for name in order]
    write_all_atomic([(path, files[name]) for path, name in zip(paths, order, strict=True)])
    charts = os.path.join(folder, "charts")
    if os.path.isdir(charts) and any(name.startswith("charts/") for name in files):
        for name in os.listdir(charts):
            if f"charts/{name}" not in files and name.endswith(".svg"):
                with contextlib.suppress(OSError):  # the new brief is published: a stale chart is only litter
                    os.unlink(os.path.join(charts, name))
    return paths


def render_brief(spec: Spec | str | os.PathLike[str], options: RenderOptions | None = None,
                 previous: dict[str, Any] | None = None, pdf_executor: Executor | None = None) -> Brief:
    """Every file of one brief, in memory: load -> model -> compare -> charts -> html -> pdf.

    ``spec`` is a validated input (``reportgen.load_spec``) or an input file's path. ``previous`` is the
    last model.json of this company, if any: the brief then opens with what changed. ``pdf_executor`` (a
    warm one-process pool) lays out the PDF while this process works. ``brief.write(folder)`` writes the
    files. Raises StrictError under ``options.strict`` when anything warned."""
    from reportgen.model.run import run_model

    if isinstance(spec, str | os.PathLike):
        from reportgen.contract.load import load_spec

        spec = load_spec(spec)
    options = options or RenderOptions()
    model = run_model(spec)
    model = model.with_changes(_changes(previous, model))
    brief = Brief(spec.name, summary=summarise(model), warnings=_age_warnings(model, options))
    if "json" in options.formats:
        brief.files["model.json"] = model.to_json_bytes()
    if "xlsx" in options.formats:
        from reportgen.model.workbook import model_workbook

        brief.files["model.xlsx"] = model_workbook(model)
    cache_entries: list[Any] = []
    targets = tuple(t for t in ("html", "pdf") if t in options.formats)
    if targets:
        from reportgen.charts.render import draw_charts

        specs = None
        if options.html_charts == "interactive" and "html" in targets:
            from reportgen.charts.specs import chart_specs

            specs = chart_specs(model)  # made once: drawn (unless cached) and sent to the page
        charts, cache_entries = draw_charts(model, options.chart_cache_dir, specs)
        brief.files.update({f"charts/{chart.name}.svg": chart.svg.encode("utf-8") for chart in charts})
        documents, laid_out, warnings = _documents(model, charts, targets, options, specs)
        brief.warnings += warnings
        if "html" in documents:
            brief.files["brief.html"] = documents["html"].encode("utf-8")
        if "pdf" in documents:
            from reportgen.render.pdf import render_pdf

            pdf, pdf_warnings = laid_out or render_pdf(documents["pdf"], templates=options.templates,
                                                       variant=options.pdf_variant, executor=pdf_executor)
            brief.warnings += pdf_warnings
            brief.files["brief.pdf"] = pdf
    brief.warnings = list(dict.fromkeys(brief.warnings))
    if options.strict and brief.warnings:
        raise StrictError([f"{spec.display}: {w}" for w in brief.warnings])
    if cache_entries:  # only once the brief has succeeded: a failed brief leaves the cache as it was
        from reportgen.charts.cache import write_cache

        write_cache(cache_entries)
    return brief


def _changes(previous: dict[str, Any] | None, model: Any) -> dict[str, Any] | None:
    if previous is None:
        return None
    if "carry" in previous:
        return previous["carry"]  # same input as last time: same comparison
    from reportgen.model.changes import compare

    return compare(previous, model)


def _documents(model: Any, charts: list[Any], targets: tuple[str, ...], options: RenderOptions,
               specs: list[Any] | None) -> tuple[dict[str, str], tuple[bytes, list[str]] | None, list[str]]:
    """The HTML of each target, the PDF when a limited child already laid it out, and the warnings.
    ``specs``: the chart specs of an interactive HTML brief, None for static charts."""
    from reportgen.render.html import input_texts, render_html
    from reportgen.render.pdf import fonts_folder
    from reportgen.render.strict import text_problems

    interactive = None
    if specs is not None:
        from reportgen.charts.interactive import interactive_specs

        interactive = interactive_specs(specs)
    laid_out = None
    if options.templates is not None and not options.templates.empty:
        from reportgen.render.isolated import PageOptions, render_isolated

        # User templates: rendered, checked and laid out in a child under time and memory limits.
        page = PageOptions(interactive=interactive, history_link=options.history_link)
        rendered, laid_out = render_isolated(model, charts, targets, options.templates, options.templates_digest,
                                             pdf_variant=options.pdf_variant, page=page)
    else:
        from reportgen.render.boundary import seal_html

        rendered = {t: render_html(model, charts, target=t, templates=None, templates_digest=options.templates_digest,
                                   interactive=interactive if t == "html" else None,
                                   history_link=options.history_link) for t in targets}
        if "html" in rendered:  # trusted, but the published page's promise is checked all the same
            scripts: tuple[str, ...] = ()
            if interactive:
                from reportgen.render.scripts import vega_runtime

                scripts = (vega_runtime(),)
            rendered["html"] = (seal_html(rendered["html"][0], None, scripts=scripts), rendered["html"][1])
    warnings = [w for _, found in rendered.values() for w in found]
    # The body's text is the same in both documents: check it once.
    checked = rendered["html"][0] if "html" in rendered else rendered["pdf"][0]
    warnings += text_problems(checked, input_texts(model), fonts_folder())
    return {t: html for t, (html, _) in rendered.items()}, laid_out, warnings


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
