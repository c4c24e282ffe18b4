"""``OUT/<company>/history.html``: the archived versions of one company's brief (batch/archive.py), with
links to their files. Held to the HTML boundary like the index; no script."""

from __future__ import annotations

from typing import Any

from reportgen.render.assets import inline_css
from reportgen.render.environment import environment_for


def render_history(company: str, versions: list[dict[str, Any]]) -> str:
    """``versions``: newest first, each with number, folder, replaced (text), as_of, equity_value,
    value_to_price, currency, unit and files (the names present)."""
    from reportgen.render.boundary import seal_html

    env = environment_for(None, "builtin")
    html = env.get_template("history.html.j2").render(
        company=company, versions=versions, stylesheet=lambda name: inline_css(name, None))
    return seal_html(html, None, relative_links=True)
