"""The house rule "ruff clean" for the package, held by the test suite (a second or so).

mypy is not run here: on a fresh clone (no .mypy_cache) it costs about 15 s of CPU and holds a worker for
longer. It runs in ``make lint``, which .ci/run runs after ``make test``."""

from __future__ import annotations

import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def _run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", *args], cwd=ROOT, capture_output=True, text=True, timeout=300)


def test_ruff_clean():
    result = _run("ruff", "check", "reportgen", "bench")
    assert result.returncode == 0, result.stdout + result.stderr
