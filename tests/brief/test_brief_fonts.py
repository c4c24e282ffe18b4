"""The fresh-machine font path (issue 14): WeasyPrint subsets the brief's fonts with HarfBuzz, not fontTools.

Without libharfbuzz-subset0 (the Makefile's APT_RUNTIME) WeasyPrint falls back to fontTools, several
times slower, and warns "Using fontTools instead of HarfBuzz-Subset". The test machine had the library
only because Chromium pulls it in; these tests fail if the warning shows again.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from briefkit import Run

ROOT = Path(__file__).resolve().parents[2]
WARNING = "Using fontTools instead of HarfBuzz"


def test_the_session_build_prints_no_fonttools_warning(session_build: tuple[Run, Path]) -> None:
    run, _ = session_build
    assert WARNING not in run.output, str(run)


def test_a_pdf_render_logs_no_fonttools_warning() -> None:
    # A fresh process, WeasyPrint's logger printing to stderr: the render's own warnings and anything logged.
    code = (
        "import logging, sys\n"
        "logging.basicConfig(level=logging.WARNING, stream=sys.stderr)\n"
        "from reportgen.render.pdf import render_pdf_here\n"
        "pdf, warnings = render_pdf_here("
        "'<html lang=en><title>t</title><h1>Fonts 12 345</h1><p>Text, mit Umlaut ä.</p>')\n"
        "print('\\n'.join(warnings), file=sys.stderr)\n"
        "assert pdf.startswith(b'%PDF')\n"
    )
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert run.returncode == 0, run.stderr
    assert WARNING not in run.stderr, run.stderr
