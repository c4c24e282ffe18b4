"""Many briefs: a full batch at --jobs 1 and --jobs 2, a no-op rebuild and a one-changed rebuild, each timed
as the whole `reportgen build` process a cron job runs. Prints a table of medians (min-max).

    .venv/bin/python bench/build_bench.py [--briefs 100] [--repeats 3]

The batch is made of the example inputs, each copied under new names with its valuation moved a little,
so that every brief has its own figures and charts (no chart-cache hit between them), and the history
files they read are copied beside them. Nothing is written into the repository.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from brief_bench import REPORTGEN, ROOT, row, timed

EXAMPLES = ("anthropic-2026", "nordlicht-2026", "meridian-2026")
_POST_MONEY = re.compile(r"^(\s*post_money:\s*)([0-9.]+)", re.MULTILINE)


def make_inputs(folder: str, count: int) -> list[str]:
    """``count`` valid inputs in ``folder``, cycling over the examples; returns their paths."""
    os.makedirs(folder, exist_ok=True)
    for name in os.listdir(os.path.join(ROOT, "inputs")):
        if not name.endswith((".yaml", ".yml", ".json")):  # data files the examples read
            shutil.copy(os.path.join(ROOT, "inputs", name), folder)
    texts = {stem: Path(ROOT, "inputs", f"{stem}.yaml").read_text(encoding="utf-8") for stem in EXAMPLES}
    paths = []
    for i in range(count):
        stem = EXAMPLES[i % len(EXAMPLES)]
        # Only the first post_money (the company's own) moves: 0.1 % a step keeps every input valid.
        text = _POST_MONEY.sub(lambda m, i=i: f"{m.group(1)}{float(m.group(2)) * (1 + 0.001 * (i + 1)):.6g}",
                               texts[stem], count=1)
        path = os.path.join(folder, f"company-{i:04d}.yaml")
        with open(path, "w", encoding="utf-8") as handle:
            handle.write(text)
        paths.append(path)
    return paths


def build(folder: str, out: str, *options: str) -> float:
    return timed([*REPORTGEN, "build", folder, "--out", out, "-q", *options])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--briefs", type=int, default=100)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    n = args.briefs
    print()
    print("| measure | median | min-max | runs | target |")
    print("|---|---|---|---|---|")
    with tempfile.TemporaryDirectory(prefix="reportgen-bench-build-") as scratch:
        folder = os.path.join(scratch, "inputs")
        paths = make_inputs(folder, n)
        per_brief: dict[int, list[float]] = {1: [], 2: []}
        for _ in range(args.repeats):
            for jobs in (1, 2):
                out = os.path.join(scratch, f"out-{jobs}")
                shutil.rmtree(out, ignore_errors=True)  # a fresh folder: no manifest, no chart cache
                per_brief[jobs].append(build(folder, out, "--jobs", str(jobs)) / n)
        print(row(f"{n} briefs, --jobs 1, per brief", per_brief[1]))
        print(row(f"{n} briefs, --jobs 2, per brief", per_brief[2], target="<= 0.4 s"))
        ratio = statistics.median(per_brief[1]) / statistics.median(per_brief[2])
        print(f"| speed-up of --jobs 2 over --jobs 1 | {ratio:.2f}x | | | |")

        out = os.path.join(scratch, "out-2")
        noop = [build(folder, out) for _ in range(max(5, 2 * args.repeats))]
        print(row(f"no-op rebuild of {n}, whole process", noop, target="< 0.3 s"))

        one_changed = []
        for step in range(max(3, args.repeats)):
            with open(paths[0], "a", encoding="utf-8") as handle:
                handle.write(f"# edited {step}\n")  # a new content hash: exactly one brief to rebuild
            one_changed.append(build(folder, out))
        print(row(f"one changed among {n}, whole process", one_changed))


if __name__ == "__main__":
    main()
