"""Planning: which briefs are out of date. Content hashes of the input, the data files it named last
time, the templates, the options and reportgen's version, against the manifest under the output
folder. Standard library only (reportgen.spec.source's guarded readers are too): a build with nothing
to do never imports the rendering stack.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass, field
from typing import Any

from reportgen import __version__
from reportgen.build.options import BuildOptions
from reportgen.paths import builtin_templates
from reportgen.spec.source import MAX_DATA_BYTES, read_input_file, read_limited

STATE_DIR = ".reportgen"
MANIFEST = "manifest.json"
MANIFEST_VERSION = 1


def state_dir(out_dir: str) -> str:
    return os.path.join(out_dir, STATE_DIR)


def folder_digest(root: str) -> str:
    """Hash of every file under ``root`` (names and contents), in a stable order.

    A user's templates folder is untrusted: a FIFO, a link to /dev/zero or out of the folder, or a huge file
    is not read (its name and a marker are hashed instead), so hashing can neither hang nor exhaust memory.
    Loading the templates (read_template_dir) then refuses or skips it with a message."""
    real_root = os.path.realpath(root)
    digest = hashlib.sha256()
    for folder, dirs, files in os.walk(root):
        dirs.sort()
        for name in sorted(files):
            if name.startswith(".") or name.endswith((".pyc", "~")):
                continue
            path = os.path.join(folder, name)
            digest.update(os.path.relpath(path, root).encode() + b"\0")
            real = os.path.realpath(path)
            if os.path.commonpath([real_root, real]) != real_root:
                digest.update(b"link out of the folder\0" + real.encode())
                continue
            try:
                digest.update(hashlib.sha256(read_limited(path, MAX_DATA_BYTES)).digest())
            except OSError as exc:
                digest.update(f"unreadable: {type(exc).__name__}".encode())
    return digest.hexdigest()


def templates_digest(templates_dir: str | None) -> str:
    digest = hashlib.sha256(folder_digest(builtin_templates()).encode())
    if templates_dir:
        digest.update(b"user\0" + folder_digest(os.path.realpath(templates_dir)).encode())
    return digest.hexdigest()


def file_sha256(path: str) -> str | None:
    """sha256 of a data file, read as read_input reads it: a regular file of at most 20 MiB, opened
    non-blocking and checked with fstat. Anything else (missing, a FIFO, a device, a folder, too large)
    is None, which makes the brief out of date, so that read_input reports it with its location. A plain
    open() and read() here hung on a FIFO and read /dev/zero until memory ran out."""
    try:
        return hashlib.sha256(read_limited(path, MAX_DATA_BYTES)).hexdigest()
    except OSError:
        return None


def input_sha256(path: str) -> str | None:
    """sha256 of an input file under read_input's rules (regular, at most 1 MiB, not a link out of its
    folder), or None."""
    try:
        return hashlib.sha256(read_input_file(path)).hexdigest()
    except OSError:
        return None


@dataclass
class Manifest:
    path: str
    entries: dict[str, dict[str, Any]] = field(default_factory=dict)

    @classmethod
    def load(cls, out_dir: str) -> Manifest:
        path = os.path.join(state_dir(out_dir), MANIFEST)
        try:
            with open(path, encoding="utf-8") as handle:
                data = json.load(handle)
            if data.get("version") == MANIFEST_VERSION and isinstance(data.get("entries"), dict):
                return cls(path, data["entries"])
        except (OSError, ValueError):
            pass  # no manifest, or a damaged one: everything is out of date
        return cls(path, {})

    def to_bytes(self) -> bytes:
        document = {"version": MANIFEST_VERSION, "entries": dict(sorted(self.entries.items()))}
        return (json.dumps(document, indent=1, sort_keys=True, ensure_ascii=False) + "\n").encode()

    def save(self) -> None:
        from reportgen.build.atomic import write_atomic

        write_atomic(self.path, self.to_bytes())


@dataclass(frozen=True)
class PlannedBrief:
    input: str
    name: str
    key: str
    out_of_date: bool
    reason: str
    problem: str | None = None  # a located error that refuses the brief before anything is read


def brief_key(input_path: str, data_files: list[str], templates: str, options: BuildOptions) -> str:
    """The key of a brief as its files on disk stand now (the planner's view)."""
    return key_of(input_sha256(input_path), [(path, file_sha256(path)) for path in data_files], templates, options)


def key_of(input_sha: str | None, data: list[tuple[str, str | None]], templates: str, options: BuildOptions) -> str:
    """The key of a brief from the hashes of its input and data files. The build records the key of the
    bytes a brief was built from, not of the files as they are when it is written: an input saved
    while its brief was building must stay out of date."""
    digest = hashlib.sha256()
    for part in (__version__, templates, options.output_digest(), input_sha or "missing"):
        digest.update(part.encode() + b"\0")
    for path, sha in data:
        digest.update(path.encode() + b"\0" + (sha or "missing").encode() + b"\0")
    return digest.hexdigest()


def output_name(input_path: str) -> str:
    return os.path.splitext(os.path.basename(input_path))[0]


def reserved_name(name: str) -> str | None:
    """Why a brief may not have the folder OUT/``name``, or None. The index page and reportgen's own
    state live beside the briefs' folders: an input named index.html.yaml would otherwise take the
    index's place for good, and one named .reportgen.yaml would write into the manifest's folder."""
    if name.casefold() == "index.html":  # casefold: the folder may be served from a case-blind share
        return "the index page of the output folder"
    if not name or name.startswith("."):
        return "hidden files and reportgen's own state (.reportgen)"
    return None


def name_problem(input_path: str, name: str) -> str | None:
    """The located error for an input whose brief folder name is reserved."""
    from reportgen.errors import Problem

    why = reserved_name(name)
    if why is None:
        return None
    display = os.path.normpath(input_path) if not os.path.isabs(input_path) else input_path
    return str(Problem(display, 1, "(file)", f"its name would make the brief's folder {name!r}, which is reserved "
                       f"for {why}", hint="rename the file"))


def expected_files(options: BuildOptions) -> list[str]:
    names = {"pdf": "brief.pdf", "html": "brief.html", "json": "model.json"}
    return [names[f] for f in options.formats]


def plan(inputs: list[str], options: BuildOptions, manifest: Manifest, templates: str) -> list[PlannedBrief]:
    planned = []
    for path in inputs:
        name = output_name(path)
        problem = name_problem(path, name)
        if problem is not None:  # refused before its file is even read
            planned.append(PlannedBrief(path, name, "", True, "reserved name", problem))
            continue
        entry = manifest.entries.get(name) or {}
        key = brief_key(path, list(entry.get("data_files", [])), templates, options)
        folder = os.path.join(options.out_dir, name)
        if options.force:
            planned.append(PlannedBrief(path, name, key, True, "forced"))
        elif entry.get("key") != key:
            planned.append(PlannedBrief(path, name, key, True, "changed" if entry else "new"))
        elif not all(os.path.isfile(os.path.join(folder, f)) for f in expected_files(options)):
            planned.append(PlannedBrief(path, name, key, True, "output missing"))
        else:
            planned.append(PlannedBrief(path, name, key, False, "up to date"))
    return planned
