"""The template context is a typed object: every name the built-in templates use is a field of
``BriefContext`` (or a global of the environment), every field is used or documented, and the README
names the class that documents them."""

from __future__ import annotations

from dataclasses import fields
from pathlib import Path

from jinja2 import meta

from reportgen.render.environment import make_environment
from reportgen.render.template_context import BriefContext

ROOT = Path(__file__).resolve().parents[2]
TEMPLATES = ROOT / "templates"
FIELDS = {f.name for f in fields(BriefContext)}
# Names the environment or the renderer supply besides the context, and each template's own imports.
SUPPLIED = {"content_security_policy", "stylesheet", "words", "figure", "tables", "titles", "alt_text",
            "sections", "image",  # the last two are set at the top of a template and read inside its blocks
            "vega_specs", "vega_runtime",  # only with --html-charts interactive (render/html.py)
            "history_link"}  # whether a history page exists to link to (render/html.py, --keep)


def _undeclared() -> dict[str, set[str]]:
    env = make_environment()
    found = {}
    for path in sorted(TEMPLATES.rglob("*.j2")):
        if path.name in ("index.html.j2", "history.html.j2"):  # intranet pages have a context of their own
            continue
        source = path.read_text(encoding="utf-8")
        found[str(path.relative_to(TEMPLATES))] = meta.find_undeclared_variables(env.parse(source))
    return found


def test_templates_use_only_names_of_the_context():
    unknown = {name: sorted(names - FIELDS - SUPPLIED) for name, names in _undeclared().items()}
    assert {k: v for k, v in unknown.items() if v} == {}


def test_every_field_is_documented_by_a_comment():
    source = (ROOT / "reportgen" / "render" / "template_context.py").read_text(encoding="utf-8")
    lines = {line.strip().split(":")[0]: line for line in source.splitlines() if line.startswith("    ")}
    assert [name for name in FIELDS if "#" not in lines.get(name, "")] == []


def test_every_field_is_used_by_a_template_or_named_in_the_readme():
    used = set().union(*_undeclared().values())
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "BriefContext" in readme
    spare = sorted(FIELDS - used - {"chart_order", "version", "target"})
    assert [name for name in spare if f"`{name}`" not in readme] == []


def test_old_short_names_are_gone():
    """m, i, j and sc read as nothing to a template author: the context names what it holds."""
    assert not {"m", "i", "j", "sc"} & FIELDS
    for name, names in _undeclared().items():
        assert not {"m", "i", "j", "sc"} & names, name
