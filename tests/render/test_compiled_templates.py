"""The built-in templates' compiled code, kept between processes (reportgen/render/compiled.py): written once and
read by the next process, compiled again when a template changes, never written for a user's template, and a
folder that cannot be written is no error."""

from __future__ import annotations

from pathlib import Path

import pytest

from reportgen.render import compiled
from reportgen.render.environment import TemplateSet, _BuiltinLoader, make_environment


@pytest.fixture
def builtin(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, Path]:
    """A built-in templates folder of one template, and the cache folder of an environment that reads it."""
    root = tmp_path / "templates"
    root.mkdir()
    (root / "page.html.j2").write_text("<p>{{ word }}</p>", encoding="utf-8")
    monkeypatch.setattr(compiled, "builtin_templates", lambda: str(root))
    return root, tmp_path / "cache"


def environment(root: Path, cache: Path, user: TemplateSet | None = None):
    env = make_environment(user)
    env.loader.loaders[-1] = _BuiltinLoader(str(root))  # type: ignore[attr-defined]  (the built-in folder)
    env.bytecode_cache = compiled.BuiltinTemplateCache(str(cache))
    return env


def test_a_second_environment_reads_the_compiled_template(builtin: tuple[Path, Path],
                                                          monkeypatch: pytest.MonkeyPatch):
    root, cache = builtin
    assert environment(root, cache).get_template("page.html.j2").render(word="one") == "<p>one</p>"
    (entry,) = cache.iterdir()
    fresh = environment(root, cache)
    monkeypatch.setattr(type(fresh), "compile", lambda *a, **k: pytest.fail("compiled again despite the cache"))
    assert fresh.get_template("page.html.j2").render(word="two") == "<p>two</p>"
    assert entry.is_file()


def test_an_edited_template_is_compiled_again(builtin: tuple[Path, Path]):
    root, cache = builtin
    environment(root, cache).get_template("page.html.j2")
    (root / "page.html.j2").write_text("<b>{{ word }}</b>", encoding="utf-8")
    assert environment(root, cache).get_template("page.html.j2").render(word="x") == "<b>x</b>"


def test_a_user_template_is_never_written(builtin: tuple[Path, Path]):
    root, cache = builtin
    user = TemplateSet({"brief.html.j2": b"<i>{{ word }}</i>"}, str(root.parent / "mine"))
    env = environment(root, cache, user)
    assert env.get_template("brief.html.j2").render(word="y") == "<i>y</i>"
    assert not cache.exists()


def test_a_cache_that_cannot_be_written_is_no_error(builtin: tuple[Path, Path]):
    root, cache = builtin
    cache.write_text("a file where the folder should be", encoding="utf-8")
    assert environment(root, cache).get_template("page.html.j2").render(word="z") == "<p>z</p>"


def test_environments_that_compile_differently_never_share_a_folder():
    plain = make_environment()
    unescaped = make_environment()
    unescaped.autoescape = False
    assert compiled.cache_folder(plain) != compiled.cache_folder(unescaped)
    assert compiled.cache_folder(plain) == compiled.cache_folder(make_environment())
