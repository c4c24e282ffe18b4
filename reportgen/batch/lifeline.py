"""A worker process's tie to the build that started it: it ends when the build dies, even by SIGKILL."""

from __future__ import annotations

import os


def end_with_parent(interval: float = 0.25, parent: int | None = None) -> None:
    """End this process when the build that started it dies. A pool worker or the PDF helper left behind
    by a build killed with SIGKILL (which runs no clean-up) held about 180 MB each, with the resource
    tracker, for as long as nobody noticed. ``parent``: the build's pid, when it is not this process's own
    parent (a pool worker is forked by the build's forkserver, which lives as long as its workers do).

    For a process whose parent is the build, the kernel sends SIGKILL at the parent's death on Linux
    (PR_SET_PDEATHSIG), and a daemon thread also polls os.getppid(), which changes when the process is
    re-parented; the two cover each other (the death signal is tied to the thread that started the process,
    the poll to the process). For a process started through a forkserver, the thread waits on a pidfd of
    the build (Linux), or polls whether it still exists. Either way the process ends with os._exit."""
    import threading

    direct = parent is None or parent == os.getppid()
    build = os.getppid() if parent is None else parent
    # Already orphaned: re-parented to init, or to a subreaper (a container's init, a service manager), which
    # only a process told its parent's pid can tell from its parent.
    if build <= 1 or not _exists(build):
        os._exit(1)
    if direct:
        _death_signal()
        if os.getppid() != build:  # the parent died before the death signal was armed
            os._exit(1)

    def watch() -> None:
        import select
        import time

        if not direct and hasattr(os, "pidfd_open"):
            try:
                handle = os.pidfd_open(build)
            except OSError:  # it ended in between
                os._exit(1)
            select.select([handle], [], [])  # readable once the build has ended
            os._exit(1)
        while True:
            time.sleep(interval)
            if (os.getppid() != build) if direct else not _exists(build):
                os._exit(1)

    threading.Thread(target=watch, name="reportgen-parent-watchdog", daemon=True).start()


def _exists(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process: alive
        return True
    return True


def _death_signal() -> None:
    """prctl(PR_SET_PDEATHSIG, SIGKILL) on Linux; nothing elsewhere (the poll of end_with_parent remains)."""
    import sys

    if not sys.platform.startswith("linux"):
        return
    import ctypes
    import signal

    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, int(signal.SIGKILL), 0, 0, 0)  # 1 = PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass
