"""``render_html``: a Model and its charts in, the brief's HTML out (for the page or for the PDF)."""

from __future__ import annotations

from typing import Any

from jinja2 import TemplateError as JinjaTemplateError
from jinja2.sandbox import SecurityError

from reportgen.errors import TemplateError
from reportgen.model.result import Model
from reportgen.render.assets import inline_css
from reportgen.render.context import build_context
from reportgen.render.environment import TemplateSet, environment_for, render_warnings

LAYOUT = "brief.html.j2"


def render_html(model: Model, charts: list[Any], *, target: str = "html", templates: TemplateSet | None = None,
                templates_digest: str = "builtin", interactive: dict[str, str] | None = None,
                history_link: bool = True) -> tuple[str, list[str]]:
    """The brief as one HTML document and the render's warnings. ``target`` "html" inlines the screen
    stylesheets (a self-contained page); "pdf" leaves styling to the PDF renderer's parsed sheets.
    ``interactive`` (chart name -> spec JSON, charts/interactive.py): the page also draws the charts with
    the Vega runtime inline (render/scripts.py), allowed by its hash. ``history_link``: the what-changed box
    links to the company's history page (there is none when no earlier version is kept, ``--keep 0``)."""
    env = environment_for(templates, templates_digest)
    context = build_context(model, charts, target).for_template()
    context["stylesheet"] = lambda name: inline_css(name, templates)
    context["history_link"] = history_link
    if interactive:
        from markupsafe import Markup

        from reportgen.render.scripts import policy_for, vega_runtime

        runtime = vega_runtime()
        context["vega_specs"] = {name: Markup(text) for name, text in interactive.items()}  # JSON without "<"
        context["vega_runtime"] = Markup(runtime)
        context["content_security_policy"] = Markup(policy_for([runtime]))
    warnings: list[str] = []
    token = render_warnings.set(warnings)
    try:
        html = env.get_template(LAYOUT).render(context)
    except SecurityError as exc:
        # The location matters most here: the refusal is what a reviewer of a hostile template looks for.
        raise TemplateError(f"{_location(exc)}template refused by the sandbox: {exc}") from None
    except JinjaTemplateError as exc:
        raise TemplateError(f"{_location(exc)}{type(exc).__name__}: {exc.message or exc}") from None
    except (RecursionError, MemoryError, OverflowError) as exc:
        raise TemplateError(f"template rendering failed: {type(exc).__name__} "
                            "(a runaway or too large template?)") from None
    finally:
        render_warnings.reset(token)
    return html, list(dict.fromkeys(warnings))


def _location(exc: BaseException) -> str:
    """``template:line: `` of the innermost template frame (jinja maps its frames to template lines)."""
    filename = getattr(exc, "filename", None)
    if filename:
        return f"{filename}:{getattr(exc, 'lineno', '?')}: "
    found = ""
    tb = exc.__traceback__
    while tb is not None:
        name = tb.tb_frame.f_code.co_filename
        if name.endswith((".j2", ".html", ".css")):
            found = f"{name}:{tb.tb_lineno}: "
        tb = tb.tb_next
    return found


def input_texts(model: Model) -> list[str]:
    """Texts that came from the input verbatim: digits in them are not numbers of the model."""
    texts = [model.company.name, *(p.name for p in model.providers), *(p.name for p in model.peers)]
    for path, entry in model.inputs.items():
        if entry.source is not None:
            texts += [path, entry.source, *(t for t in (entry.date, entry.url) if t)]
        if isinstance(entry.value, str):
            texts.append(entry.value)
    for peer in model.peers:
        texts += [p.name for p in peer.providers]
    if model.notes:
        texts.append(model.notes)
    texts += model.commentary.values()
    if model.company.input:
        texts.append(model.company.input)
    return texts
