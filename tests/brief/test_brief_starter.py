"""``reportgen new NAME`` writes a starter input that builds, end to end, into a clean brief."""

from __future__ import annotations

import pytest
from briefkit import (
    APPENDIX_TITLE,
    BRIEF_FILES,
    PAGE_FILL_LIMIT,
    SECTION_TITLES,
    Brief,
    empty_share,
    external_references,
    missing,
    rasterised_pages,
    reportgen,
)


@pytest.fixture(scope="module")
def starter(tmp_path_factory):
    project = tmp_path_factory.mktemp("project")
    (project / "inputs").mkdir()
    created = reportgen("new", "Acme Robotics", cwd=project)
    assert created.code == 0, str(created)
    assert created.stdout.strip() == "inputs/acme-robotics.yaml"
    validated = reportgen("validate", "inputs/", cwd=project)
    assert validated.code == 0, str(validated)
    built = reportgen("build", "inputs/", "--out", "outputs", "--strict", cwd=project)
    return built, Brief(project / "outputs" / "acme-robotics")


def test_starter_builds_cleanly_under_strict(starter):
    run, brief = starter
    assert run.code == 0, str(run)
    assert "1 built" in run.output and "warning" not in run.output.lower() and "error" not in run.output.lower()
    assert all((brief.folder / name).is_file() for name in BRIEF_FILES)
    assert brief.pdf_path.read_bytes()[:5] == b"%PDF-"
    assert (brief.folder.parent / "index.html").is_file()


def test_starter_brief_reads_as_a_brief(starter):
    _, brief = starter
    assert brief.name == "Acme Robotics"
    assert brief.reader.metadata.title == "Acme Robotics: research brief"
    text = brief.prose("pdftotext")
    assert missing(text, [*SECTION_TITLES, APPENDIX_TITLE, "Contents"]) == []
    pages = len(brief.reader.pages)
    assert f"page {pages} of {pages}" in brief.poppler_pages[-1]
    assert [t for level, t in brief.doc.headings() if level == 2] == [
        "Key points", "Analyst’s view", "Contents", *SECTION_TITLES, APPENDIX_TITLE]
    assert external_references(brief.html) == []


def test_starter_pages_are_filled(starter, tmp_path):
    """A small company (no history, one peer, no commentary) is where a layout gapes: the page-fill rule holds."""
    _, brief = starter
    shares = [round(empty_share(page), 2) for page in rasterised_pages(brief.pdf_path, tmp_path)]
    assert all(share <= PAGE_FILL_LIMIT for share in shares[:-1]), shares
