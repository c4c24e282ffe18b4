"""``outputs/index.html``: one self-contained intranet page over every brief of the output folder. It is
held to the HTML brief's boundary (render/boundary.py), links to the briefs' files next to it included,
and runs one script of ours (assets/index.js: sort, filter, search), allowed by its hash."""

from __future__ import annotations

import datetime as dt
from typing import Any

from markupsafe import Markup

from reportgen.render.assets import inline_css
from reportgen.render.environment import environment_for


def render_index(rows: list[dict[str, Any]], built: dt.datetime | None = None) -> str:
    """The index page; TemplateError when it breaks the boundary (it carries names from inputs).
    ``built``: the build's time (UTC), shown on the page."""
    from reportgen.render.boundary import seal_html
    from reportgen.render.scripts import builtin_script, inline, policy_for

    built = built or dt.datetime.now(dt.UTC).replace(microsecond=0)
    script = builtin_script("index.js")
    env = environment_for(None, "builtin")
    rows = [{**row, "anchor": f"brief-{position}"} for position, row in enumerate(rows, 1)]
    html = env.get_template("index.html.j2").render(
        briefs=rows, stylesheet=lambda name: inline_css(name, None), script=inline(script),
        content_security_policy=Markup(policy_for([script])),
        built_iso=built.strftime("%Y-%m-%dT%H:%M:%SZ"), built_text=built.strftime("%d %B %Y, %H:%M UTC"))
    return seal_html(html, None, relative_links=True, scripts=(script,))
