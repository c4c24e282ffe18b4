"""The ``reportgen`` command: options in, library calls, printing out. No logic lives here.

One module per group of commands (inputs, builds); this one holds the app, the signal set-up that must run
before anything heavy is imported, and the console entry point.

Exit codes (cron-friendly): 0 everything succeeded, 1 an input or a brief failed, 2 usage error, 75
(EX_TEMPFAIL) another build holds the output folder's lock: try again later.
"""

from __future__ import annotations

import os
import signal
import sys


def _interrupted_early(signum: int, frame: object) -> None:  # Ctrl-C while the modules load: no traceback
    os.write(2, b"reportgen: interrupted; nothing was built\n")
    os._exit(130)


# Only in the command's own process (the console script, python -m reportgen), not in a program importing this
# module. A build's spawned worker imports it again as its parent's main module: it ignores Ctrl-C (the
# terminal signals the whole group, and the parent ends its workers).
_COMMAND = os.path.basename(sys.argv[0]) == "reportgen" or sys.argv[0].endswith(f"reportgen{os.sep}__main__.py")
if _COMMAND and "multiprocessing" in sys.modules:
    signal.signal(signal.SIGINT, signal.SIG_IGN)
elif _COMMAND and signal.getsignal(signal.SIGINT) is signal.default_int_handler:  # unless the caller ignores it
    signal.signal(signal.SIGINT, _interrupted_early)  # until main() runs (see there)


# The commands register themselves on ``app`` when their modules are imported.
from reportgen.cli import builds, config, inputs, preview  # noqa: E402, F401  (isort: after app)
from reportgen.cli.common import INTERRUPTED, app, err  # noqa: E402
from reportgen.errors import BuildLockedError, ReportgenError, UsageError  # noqa: E402

__all__ = ["app", "main"]


def main() -> None:
    """Console entry point: library errors become one clean message and an exit code, and a Ctrl-C one
    line and exit 130. Until here a Ctrl-C ends the process at once (_interrupted_early); from here it is a
    KeyboardInterrupt, so that a build in progress ends its workers and records what it wrote."""
    if signal.getsignal(signal.SIGINT) is _interrupted_early:
        signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        app()
    except KeyboardInterrupt:
        err(INTERRUPTED)
        sys.exit(130)
    except UsageError as exc:
        err(f"usage error: {exc}")
        sys.exit(2)
    except BuildLockedError as exc:
        err(str(exc))
        sys.exit(exc.exit_code)
    except ReportgenError as exc:
        err(str(exc))
        sys.exit(1)
