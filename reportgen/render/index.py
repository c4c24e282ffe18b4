"""``outputs/index.html``: one self-contained intranet page over every brief of the output folder."""

from __future__ import annotations

from typing import Any

from reportgen.render.assets import inline_css
from reportgen.render.environment import environment_for


def render_index(rows: list[dict[str, Any]]) -> str:
    env = environment_for(None, "builtin")
    return env.get_template("index.html.j2").render(
        briefs=rows, stylesheet=lambda name: inline_css(name, None))
