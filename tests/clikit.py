"""What every test kit shares: where the project and its command are, running the real command, and snapshots
of an output folder. The kits of each suite (brief/briefkit.py, batch/buildkit.py, hostile/hostilekit.py,
contract/speckit.py) import from here and add their own helpers."""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import json
import os
import signal
import subprocess
import time
from pathlib import Path
from typing import Any

# The run's shared chart cache (tests/conftest.py); ``OWN_CHART_CACHE`` as ``env`` keeps a build's in its folder.
CHART_CACHE_VARIABLE = "REPORTGEN_CHART_CACHE_DIR"
OWN_CHART_CACHE: dict[str, str | None] = {CHART_CACHE_VARIABLE: None}
ROOT = Path(__file__).resolve().parents[1]
REPORTGEN = ROOT / ".venv" / "bin" / "reportgen"
PYTHON = ROOT / ".venv" / "bin" / "python"
LOCK = ".reportgen/build.lock"  # the lock file itself is not output


def cli_env(changes: dict[str, str | None] | None = None) -> dict[str, str]:
    """The environment of a command run through a pipe, as cron runs it: plain lines, no colour or bars;
    ``changes`` sets variables (None: removes one)."""
    env = dict(os.environ, NO_COLOR="1", COLUMNS="200", TERM="dumb", PYTHONUNBUFFERED="1")
    for name, value in (changes or {}).items():
        if value is None:
            env.pop(name, None)
        else:
            env[name] = value
    return env


@dataclasses.dataclass
class Run:
    args: list[str]
    code: int
    stdout: str
    stderr: str
    seconds: float = 0.0

    @property
    def output(self) -> str:
        return self.stdout + self.stderr

    def json(self) -> dict[str, Any]:
        return json.loads(self.stdout)

    def __str__(self) -> str:
        return (f"$ reportgen {' '.join(self.args)}\nexit {self.code} after {self.seconds:.1f} s\n"
                f"--- stdout\n{self.stdout[-6000:]}\n--- stderr\n{self.stderr[-6000:]}")


def default_sigint() -> None:
    """``preexec_fn`` of a command a test will Ctrl-C: SIGINT at its default in the child, even when pytest runs
    with it ignored (started in the background by a shell without job control)."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


class Timeout(AssertionError):
    """The command did not finish within its (generous) time limit; it and its children were killed."""


def _limit_memory(limit: int) -> Any:
    def apply() -> None:
        import resource

        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))

    return apply


def run_command(argv: list[str], *, shown: list[str], cwd: str | os.PathLike, timeout: float,
                memory_limit: int | None = None, env: dict[str, str | None] | None = None) -> Run:
    """``argv`` in its own process group, so that on a timeout its workers and forkserver die with it. With
    ``memory_limit`` (bytes of address space), a runaway read fails instead of exhausting the machine."""
    started = time.monotonic()
    process = subprocess.Popen(argv, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=cli_env(env),
                               start_new_session=True,
                               preexec_fn=_limit_memory(memory_limit) if memory_limit else None)
    try:
        stdout, stderr = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.communicate()
        raise Timeout(f"{' '.join(argv)} did not finish within {timeout:g} s") from None
    return Run(shown, process.returncode, stdout.decode("utf-8", "replace"), stderr.decode("utf-8", "replace"),
               time.monotonic() - started)


def reportgen(*args: str | os.PathLike, cwd: str | os.PathLike = ROOT, timeout: float = 300,
              memory_limit: int | None = None, env: dict[str, str | None] | None = None) -> Run:
    """The real command, as a user or cron runs it (``env``: changes to the environment, see cli_env)."""
    assert REPORTGEN.is_file(), f"{REPORTGEN} is missing: install the package into .venv (make test)"
    argv = [str(a) for a in args]
    return run_command([str(REPORTGEN), *argv], shown=argv, cwd=cwd, timeout=timeout, memory_limit=memory_limit,
                       env=env)


def python(code: str, *args: str, cwd: str | os.PathLike = ROOT, timeout: float = 300) -> Run:
    """``python -c code`` in the project's interpreter."""
    return run_command([str(PYTHON), "-c", code, *args], shown=["python -c ...", *args], cwd=cwd, timeout=timeout)


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def snapshot(folder: Path, *, state: bool = True, mtimes: bool = True, folders: bool = False,
             ignore: tuple[str, ...] = (LOCK,)) -> dict[str, Any]:
    """Every file under ``folder`` by relative path: its digest, and its mtime unless ``mtimes`` is false (a
    rewrite with the same bytes then counts as no change). ``state``: reportgen's own .reportgen/ too;
    ``folders``: folders ("dir") and symbolic links ("link:TARGET") too; ``ignore``: paths left out."""
    found: dict[str, Any] = {}
    if not folder.exists():
        return found
    for path in sorted(folder.rglob("*")):
        relative = path.relative_to(folder).as_posix()
        if relative in ignore or (not state and (relative + "/").startswith(".reportgen/")):
            continue
        if path.is_symlink() or not path.is_file():
            if folders:
                found[relative] = "link:" + os.readlink(path) if path.is_symlink() else "dir"
            continue
        found[relative] = (sha256(path), path.stat().st_mtime_ns) if mtimes else sha256(path)
    return found


def run_folder(tmp_path_factory: Any) -> Path:
    """The temporary folder of the whole test run: the parent of each xdist worker's basetemp (what the workers
    share: builds made once, the chart cache, extracted PDF text)."""
    base = tmp_path_factory.getbasetemp()
    return Path(base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base)
