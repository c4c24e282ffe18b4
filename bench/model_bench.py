"""Benchmark of the numpy model (not a test): medians with min-max over repeated runs.

    .venv/bin/python bench/model_bench.py

Times ``simulate`` (model v2: four seeded draws, chunked projection, the percentiles of equity value,
cash_low and funding need, histogram) at 10k, 100k and 1M paths x 10 years on the worked example,
the draws and the projection of 100k paths on their own,
``run_model`` on the example, and the peak extra memory of a 2,000,000-path ``simulate``, each
measured in a fresh subprocess: tracemalloc's peak (numpy reports its allocations to it) and the
growth of the process's maximum resident set (ru_maxrss). Targets are printed next to the figures.
Runs in well under two minutes on a 2-core machine.
"""

from __future__ import annotations

import gc
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "inputs" / "anthropic-2026.yaml"
MEMORY_PATHS = 2_000_000
TARGET_100K_MS = 100.0
TARGET_2M_MIB = 200.0

if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def _example_input(paths: int | None = None, horizon: int = 10):
    from reportgen.contract.load import load_spec

    data = load_spec(str(EXAMPLE)).input
    update = {"dcf": data.dcf.model_copy(update={"horizon": horizon})}
    if paths is not None:
        update["monte_carlo"] = data.monte_carlo.model_copy(update={"paths": paths})
    return data.model_copy(update=update)


def _time(function, repeats: int) -> list[float]:
    """Seconds per call: one warm-up call, then ``repeats`` timed calls (garbage collector off)."""
    function()
    times = []
    enabled = gc.isenabled()
    gc.disable()
    try:
        for _ in range(repeats):
            start = time.perf_counter()
            function()
            times.append(time.perf_counter() - start)
            gc.collect()
    finally:
        if enabled:
            gc.enable()
    return times


def _simulate_case(paths: int):
    from reportgen.model.montecarlo import simulate
    from reportgen.model.project import Fixed
    from reportgen.model.result import MonteCarlo
    from reportgen.model.scenarios import resolve_scenarios

    data = _example_input(paths)
    fixed, base = Fixed.from_input(data), resolve_scenarios(data)["base"]
    result = simulate(data, fixed, base)  # model v2: a MonteCarlo dataclass with its quantiles
    assert isinstance(result, MonteCarlo) and result.paths == paths and result.equity_p50 is not None
    return lambda: simulate(data, fixed, base)


def _draws_case(paths: int):
    from reportgen.model.montecarlo import draw
    from reportgen.model.scenarios import resolve_scenarios

    data = _example_input(paths)
    base = resolve_scenarios(data)["base"]
    return lambda: draw(data, base)


def _projection_case(paths: int):
    """The chunked projection alone (what simulate does between the draws and the percentiles)."""
    from reportgen.model.montecarlo import CHUNK, draw
    from reportgen.model.project import Fixed, project
    from reportgen.model.scenarios import resolve_scenarios

    data = _example_input(paths)
    fixed, base = Fixed.from_input(data), resolve_scenarios(data)["base"]
    g1, d, tg, r = draw(data, base)  # model v2: year-1 growth, price decline, training growth, discount rate

    def run():
        for start in range(0, paths, CHUNK):
            stop = min(start + CHUNK, paths)
            project(fixed, g1[start:stop], base.growth_factor, base.fade, d[start:stop], tg[start:stop],
                    r[start:stop])

    return run


def _run_model_case():
    from reportgen.contract.load import load_spec
    from reportgen.model.run import run_model

    spec = load_spec(str(EXAMPLE))
    return lambda: run_model(spec)


# --- memory, in a fresh interpreter ------------------------------------------------------------

_MEMORY_CHILD = r"""
import json, resource, sys, tracemalloc
sys.path.insert(0, {root!r})
sys.argv = ["bench"]
from bench.model_bench import _simulate_case
run = _simulate_case({paths})          # imports, input, draws not yet made
mode = {mode!r}
kib = 1024 if sys.platform != "darwin" else 1  # ru_maxrss is KiB on Linux, bytes on macOS
def rss_now():
    try:
        with open("/proc/self/status") as status:
            return next(int(l.split()[1]) * 1024 for l in status if l.startswith("VmRSS"))
    except OSError:
        return None
if mode == "rss":
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * kib
    current = rss_now()
    run()
    after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * kib
    print(json.dumps({{"extra": after - before, "baseline": before, "current": current}}))
else:
    tracemalloc.start()
    run()
    current, peak = tracemalloc.get_traced_memory()
    print(json.dumps({{"extra": peak}}))
"""


def _memory(mode: str, paths: int) -> dict:
    code = _MEMORY_CHILD.format(root=str(ROOT), paths=paths, mode=mode)
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env,
                          cwd=str(ROOT), check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


# --- report ------------------------------------------------------------------------------------

def _ms(seconds: float) -> str:
    return f"{seconds * 1e3:,.1f}"


def main() -> int:
    import numpy as np

    started = time.perf_counter()
    print(f"reportgen model benchmark: Python {platform.python_version()}, numpy {np.__version__}, "
          f"{os.cpu_count()} CPUs, {platform.machine()}")
    print(f"input: {EXAMPLE.relative_to(ROOT)} (horizon 10 years)\n")

    # Memory first, while this process is small: Linux carries a parent's high-water RSS into the
    # ru_maxrss of the child it starts, which would hide the child's own growth.
    rss = _memory("rss", MEMORY_PATHS)
    traced = _memory("tracemalloc", MEMORY_PATHS)

    cases = [
        ("simulate 10k paths x 10y", _simulate_case(10_000), 100, None),
        ("simulate 100k paths x 10y (with percentiles)", _simulate_case(100_000), 30,
         f"< {TARGET_100K_MS:g} ms"),
        ("  of which: draws, 100k", _draws_case(100_000), 30, None),
        ("  of which: chunked projection, 100k", _projection_case(100_000), 30, None),
        ("simulate 1M paths x 10y", _simulate_case(1_000_000), 7, None),
        ("run_model, worked example (10k paths)", _run_model_case(), 30, None),
    ]
    rows = []
    verdicts = []
    for label, function, repeats, target in cases:
        times = _time(function, repeats)
        median = statistics.median(times)
        verdict = ""
        if target is not None:
            ok = median * 1e3 < TARGET_100K_MS
            verdict = "met" if ok else "MISSED"
            verdicts.append(ok)
        rows.append((label, _ms(median), f"{_ms(min(times))} - {_ms(max(times))}", str(repeats),
                     target or "", verdict))

    header = ("case", "median ms", "min - max ms", "runs", "target", "")
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]

    def line(row):
        cells = [str(c).ljust(w) if i == 0 else str(c).rjust(w) for i, (c, w) in enumerate(
            zip(row, widths, strict=True))]
        return "  ".join(cells).rstrip()

    print(line(header))
    print("  ".join("-" * w for w in widths))
    for row in rows:
        print(line(row))

    mib = 2**20
    memory_rows = [
        ("tracemalloc peak (numpy allocations)", traced["extra"] / mib),
        ("ru_maxrss growth (whole process)", rss["extra"] / mib),
    ]
    print(f"\npeak extra memory of simulate with {MEMORY_PATHS:,} paths x 10y, fresh subprocess "
          f"(baseline RSS after imports {rss['baseline'] / mib:,.1f} MiB); target < {TARGET_2M_MIB:g} MiB")
    label_width = max(len(r[0]) for r in memory_rows)
    for label, value in memory_rows:
        ok = value < TARGET_2M_MIB
        verdicts.append(ok)
        print(f"{label.ljust(label_width)}  {value:8.1f} MiB   {'met' if ok else 'MISSED'}")
    if rss.get("current") is not None and rss["baseline"] > rss["current"] + 4 * mib:
        print(f"(note: the child's ru_maxrss started at {rss['baseline'] / mib:,.1f} MiB, above its RSS of "
              f"{rss['current'] / mib:,.1f} MiB; the ru_maxrss growth may understate)")
    print(f"\n(one N x H float array at 2M x 10 would be {MEMORY_PATHS * 10 * 8 / mib:,.0f} MiB; "
          f"total benchmark time {time.perf_counter() - started:,.1f} s)")
    return 0 if all(verdicts) else 1


if __name__ == "__main__":
    raise SystemExit(main())
