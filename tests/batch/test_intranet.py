"""The intranet around the briefs: the archive of earlier versions (kept, pruned, taken back), the
options that shape it, the Atom feed (read by feedparser), the boundary's one allowance for scripts,
and, end to end, two builds of the examples with one input edited in between."""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
from pathlib import Path

import feedparser
import pytest

from reportgen.batch import archive
from reportgen.batch.options import BuildOptions
from reportgen.errors import TemplateError, UsageError

ROOT = Path(__file__).resolve().parents[2]
MOMENT = dt.datetime(2026, 3, 4, 5, 6, 7, tzinfo=dt.UTC)


def _brief(folder: Path, tag: str) -> dict[str, bytes]:
    files = {"brief.pdf": f"%PDF-{tag}".encode(), "brief.html": f"<html>{tag}</html>".encode(),
             "model.json": json.dumps({"tag": tag}).encode()}
    folder.mkdir(parents=True, exist_ok=True)
    for name, content in files.items():
        (folder / name).write_bytes(content)
    return files


def test_archive_keeps_what_it_replaces_and_prunes_to_keep(tmp_path: Path) -> None:
    folder = tmp_path / "acme"
    assert archive.archive_current(str(folder), 3, MOMENT) is None  # nothing published yet
    first = _brief(folder, "v1")
    assert not archive.changes_brief(str(folder), first)  # the same bytes again: not a change
    assert archive.changes_brief(str(folder), {**first, "model.json": b"{}"})
    tags = []
    for number in range(1, 6):
        version = archive.archive_current(str(folder), 3, MOMENT + dt.timedelta(hours=number))
        assert version is not None and version.number == number
        archive.prune(str(folder), 3)  # as publishing does once the new brief is written
        tags.append((folder / "archive" / version.name / "model.json").read_bytes())
        _brief(folder, f"v{number + 1}")
    kept = archive.versions(str(folder))
    assert [v.number for v in kept] == [3, 4, 5]
    assert kept[0].name == "0003-20260304T080607Z"
    assert kept[-1].replaced_at == MOMENT + dt.timedelta(hours=5)
    assert (folder / "archive" / kept[-1].name / "model.json").read_bytes() == json.dumps({"tag": "v5"}).encode()
    assert sorted(os.listdir(folder / "archive")) == [v.name for v in kept]  # nothing half-deleted left
    archive.discard(str(folder), kept[-1])
    assert [v.number for v in archive.versions(str(folder))] == [3, 4]
    archive.prune(str(folder), 0)
    assert archive.versions(str(folder)) == []


def test_leftovers_of_a_killed_archive_step_are_removed(tmp_path: Path) -> None:
    folder = tmp_path / "acme"
    _brief(folder, "v1")
    (folder / "archive" / ".tmp-half" ).mkdir(parents=True)
    (folder / "archive" / ".tmp-half" / "brief.pdf").write_bytes(b"%PDF-half")
    archive.archive_current(str(folder), 10, MOMENT)
    assert [p.name for p in (folder / "archive").iterdir()] == ["0001-20260304T050607Z"]


def test_build_time_follows_source_date_epoch(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    assert archive.build_time() == dt.datetime(2023, 11, 14, 22, 13, 20, tzinfo=dt.UTC)
    monkeypatch.delenv("SOURCE_DATE_EPOCH")
    assert abs((archive.build_time() - dt.datetime.now(dt.UTC)).total_seconds()) < 5


@pytest.mark.parametrize("changes, message", [
    ({"keep_versions": -1}, "--keep"),
    ({"html_charts": "animated"}, "--html-charts"),
    ({"site_url": "javascript:alert(1)//x"}, "--site-url"),
    ({"site_url": "ftp://host/x"}, "--site-url"),
    ({"site_url": "https://intra.example/briefs\"><x"}, "--site-url"),
    ({"site_url": "https://user:pw@intra.example/"}, "--site-url"),
    ({"site_url": "https:///nohost"}, "--site-url"),
])
def test_intranet_options_are_validated(changes: dict, message: str) -> None:
    with pytest.raises(UsageError, match=message):
        BuildOptions(**changes)


def test_interactive_charts_change_the_output_digest_and_the_feed_options_do_not() -> None:
    base = BuildOptions()
    assert BuildOptions(html_charts="interactive").output_digest() != base.output_digest()
    assert BuildOptions(keep_versions=2, site_url="https://intra.example/b").output_digest() == base.output_digest()


def _model(name: str, as_of: str, changes: dict | None) -> dict:
    return {"company": {"name": name, "as_of": as_of, "currency": "USD", "unit": "million"},
            "scenarios": {"base": {"equity_value": 1234.5, "value_to_price": 1.5}},
            "monte_carlo": {"prob_value_ge_price": 0.625}, "changes": changes}


def test_feed_is_valid_atom_with_figures_and_changes() -> None:
    from reportgen.render.feed import FeedEntry, render_feed

    hostile = '<b>Acme</b> & "Co" </script>'
    changes = {"previous_as_of": "2026-01-31", "any": True,
               "inputs": [{"path": "valuation.post_money", "before": 100.0, "after": 120.0}],
               "figures": [{"key": "value_to_price", "kind": "multiple", "before": 1.8, "after": 1.5}],
               "judgments": []}
    entry = FeedEntry("tag:reportgen.invalid,2024:briefs/acme/1", hostile, MOMENT, "acme/brief.html",
                      _model(hostile, "2026-02-28", changes))
    parsed = feedparser.parse(render_feed([entry], MOMENT, "feed.xml", "index.html"))
    assert not parsed.bozo, parsed.bozo_exception
    assert parsed.version == "atom10"
    [item] = parsed.entries
    assert item.title == f"{hostile}: brief updated (as of 2026-02-28)"
    assert item.link == "acme/brief.html"
    assert "$1.23 billion" in item.summary and "1.50x" in item.summary and "62.5%" in item.summary
    assert "1 input(s), 1 headline figure(s) and 0 judgment(s) changed" in item.summary
    content = item.content[0].value
    assert "valuation.post_money: 100.0 → 120.0" in content and "Base-case value to price: 1.80x → 1.50x" in content
    assert "<b>" not in content  # the name is text in the HTML content too
    assert item.updated_parsed[:6] == (2026, 3, 4, 5, 6, 7)


def test_empty_feed_is_valid_atom() -> None:
    from reportgen.render.feed import render_feed

    parsed = feedparser.parse(render_feed([], MOMENT, "https://intra.example/feed.xml", "https://intra.example/"))
    assert not parsed.bozo and parsed.version == "atom10" and parsed.entries == []


def test_boundary_accepts_exactly_the_hashed_script() -> None:
    from reportgen.render.boundary import seal_html
    from reportgen.render.scripts import policy_for

    script = "document.title = 'x';"
    other = "alert(1);"

    def page(policy: str, body: str) -> str:
        return (f'<!DOCTYPE html><html lang="en"><head><meta http-equiv="Content-Security-Policy" '
                f'content="{policy}"><title>t</title></head><body><p>x</p>{body}</body></html>')

    good = page(policy_for([script]), f"<script>{script}</script>")
    assert seal_html(good, None, scripts=(script,)) == good
    refused = [
        (page(policy_for([script]), f"<script>{script}</script>"), ()),  # no script allowed at all
        (page(policy_for([script]), f"<script>{other}</script>"), (script,)),  # not ours
        (page(policy_for([other]), f"<script>{other}</script>"), (script,)),  # its own hash does not help
        (page(policy_for([script]), f"<script>{script}</script><script>{other}</script>"), (script,)),
        (page(policy_for([script]), f'<script src="x.js">{script}</script>'), (script,)),
        (page(policy_for([script, other]), f"<script>{script}</script>"), (script, other)),  # more than it holds
        (page(policy_for([]), f"<script>{script}</script>"), (script,)),  # the policy does not allow it
        (page(policy_for([script]), f'<script>{script}</script><script type="application/json">'
                                    '"</b>"</script>'), (script,)),  # a data block with "<"
        (page(policy_for([script]), f'<script>{script}</script><img src="data:," onerror="x()">'), (script,)),
    ]
    for html, allowed in refused:
        with pytest.raises(TemplateError):
            seal_html(html, None, scripts=allowed)


def _copy_examples(root: Path) -> Path:
    inputs = root / "inputs"
    shutil.copytree(ROOT / "inputs", inputs)
    return inputs


@pytest.mark.slow
def test_two_builds_with_one_edit_archive_one_version_and_feed_one_entry(tmp_path: Path) -> None:
    """End to end through the CLI: the examples, built twice with meridian's price edited in between."""
    from buildkit import reportgen

    inputs = _copy_examples(tmp_path)
    out = tmp_path / "outputs"
    # --jobs 1: the briefs in the command's process (a pool's workers would first start the chart engine and
    # WeasyPrint, about 3 CPU-s each); the archive, feed and index are what this test is about
    options = ("--format", "html,json", "--site-url", "https://intra.example/briefs/", "--jobs", "1")
    first = reportgen("build", inputs, "--out", out, *options, cwd=tmp_path)
    assert first.code == 0, str(first)
    published = (out / "meridian-2026" / "model.json").read_bytes()
    assert feedparser.parse((out / "feed.xml").read_bytes()).entries == []

    source = inputs / "meridian-2026.yaml"
    text = source.read_text(encoding="utf-8")
    assert text.count("post_money: 12500\n") == 1
    source.write_text(text.replace("post_money: 12500\n", "post_money: 14000\n"), encoding="utf-8")
    second = reportgen("build", inputs, "--out", out, *options, "--json", cwd=tmp_path)
    assert second.code == 0, str(second)
    assert second.json()["changed"] == [str(out / "meridian-2026")]

    for stem in ("anthropic-2026", "nordlicht-2026"):
        assert not (out / stem / "archive").exists() and not (out / stem / "history.html").exists()
    [version] = archive.versions(str(out / "meridian-2026"))
    kept = out / "meridian-2026" / "archive" / version.name
    assert sorted(p.name for p in kept.iterdir()) == ["brief.html", "model.json"]
    assert (kept / "model.json").read_bytes() == published
    # the what-changed box compares with that archived version, and the brief links to its history
    model = json.loads((out / "meridian-2026" / "model.json").read_bytes())
    assert model["changes"]["inputs"] == [{"path": "valuation.post_money", "before": 12500.0, "after": 14000.0}]
    html = (out / "meridian-2026" / "brief.html").read_text(encoding="utf-8")
    assert '<a href="history.html">' in html
    history = (out / "meridian-2026" / "history.html").read_text(encoding="utf-8")
    assert f'href="archive/{version.name}/brief.html"' in history

    feed = feedparser.parse((out / "feed.xml").read_bytes())
    assert not feed.bozo, feed.bozo_exception
    [entry] = feed.entries
    assert entry.title.startswith("Meridian Labs: brief updated")
    assert entry.link == "https://intra.example/briefs/meridian-2026/brief.html"
    assert "valuation.post_money: 12500.0 → 14000.0" in entry.content[0].value

    index = (out / "index.html").read_text(encoding="utf-8")
    assert 'class="changed-name">Meridian Labs</a>' in index
    assert index.count('<strong class="changed-mark">changed</strong>') == 1
    assert 'href="meridian-2026/history.html">History (1)</a>' in index

    # verify rebuilds into a scratch folder: the archive does not make the published folder differ
    from reportgen.batch.verify import verify

    report = verify([str(inputs)], BuildOptions(out_dir=str(out), formats=("html", "json"), chart_cache=False,
                                                 jobs=1))
    assert report.different == [] and report.missing == [] and report.exit_code == 0


def test_history_page_shows_hostile_names_as_text(tmp_path: Path) -> None:
    from reportgen.render.history import render_history

    hostile = '</title><script>alert(1)</script> "q"'
    html = render_history(hostile, [{"number": 2, "folder": "0002-20260304T050607Z", "replaced": "4 March 2026",
                                     "as_of": "2026-02-28", "currency": "USD", "unit": "million",
                                     "equity_value": 1234.5, "value_to_price": 1.5,
                                     "files": ["brief.html", "model.json"]}])
    assert "<script" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert 'href="archive/0002-20260304T050607Z/brief.html"' in html and "brief.pdf" not in html
    assert "$1.23 billion" in html and "1.50x" in html


def test_cli_refuses_a_bad_intranet_option(tmp_path: Path) -> None:
    from buildkit import reportgen

    for option in (("--html-charts", "animated"), ("--keep", "-2"), ("--site-url", "file:///etc")):
        run = reportgen("build", ROOT / "inputs", "--out", tmp_path / "out", *option, cwd=tmp_path)
        assert run.code == 2 and option[0] in run.stderr, str(run)
        assert not (tmp_path / "out").exists()


def test_a_brief_that_cannot_be_replaced_keeps_its_archive_as_it_was(tmp_path: Path,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """The copy is taken back, and no older version is pruned for a brief that stayed current."""
    import errno

    import reportgen.atomic
    from reportgen.batch.job import Result
    from reportgen.batch.publish import write_brief

    folder = tmp_path / "out" / "acme"
    _brief(folder, "v1")
    archive.archive_current(str(folder), 1, MOMENT)
    _brief(folder, "v2")
    before = sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*"))

    def full(files: list, **_: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(reportgen.atomic, "write_all_atomic", full)
    result = Result("inputs/acme.yaml", "acme", "k", "built", files={"model.json": b"{}", "brief.html": b"<html>"})
    with pytest.raises(OSError, match="No space"):
        write_brief(result, BuildOptions(out_dir=str(tmp_path / "out"), keep_versions=1), None, "")  # type: ignore[arg-type]
    assert sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*")) == before
    assert (folder / "archive" / "0001-20260304T050607Z" / "model.json").read_bytes() == b'{"tag": "v1"}'
