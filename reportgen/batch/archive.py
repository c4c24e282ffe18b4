"""The archive of a company's earlier briefs: OUT/<company>/archive/<NNNN>-<YYYYMMDDTHHMMSSZ>/.

When a build replaces a brief with different bytes, the files it replaces (brief.pdf, brief.html,
model.json) are first copied into a new version folder: NNNN counts up per company, the timestamp is
the UTC time of the build that replaced them (SOURCE_DATE_EPOCH when set). A version folder appears
whole or not at all (filled under a ``.tmp-`` name, then renamed), and pruning renames a version to a
``.tmp-`` name before deleting it, so a reader never sees half a version. All of it runs under the
build lock. See docs/intranet.md.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import re
import secrets
import shutil
from dataclasses import dataclass
from typing import Any

from reportgen.atomic import fsync_dir, write_atomic
from reportgen.safe_open import read_limited

ARCHIVE = "archive"
ARCHIVED_FILES = ("brief.pdf", "brief.html", "model.json")
MAX_READ = 64 << 20  # a brief's PDF is well under 1 MB; a larger file here is not ours
_VERSION = re.compile(r"^(\d{4,})-(\d{8}T\d{6}Z)$")


@dataclass(frozen=True)
class Version:
    name: str  # the folder name, NNNN-STAMP
    number: int
    stamp: str  # YYYYMMDDTHHMMSSZ: when a build replaced it

    @property
    def replaced_at(self) -> dt.datetime:
        return dt.datetime.strptime(self.stamp, "%Y%m%dT%H%M%SZ").replace(tzinfo=dt.UTC)


def build_time() -> dt.datetime:
    """The time a build stamps on what it publishes: SOURCE_DATE_EPOCH when set (reproducible builds),
    else now; UTC, to the second."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.isdigit():
        return dt.datetime.fromtimestamp(int(epoch), dt.UTC)
    return dt.datetime.now(dt.UTC).replace(microsecond=0)


def stamp_of(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")


def versions(folder: str) -> list[Version]:
    """The archived versions of the brief in ``folder``, oldest first."""
    try:
        names = os.listdir(os.path.join(folder, ARCHIVE))
    except OSError:
        return []
    found = []
    for name in names:
        match = _VERSION.match(name)
        if match and os.path.isdir(os.path.join(folder, ARCHIVE, name)):
            found.append(Version(name, int(match.group(1)), match.group(2)))
    return sorted(found, key=lambda v: v.number)


def _read(path: str) -> bytes | None:
    try:
        return read_limited(path, MAX_READ)
    except OSError:
        return None


def published(folder: str) -> dict[str, bytes]:
    """The archivable files of the brief now in ``folder``, by name (read once, for both questions below)."""
    return {name: content for name in ARCHIVED_FILES if (content := _read(os.path.join(folder, name))) is not None}


def changes_brief(folder: str, files: dict[str, bytes], current: dict[str, bytes] | None = None) -> bool:
    """Whether publishing ``files`` replaces a brief with different bytes (not a first build, not a
    rebuild that gives the same files). ``current``: the folder's ``published`` files, when already read."""
    current = published(folder) if current is None else current
    return any(old != files.get(name, old) for name, old in current.items())


def archive_current(folder: str, keep: int, moment: dt.datetime,
                    current: dict[str, bytes] | None = None) -> Version | None:
    """Copy the brief now in ``folder`` (``current``: its ``published`` files, when already read) into a new
    version folder (``prune`` once the new brief is published). Returns the new version (None when there was
    nothing to archive, or ``keep`` is 0)."""
    if keep < 1:
        return None
    remove_leftovers(folder)
    present = list((published(folder) if current is None else current).items())
    if not present:
        return None
    root = os.path.join(folder, ARCHIVE)
    existing = versions(folder)
    number = (existing[-1].number + 1) if existing else 1
    version = Version(f"{number:04d}-{stamp_of(moment)}", number, stamp_of(moment))
    scratch = os.path.join(root, f".tmp-{secrets.token_hex(6)}")
    try:
        os.makedirs(scratch)
        for name, content in present:
            write_atomic(os.path.join(scratch, name), content)
        os.rename(scratch, os.path.join(root, version.name))
    except BaseException:
        shutil.rmtree(scratch, ignore_errors=True)
        _remove_if_empty(root)  # a failed first archive leaves the brief's folder as it was
        raise
    fsync_dir(root)
    return version


def discard(folder: str, version: Version) -> None:
    """Take back a version archived for a brief that could not then be replaced (it is still current)."""
    _remove(os.path.join(folder, ARCHIVE), version.name)
    _remove_if_empty(os.path.join(folder, ARCHIVE))


def _remove_if_empty(root: str) -> None:
    with contextlib.suppress(OSError):
        os.rmdir(root)


def prune(folder: str, keep: int) -> None:
    """Keep the ``keep`` newest versions; each older one is renamed away, then deleted."""
    root = os.path.join(folder, ARCHIVE)
    old = versions(folder)
    for version in old[:max(0, len(old) - keep)]:
        _remove(root, version.name)
    remove_leftovers(folder)


def _remove(root: str, name: str) -> None:
    doomed = os.path.join(root, f".tmp-{secrets.token_hex(6)}-{name}")
    try:
        os.rename(os.path.join(root, name), doomed)
    except OSError:
        return
    fsync_dir(root)
    shutil.rmtree(doomed, ignore_errors=True)


def remove_leftovers(folder: str) -> None:
    """Half-made or half-deleted versions of a build that was killed (we hold the lock)."""
    root = os.path.join(folder, ARCHIVE)
    with contextlib.suppress(OSError):
        for name in os.listdir(root):
            if name.startswith(".tmp-"):
                path = os.path.join(root, name)
                if os.path.isdir(path) and not os.path.islink(path):
                    shutil.rmtree(path, ignore_errors=True)
                else:
                    with contextlib.suppress(OSError):
                        os.unlink(path)


def read_model(path: str) -> dict[str, Any] | None:
    """A model.json of the archive or the current brief, or None when it is missing or unreadable."""
    content = _read(path)
    if content is None:
        return None
    try:
        model = json.loads(content)
    except ValueError:
        return None
    return model if isinstance(model, dict) else None
