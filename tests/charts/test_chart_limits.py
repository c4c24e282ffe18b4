"""What validates also draws (issue: a history of 1,500 rows passed ``validate`` and failed in the chart
engine with no location), and a chart that cannot be drawn names itself and the input behind it."""

from __future__ import annotations

import datetime as dt
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
REPORTGEN = ROOT / ".venv" / "bin" / "reportgen"


def _history_input(folder: Path, rows: int) -> Path:
    start = dt.date(2019, 1, 1)
    lines = ["period,revenue"] + [f"{start + dt.timedelta(days=i)},{100 + i * 0.5:.2f}" for i in range(rows)]
    (folder / "history.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    text = (ROOT / "inputs" / "meridian-2026.yaml").read_text(encoding="utf-8")
    assert "  fade: 0.65\n" in text
    path = folder / "long-history-2026.yaml"
    path.write_text(text.replace("  fade: 0.65\n", "  fade: 0.65\n  history: history.csv\n"), encoding="utf-8")
    return path


@pytest.mark.parametrize("rows", [41, 2000])  # just past the bars, and the contract's most
def test_a_history_that_validates_is_drawn(tmp_path: Path, rows: int):
    path = _history_input(tmp_path, rows)
    assert subprocess.run([REPORTGEN, "validate", path], capture_output=True).returncode == 0
    run = subprocess.run([REPORTGEN, "build", path, "--out", tmp_path / "out", "--format", "html"],
                         capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stdout + run.stderr
    svg = (tmp_path / "out" / path.stem / "charts" / "history.svg").read_text(encoding="utf-8")
    assert "<path" in svg


def test_a_chart_failure_names_the_chart_and_its_input(monkeypatch: pytest.MonkeyPatch):
    import reportgen
    from reportgen.charts import render

    class Broken:
        def vegalite_to_svg(self, *args, **kwargs):
            raise ValueError("Vega-Lite to SVG conversion failed:\nRangeError: Maximum call stack size exceeded\n"
                             "    at Function (<anonymous>)")

    monkeypatch.setattr(render, "engine", lambda: Broken())
    monkeypatch.setattr(render, "_MEMORY_CACHE", {})
    model = reportgen.run_model(reportgen.load_spec(str(ROOT / "inputs" / "nordlicht-2026.yaml")))
    with pytest.raises(render.ChartError) as caught:
        render.draw_charts(model)
    message = str(caught.value)
    assert message.startswith("the history chart (revenue.history): chart could not be drawn: ")
    assert "RangeError: Maximum call stack size exceeded" in message
