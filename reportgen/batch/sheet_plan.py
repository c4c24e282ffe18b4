"""Planning a sheet of companies: one brief per row, each with a key of its own.

A row's key hashes the row as read (its document, its refused cells and the history file it names), not
the sheet's file: editing one row rebuilds that row's brief alone, and moving rows around rebuilds none.
"""

from __future__ import annotations

import hashlib

from reportgen.batch.names import name_problem, output_name
from reportgen.batch.options import BuildOptions
from reportgen.batch.plan import Manifest, PlannedBrief, decide, key_of
from reportgen.contract.source import InputBundle
from reportgen.errors import Problem, SpecError


def row_sha256(bundle: InputBundle) -> str:
    """The row's document and the problems of its cells (a formula is left out of the document)."""
    digest = hashlib.sha256(bundle.content)
    for problem in bundle.problems:
        digest.update(b"\0" + str(problem).encode())
    return digest.hexdigest()


def plan_sheet(path: str, options: BuildOptions, manifest: Manifest, templates: str,
               root: str | None) -> list[PlannedBrief]:
    from reportgen.contract.sheet_source import read_sheet

    try:
        bundles = read_sheet(path, root)
    except SpecError as exc:  # the sheet as a whole: one failure, under the sheet's own name
        return [PlannedBrief(path, output_name(path), "", True, "unreadable",
                             "\n".join(str(p) for p in exc.problems), root)]
    except Exception as exc:  # a bug of ours or a reader's: this sheet fails, the other inputs are built
        refused = Problem(path, 1, "(file)", f"cannot be read ({type(exc).__name__}: {exc}; please report it)")
        return [PlannedBrief(path, output_name(path), "", True, "unreadable", str(refused), root)]
    planned = []
    for bundle in bundles:
        problem = name_problem(bundle.display, bundle.name)
        if problem is not None:
            planned.append(PlannedBrief(bundle.display, bundle.name, "", True, "reserved name", problem, root))
            continue
        data: list[tuple[str, str | None]] = [(d.written, hashlib.sha256(d.content).hexdigest()) for d in bundle.data]
        key = key_of(row_sha256(bundle), data, templates, options)
        planned.append(decide(bundle.display, bundle.name, key, options, manifest, root, bundle))
    return planned


