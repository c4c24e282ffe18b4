"""Finding input files among the paths a user gave (files, or folders searched recursively)."""

from __future__ import annotations

import os

from reportgen.contract.source import INPUT_SUFFIXES
from reportgen.errors import UsageError


def discover_inputs(paths: list[str], exclude: list[str] | None = None) -> list[str]:
    """Input files under ``paths`` in a stable order. Folders are searched recursively for
    .yaml/.yml/.json files, skipping hidden folders and the ``exclude`` folders (the output folder);
    a file named explicitly is taken whatever its suffix. A path that does not exist is a usage error."""
    excluded = {os.path.realpath(p) for p in exclude or []}
    found: list[str] = []
    for path in paths:
        if os.path.isfile(path):
            found.append(os.path.normpath(path))
            continue
        if not os.path.isdir(path):
            raise UsageError(f"{path}: no such file or folder")
        for root, dirs, files in os.walk(path):
            dirs[:] = sorted(d for d in dirs if not d.startswith(".")
                             and os.path.realpath(os.path.join(root, d)) not in excluded)
            for name in sorted(files):
                if name.lower().endswith(INPUT_SUFFIXES) and not name.startswith("."):
                    found.append(os.path.normpath(os.path.join(root, name)))
    return list(dict.fromkeys(found))
