"""``outputs/index.html``: one self-contained intranet page over every brief of the output folder. It is
held to the HTML brief's boundary (render/boundary.py), links to the briefs' files next to it included."""

from __future__ import annotations

from typing import Any

from reportgen.render.assets import inline_css
from reportgen.render.environment import environment_for


def render_index(rows: list[dict[str, Any]]) -> str:
    """The index page; TemplateError when it breaks the boundary (it carries names from inputs)."""
    from reportgen.render.boundary import seal_html

    env = environment_for(None, "builtin")
    html = env.get_template("index.html.j2").render(
        briefs=rows, stylesheet=lambda name: inline_css(name, None))
    return seal_html(html, None, relative_links=True)
