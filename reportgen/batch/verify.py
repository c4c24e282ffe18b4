"""``verify``: rebuild into a temporary folder and compare, file by file, with what is published.

A difference means the published brief is not what these inputs, templates and this version of
reportgen produce (edited by hand, built by another version, or a reproducibility bug).
"""

from __future__ import annotations

import os
import shutil
import tempfile
from dataclasses import dataclass, field, replace

from reportgen.batch.archive import ARCHIVE
from reportgen.batch.intranet import HISTORY
from reportgen.batch.options import BuildOptions
from reportgen.batch.orchestrate import BuildReport, build


@dataclass
class VerifyReport:
    build: BuildReport
    identical: list[str] = field(default_factory=list)
    different: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)

    @property
    def exit_code(self) -> int:
        return 1 if self.different or self.missing or self.build.failed else 0


def verify(paths: list[str], options: BuildOptions) -> VerifyReport:
    from reportgen.contract.discover import discover_inputs

    published = options.out_dir
    with tempfile.TemporaryDirectory(prefix="reportgen-verify-") as scratch:
        # The "what changed" block compares with the previous model.json: give the rebuild the same one.
        for path in discover_inputs(paths, exclude=[published]):
            name = os.path.splitext(os.path.basename(path))[0]
            previous = os.path.join(published, name, "model.json")
            if os.path.isfile(previous):
                os.makedirs(os.path.join(scratch, name), exist_ok=True)
                shutil.copyfile(previous, os.path.join(scratch, name, "model.json"))
        report = VerifyReport(build(paths, replace(options, out_dir=scratch, force=True)))
        for result in report.build.built:
            fresh_folder = os.path.join(scratch, result.name)
            for folder, subfolders, files in os.walk(fresh_folder):
                # The archive and its history page record earlier builds: not what these inputs produce
                subfolders[:] = [d for d in subfolders if not (folder == fresh_folder and d == ARCHIVE)]
                for name in sorted(files):
                    if folder == fresh_folder and name == HISTORY:
                        continue
                    fresh = os.path.join(folder, name)
                    relative = os.path.relpath(fresh, scratch)
                    old = os.path.join(published, relative)
                    if not os.path.isfile(old):
                        report.missing.append(relative)
                    elif _same(fresh, old):
                        report.identical.append(relative)
                    else:
                        report.different.append(relative)
    return report


def _same(a: str, b: str) -> bool:
    if os.path.getsize(a) != os.path.getsize(b):
        return False
    with open(a, "rb") as fa, open(b, "rb") as fb:
        return fa.read() == fb.read()
