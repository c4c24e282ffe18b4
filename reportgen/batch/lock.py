"""The output folder: kept apart from the inputs, made ready (with its state folder) and locked for the
length of a build."""

from __future__ import annotations

import os

from reportgen.batch.options import BuildOptions
from reportgen.batch.plan import STATE_DIR, input_roots, state_dir
from reportgen.errors import BuildLockedError, OutputFolderError, UsageError


def check_out_dir(paths: list[str], out_dir: str) -> None:
    """Refuse an output folder that is, or holds, a folder of the inputs named on the command line: each
    brief's model.json would be found as an input by every later build (which then failed for ever). An
    output folder inside an input folder is allowed: discovery skips it (and any output folder of reportgen
    below the named folders, see outside_output_folders)."""
    out = os.path.realpath(out_dir)
    for path in paths:
        real = os.path.realpath(path)
        folder = real if os.path.isdir(real) else os.path.dirname(real)
        if folder == out or folder.startswith(out.rstrip(os.sep) + os.sep):
            what = "is" if folder == out else "holds"
            raise UsageError(f"--out {out_dir}: {what} the folder of the inputs ({path}); the briefs' model.json "
                             "files would be read as inputs by the next build; name a folder beside it, e.g. outputs")


def outside_output_folders(inputs: list[str], paths: list[str]) -> list[str]:
    """``inputs`` without the files that lie in an output folder of reportgen (one that holds .reportgen/)
    below a folder named on the command line: a brief's model.json is not an input, whichever --out made it."""
    roots = input_roots(paths, inputs)
    verdicts: dict[str, bool] = {}

    def in_output(folder: str, root: str) -> bool:
        if folder == root or len(folder) <= len(root):
            return False
        if folder not in verdicts:
            verdicts[folder] = os.path.isdir(os.path.join(folder, STATE_DIR)) or in_output(
                os.path.dirname(folder), root)
        return verdicts[folder]

    return [p for p in inputs if p not in roots or not in_output(os.path.dirname(os.path.abspath(p)), roots[p])]


def prepare_out_dir(out_dir: str) -> None:
    """Create OUT/.reportgen, or say in one line why the output folder cannot be used (no traceback)."""
    if os.path.exists(out_dir) and not os.path.isdir(out_dir):
        # The operator named a file: a usage error, and the file is left as it is.
        raise UsageError(f"--out {out_dir}: is a file, not a folder; name a folder for the briefs")
    try:
        os.makedirs(state_dir(out_dir), exist_ok=True)
    except (NotADirectoryError, FileExistsError):
        # A file where a folder must be: a parent of --out, or OUT/.reportgen itself.
        raise UsageError(f"--out {out_dir}: cannot be used as the output folder "
                         f"({state_dir(out_dir)} or one of its parents is a file)") from None
    except OSError as exc:
        raise OutputFolderError(f"{out_dir}: cannot create {state_dir(out_dir)}: {exc.strerror or exc}; "
                                "nothing was built") from None


class locked:
    def __init__(self, options: BuildOptions):
        from filelock import FileLock

        self.lock = FileLock(os.path.join(state_dir(options.out_dir), "build.lock"), timeout=options.wait_for_lock)
        self.out_dir = options.out_dir

    def __enter__(self) -> None:
        from filelock import Timeout

        try:
            self.lock.acquire()
        except Timeout:
            raise BuildLockedError(f"{self.out_dir}: another build is running (its lock is "
                                   f"{self.lock.lock_file}); nothing was built") from None
        except OSError as exc:  # after Timeout, which is an OSError too: a read-only or foreign folder
            raise OutputFolderError(f"{self.out_dir}: cannot lock {self.lock.lock_file}: {exc.strerror or exc}; "
                                    "nothing was built") from None

    def __exit__(self, *exc: object) -> None:
        self.lock.release()
