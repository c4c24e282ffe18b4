"""The intranet pages a build writes beside the briefs, from the archive (batch/archive.py): each
company's history.html and the Atom feed outputs/feed.xml (one entry per archived version: the brief
that replaced it). Written atomically, under the build lock."""

from __future__ import annotations

import datetime as dt
import os
import urllib.parse
from typing import Any

from reportgen.atomic import write_atomic
from reportgen.batch.archive import ARCHIVE, ARCHIVED_FILES, read_model, versions
from reportgen.batch.options import BuildOptions
from reportgen.batch.site import site_link

FEED = "feed.xml"
HISTORY = "history.html"
MAX_FEED_ENTRIES = 100


def write_history(folder: str, company: str) -> None:
    """OUT/<company>/history.html over its archived versions, newest first (removed when none is left)."""
    from reportgen.render.history import render_history

    rows: list[dict[str, Any]] = []
    for version in reversed(versions(folder)):
        where = os.path.join(folder, ARCHIVE, version.name)
        model = read_model(os.path.join(where, "model.json")) or {}
        info = model.get("company") or {}
        base = (model.get("scenarios") or {}).get("base") or {}
        rows.append({"number": version.number, "folder": version.name,
                     "replaced": version.replaced_at.strftime("%d %B %Y, %H:%M UTC"),
                     "as_of": info.get("as_of"), "currency": info.get("currency", ""), "unit": info.get("unit", ""),
                     "equity_value": base.get("equity_value"), "value_to_price": base.get("value_to_price"),
                     "files": [n for n in ARCHIVED_FILES if os.path.isfile(os.path.join(where, n))]})
    path = os.path.join(folder, HISTORY)
    if not rows:
        if os.path.isfile(path):
            os.unlink(path)
        return
    write_atomic(path, render_history(company, rows).encode("utf-8"))


def _quoted(name: str) -> str:
    return urllib.parse.quote(name, safe="")


def write_feed(options: BuildOptions, rows: list[dict[str, Any]], moment: dt.datetime) -> str:
    """outputs/feed.xml: for each archived version of each listed brief, the version that replaced it; the
    newest MAX_FEED_ENTRIES. Versions are ordered from their folder names, and only the model.json of an
    entry the feed shows is read (a folder of many companies keeps up to ten versions each)."""
    from reportgen.render.feed import FeedEntry, render_feed

    candidates = []
    for row in rows:
        folder = os.path.join(options.out_dir, row["folder"])
        found = versions(folder)
        for position, version in enumerate(found):
            later = found[position + 1] if position + 1 < len(found) else None
            entry_id = f"tag:reportgen.invalid,2024:briefs/{_quoted(row['folder'])}/{version.number}"
            candidates.append((version, later, row, folder, entry_id))
    candidates.sort(key=lambda c: (-c[0].replaced_at.timestamp(), (c[2].get("name") or c[2]["folder"]).casefold(),
                                   c[4]))
    entries: list[FeedEntry] = []
    for version, later, row, folder, entry_id in candidates:
        if len(entries) == MAX_FEED_ENTRIES:
            break
        relative = f"{ARCHIVE}/{later.name}/" if later else ""
        model = read_model(os.path.join(folder, relative, "model.json"))
        if model is None:
            continue
        link = f"{_quoted(row['folder'])}/{relative}brief.html"
        entries.append(FeedEntry(id=entry_id, company=row.get("name") or row["folder"], updated=version.replaced_at,
                                 link=site_link(options.site_url, link), model=model))
    path = os.path.join(options.out_dir, FEED)
    write_atomic(path, render_feed(entries, moment, site_link(options.site_url, FEED),
                                   site_link(options.site_url, "index.html")))
    return path
