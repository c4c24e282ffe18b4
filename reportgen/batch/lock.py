"""The output folder: made ready (with its state folder) and locked for the length of a build."""

from __future__ import annotations

import os

from reportgen.batch.options import BuildOptions
from reportgen.batch.plan import state_dir
from reportgen.errors import BuildLockedError, OutputFolderError, UsageError


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
