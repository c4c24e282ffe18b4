"""Planning: which briefs are out of date. Content hashes of the input, the data files it named last
time, the templates, the options, reportgen's version and the versions of the packages that shape a
brief, against the manifest under the output folder. Standard library only (reportgen.contract.source's
guarded readers, reportgen.safe_open and reportgen.versions are too): a build with nothing to do never
imports the rendering stack.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass, field
from typing import Any

from reportgen import __version__
from reportgen.batch.names import name_problem, output_name
from reportgen.batch.options import BuildOptions
from reportgen.contract.source import MAX_DATA_BYTES, InputBundle, read_input_file
from reportgen.paths import builtin_templates
from reportgen.safe_open import Folder, read_fd
from reportgen.versions import output_versions

STATE_DIR = ".reportgen"
MANIFEST = "manifest.json"
FAILURES = "failures.json"  # known failures, beside the manifest (see Manifest)
MANIFEST_VERSION = 1


def state_dir(out_dir: str) -> str:
    return os.path.join(out_dir, STATE_DIR)


def folder_digest(root: str) -> str:
    """Hash of every file under ``root`` (names and contents), in a stable order.

    A user's templates folder is untrusted: a FIFO, a link to /dev/zero or out of the folder, or a huge file
    is not read (its name and a marker are hashed instead), so hashing can neither hang nor exhaust memory.
    Every file is opened through its folder's descriptor (reportgen.safe_open), never by a path checked
    first. Loading the templates (read_template_dir) then refuses it with a message."""
    digest = hashlib.sha256()
    try:
        folder = Folder(root)
    except OSError as exc:
        return f"unreadable folder: {type(exc).__name__}"
    with folder:
        try:
            for relative, fd, problem in folder.walk(want=lambda name: not name.endswith((".pyc", "~"))):
                digest.update(relative.encode() + b"\0")
                if fd is None:
                    digest.update(f"{problem}\0".encode())
                    continue
                try:
                    digest.update(hashlib.sha256(read_fd(fd, MAX_DATA_BYTES)).digest())
                except OSError as exc:
                    digest.update(f"unreadable: {type(exc).__name__}".encode())
                finally:
                    os.close(fd)
        except OSError as exc:  # a folder removed while it was walked
            digest.update(f"unreadable: {type(exc).__name__}".encode())
    return digest.hexdigest()


PROJECT_TEMPLATES = "templates"  # a project's own templates/, beside its inputs, where the build runs


def template_layers(templates_dir: str | None) -> list[str]:
    """The folders that override the built-in templates, lowest first: the project's ``templates/`` (in
    the working folder, unless it is the built-ins themselves, as in a checkout of reportgen), then
    ``--templates DIR``. A file in a later folder wins; ``default:NAME`` always reaches the built-ins."""
    layers = []
    project = os.path.realpath(PROJECT_TEMPLATES)
    if os.path.isdir(project) and project != os.path.realpath(builtin_templates()):
        layers.append(project)
    if templates_dir and os.path.realpath(templates_dir) not in layers:
        layers.append(os.path.realpath(templates_dir))
    return layers


def templates_digest(templates_dir: str | None) -> str:
    digest = hashlib.sha256(folder_digest(builtin_templates()).encode())
    for layer in template_layers(templates_dir):
        digest.update(b"user\0" + folder_digest(layer).encode())
    return digest.hexdigest()


def data_sha256(input_path: str, written: str, root: str | None = None) -> str | None:
    """sha256 of a data file as the input names it (``written``), read as read_input reads it: through the
    descriptor of the input's folder, without following a link out of it, a regular file of at most 20 MiB,
    opened non-blocking and checked with fstat. Anything else (missing, outside, a FIFO, a device, a folder,
    too large) is None, which makes the brief out of date, so that read_input reports it with its location. A
    plain open() and read() here hung on a FIFO and read /dev/zero until memory ran out."""
    from reportgen.contract.source import input_folder

    try:
        with input_folder(input_path, root) as folder:
            return hashlib.sha256(folder.read(written, MAX_DATA_BYTES)).hexdigest()
    except (OSError, ValueError):
        return None


def input_sha256(path: str, root: str | None = None) -> str | None:
    """sha256 of an input file under read_input's rules (regular, at most 1 MiB, not a link out of its
    folder), or None."""
    try:
        return hashlib.sha256(read_input_file(path, root)).hexdigest()
    except (OSError, ValueError):
        return None


@dataclass
class Manifest:
    """What the output folder holds (``entries``: the briefs built, by the key of their bytes) and, in a
    file of its own, the briefs whose last build failed for a reason their bytes, options and versions
    decide (``failures``: an invalid input, a template error): the same key fails the same way, so it
    is reported again without a worker. A failed build never rewrites the record of what was built."""

    path: str
    entries: dict[str, dict[str, Any]] = field(default_factory=dict)
    failures: dict[str, dict[str, Any]] = field(default_factory=dict)
    _saved: dict[str, bytes] = field(default_factory=dict, repr=False)

    @classmethod
    def load(cls, out_dir: str) -> Manifest:
        path = os.path.join(state_dir(out_dir), MANIFEST)
        manifest = cls(path)
        data = _read_json(path)
        if data.get("version") == MANIFEST_VERSION and isinstance(data.get("entries"), dict):
            manifest.entries = data["entries"]  # otherwise (none, or damaged) everything is out of date
            manifest._saved[path] = manifest._entries_bytes()
        failures = _read_json(manifest.failures_path)
        if failures.get("version") == MANIFEST_VERSION and isinstance(failures.get("failures"), dict):
            manifest.failures = failures["failures"]
            manifest._saved[manifest.failures_path] = manifest._failures_bytes()
        return manifest

    @property
    def failures_path(self) -> str:
        return os.path.join(os.path.dirname(self.path), FAILURES)

    def record_failure(self, result: Any) -> None:
        self.failures[result.name] = {"input": result.input, "key": result.key, "errors": result.errors,
                                      "data_written": result.data_written}

    def _entries_bytes(self) -> bytes:
        return _dumps({"version": MANIFEST_VERSION, "entries": dict(sorted(self.entries.items()))})

    def _failures_bytes(self) -> bytes:
        return _dumps({"version": MANIFEST_VERSION, "failures": dict(sorted(self.failures.items()))})

    def to_bytes(self) -> bytes:
        return self._entries_bytes()

    def save(self) -> None:
        """Write what changed since it was loaded or last saved (an unchanged file is not rewritten)."""
        from reportgen.atomic import write_atomic

        for path, content in ((self.path, self._entries_bytes()), (self.failures_path, self._failures_bytes())):
            unchanged = self._saved.get(path) == content
            never_needed = path not in self._saved and ((path == self.failures_path and not self.failures)
                                                        or (path == self.path and not self.entries))
            if not (unchanged or never_needed):
                write_atomic(path, content)
                self._saved[path] = content


def _read_json(path: str) -> dict[str, Any]:
    try:
        with open(path, encoding="utf-8") as handle:
            data = json.load(handle)
        return data if isinstance(data, dict) else {}
    except (OSError, ValueError):
        return {}


def _dumps(document: dict[str, Any]) -> bytes:
    return (json.dumps(document, indent=1, sort_keys=True, ensure_ascii=False) + "\n").encode()


@dataclass(frozen=True)
class PlannedBrief:
    input: str
    name: str
    key: str
    out_of_date: bool
    reason: str
    problem: str | None = None  # a located error that refuses the brief before anything is read
    root: str | None = None  # the folder the operator named that the input was found under (see input_roots)
    cached_errors: list[str] | None = None  # the errors of the last build of this very key, which failed
    bundle: InputBundle | None = None  # a row of a sheet of companies, already read (the row is the input)


def brief_key(input_path: str, data_written: list[str], templates: str, options: BuildOptions,
              root: str | None = None) -> str:
    """The key of a brief as its files on disk stand now (the planner's view). Data files are named as the
    input names them, relative to its folder: a copied or moved folder of inputs keeps its keys."""
    return key_of(input_sha256(input_path, root),
                  [(written, data_sha256(input_path, written, root)) for written in data_written], templates, options)


def key_of(input_sha: str | None, data: list[tuple[str, str | None]], templates: str, options: BuildOptions) -> str:
    """The key of a brief from the hashes of its input and data files. The build records the key of the
    bytes a brief was built from, not of the files as they are when it is written: an input saved
    while its brief was building must stay out of date. The versions of the packages that shape a brief's
    files (WeasyPrint, vl-convert, altair, jinja2, ...) are part of it: an upgrade rebuilds every brief."""
    digest = hashlib.sha256()
    for part in (__version__, output_versions(), templates, options.output_digest(), input_sha or "missing"):
        digest.update(part.encode() + b"\0")
    for path, sha in data:
        digest.update(path.encode() + b"\0" + (sha or "missing").encode() + b"\0")
    return digest.hexdigest()


def expected_files(options: BuildOptions) -> list[str]:
    from reportgen.formats import FILE_OF_FORMAT

    return [FILE_OF_FORMAT[f] for f in options.formats]


def input_roots(paths: list[str], inputs: list[str]) -> dict[str, str]:
    """For each input found under a folder the operator named, that folder: the input's own folder is then
    opened through it, one folder at a time without following links (see spec.source.input_folder)."""
    folders = sorted({os.path.abspath(p) for p in paths if os.path.isdir(p)}, key=len, reverse=True)
    roots = {}
    for path in inputs:
        absolute = os.path.abspath(path)
        for folder in folders:
            if absolute.startswith(folder.rstrip(os.sep) + os.sep):
                roots[path] = folder
                break
    return roots


def plan(inputs: list[str], options: BuildOptions, manifest: Manifest, templates: str,
         roots: dict[str, str] | None = None) -> list[PlannedBrief]:
    """Each input's plan. An input that cannot even be planned (its folder swapped while it is read, a bug)
    is that input's failure, with its located error: the other inputs are planned and built."""
    from reportgen.contract.sheet_read import is_sheet
    from reportgen.errors import Problem

    planned = []
    for path in inputs:
        if is_sheet(path):  # one brief per row (batch/sheet_plan.py)
            from reportgen.batch.sheet_plan import plan_sheet

            planned += plan_sheet(path, options, manifest, templates, (roots or {}).get(path))
            continue
        name = output_name(path)
        root = (roots or {}).get(path)
        try:
            planned.append(_plan_one(path, name, options, manifest, templates, root))
        except Exception as exc:
            display = os.path.normpath(path) if not os.path.isabs(path) else path
            reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else f"{type(exc).__name__}: {exc}"
            problem = str(Problem(display, 1, "(file)", f"cannot be read ({reason})"))
            planned.append(PlannedBrief(path, name, "", True, "unreadable", problem, root))
    return planned


def _plan_one(path: str, name: str, options: BuildOptions, manifest: Manifest, templates: str,
              root: str | None) -> PlannedBrief:
    problem = name_problem(path, name)
    if problem is not None:  # refused before its file is even read
        return PlannedBrief(path, name, "", True, "reserved name", problem, root)
    entry = manifest.entries.get(name) or {}
    failure = manifest.failures.get(name) or {}
    # the data files the last attempt named: a failed attempt is newer than the last success
    written = failure.get("data_written", entry.get("data_written", [])) if failure else entry.get("data_written", [])
    key = brief_key(path, [str(w) for w in written], templates, options, root)
    return decide(path, name, key, options, manifest, root)


def decide(path: str, name: str, key: str, options: BuildOptions, manifest: Manifest, root: str | None,
           bundle: InputBundle | None = None) -> PlannedBrief:
    """Whether the brief ``name`` of this ``key`` is out of date, and why."""
    entry = manifest.entries.get(name) or {}
    failure = manifest.failures.get(name) or {}
    folder = os.path.join(options.out_dir, name)
    if options.force:
        return PlannedBrief(path, name, key, True, "forced", root=root, bundle=bundle)
    if failure.get("key") == key and isinstance(failure.get("errors"), list):
        return PlannedBrief(path, name, key, True, "failed before", root=root, bundle=bundle,
                            cached_errors=[str(e) for e in failure["errors"]])
    if entry.get("key") != key:
        return PlannedBrief(path, name, key, True, "changed" if entry else "new", root=root, bundle=bundle)
    if not all(os.path.isfile(os.path.join(folder, f)) for f in expected_files(options)):
        return PlannedBrief(path, name, key, True, "output missing", root=root, bundle=bundle)
    return PlannedBrief(path, name, key, False, "up to date", root=root, bundle=bundle)
