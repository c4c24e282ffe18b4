"""The issue-14 table, in one run: the cold brief beside Chromium's print of the same brief.html and Typst's
compile of the same content (run alternately, so each ratio compares neighbours in time), per brief at
--jobs 2 over N inputs, the no-op rebuilds (a valid folder; a folder holding one invalid input), the watch
latency, peak RSS, and what tagging costs. Prints a markdown table of medians (min-max) and the ratios.

    .venv/bin/python bench/compare_bench.py [--repeats 5] [--briefs 20] [--saves 7]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from brief_bench import CHROMIUM, CHROMIUM_FLAGS, PYTHON, REPORTGEN, ROOT, timed
from build_bench import make_inputs

TYPST = ("import sys, typst\n"
         "typst.compile(sys.argv[1], output=sys.argv[2])\n")


def med(values: list[float]) -> float:
    return statistics.median(values)


def line(label: str, values: list[float], target: str = "", unit: str = "s") -> None:
    fmt = "{:.3f}" if unit == "s" and med(values) < 0.3 else "{:.2f}"
    print(f"| {label} | {fmt.format(med(values))} {unit} | {fmt.format(min(values))}-{fmt.format(max(values))} | "
          f"{len(values)} | {target} |")


def ratio(label: str, a: list[float], b: list[float], limit: float, better: str = "<=") -> None:
    ratios = [x / y for x, y in zip(a, b, strict=True)]
    r = med(ratios)
    met = "met" if r <= limit else f"missed by {r / limit - 1:.0%} ({r:.2f} against {limit})"
    print(f"| {label} | {r:.2f}x | {min(ratios):.2f}-{max(ratios):.2f} | {len(ratios)} | {better} {limit}x: {met} |")


def peak_rss_mib(command: list[str]) -> float:
    """The largest resident set of the command or any process it waited for (GNU time's %M)."""
    run = subprocess.run(["/usr/bin/time", "-f", "%M", *command], cwd=ROOT, capture_output=True, text=True)
    return int(run.stderr.strip().splitlines()[-1]) / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--briefs", type=int, default=20)
    parser.add_argument("--saves", type=int, default=7)
    parser.add_argument("--input", default="inputs/anthropic-2026.yaml")
    args = parser.parse_args()
    name = os.path.splitext(os.path.basename(args.input))[0]
    print("\n| measure | median | min-max | runs | target |\n|---|---|---|---|---|")
    with tempfile.TemporaryDirectory(prefix="reportgen-bench-compare-") as scratch:
        out = os.path.join(scratch, "cold")
        subprocess.run([*REPORTGEN, "build", args.input, "--out", out, "-q"], check=True, cwd=ROOT)
        html = os.path.join(out, name, "brief.html")
        typ = subprocess.run([PYTHON, os.path.join(ROOT, "bench", "typst_brief.py"), html, scratch], check=True,
                             capture_output=True, text=True).stdout.strip()
        cold, chrome, typst = [], [], []
        for i in range(args.repeats):  # alternating: brief, Chromium, Typst
            cold.append(timed([*REPORTGEN, "build", args.input, "--out", out, "--force", "-q"]))
            if CHROMIUM:
                chrome.append(timed([CHROMIUM, *CHROMIUM_FLAGS, f"--user-data-dir={scratch}/chromium-{i}",
                                     f"--print-to-pdf={scratch}/c.pdf", "file://" + html]))
            typst.append(timed([PYTHON, "-c", TYPST, typ, os.path.join(scratch, "t.pdf")]))
        line("cold brief, `build --force` (chart cache warm), whole process", cold)
        if chrome:
            line("Chromium --print-to-pdf of the same brief.html, whole process", chrome)
        line("Typst, same content (text, tables, charts, contents), whole process", typst)
        if chrome:
            ratio("cold brief / Chromium", cold, chrome, 1.5)
        ratio("cold brief / Typst", cold, typst, 12)

        folder = os.path.join(scratch, "inputs")
        make_inputs(folder, args.briefs)
        batch = []
        for r in range(max(1, args.repeats // 2)):
            many = os.path.join(scratch, f"many-{r}")
            run = subprocess.run(["bash", "-c", 's=$(date +%s.%N); "$@" >/dev/null 2>&1; c=$?; '
                                  'echo "$c $(echo "$(date +%s.%N) - $s" | bc)"', "-", *REPORTGEN, "build", folder,
                                  "--out", many, "-q", "--jobs", "2"], capture_output=True, text=True, cwd=ROOT)
            code, seconds = run.stdout.split()
            if code != "0":
                print(f"| (the --jobs 2 build {r} exited {code}: some brief failed; timed all the same) | | | | |")
            batch.append(float(seconds) / args.briefs)
        line(f"per brief at --jobs 2 over {args.briefs} inputs", batch)
        if chrome:
            ratio("per brief at --jobs 2 / Chromium (one brief)", [med(batch)] * len(chrome), chrome, 0.75)
        many = os.path.join(scratch, "many-0")
        line(f"no-op rebuild of {args.briefs}, whole process",
             [timed([*REPORTGEN, "build", folder, "--out", many, "-q"]) for _ in range(args.repeats)])
        with open(os.path.join(folder, "broken.yaml"), "w", encoding="utf-8") as handle:
            handle.write("company:\n  name: Broken\nrevenue:\n  run_rate: lots\n")
        subprocess.run([*REPORTGEN, "build", folder, "--out", many, "-q"], cwd=ROOT, capture_output=True)
        noop_invalid = []
        for _ in range(args.repeats):
            noop_invalid.append(timed_failing([*REPORTGEN, "build", folder, "--out", many, "-q"]))
        line(f"no-op rebuild of {args.briefs} + 1 invalid (failure cached), whole process", noop_invalid)

        watch = json.loads(subprocess.run([PYTHON, os.path.join(ROOT, "bench", "watch_bench.py"), "--saves",
                                           str(args.saves), "--input", args.input], check=True, cwd=ROOT,
                                          capture_output=True, text=True).stdout.strip().splitlines()[-1])
        line(f"watch: save to new PDF and HTML ({args.saves} saves)", watch["latencies"], "< 1.2 s")

        cold_rss = [peak_rss_mib([*REPORTGEN, "build", args.input, "--out", out, "--force", "-q"])
                    for _ in range(max(1, args.repeats // 2))]
        line("peak RSS, cold brief (largest process)", cold_rss, unit="MiB")
        pool_rss = [peak_rss_mib([*REPORTGEN, "build", folder, "--out", os.path.join(scratch, f"rss-{r}"), "-q",
                                  "--jobs", "2"]) for r in range(1)]
        line(f"peak RSS, --jobs 2 over {args.briefs} (largest process)", pool_rss, unit="MiB")
        print(f"| peak RSS, watch and its helper together | {watch['rss_mib']:.0f} MiB | | 1 | |")
    print()
    subprocess.run([PYTHON, os.path.join(ROOT, "bench", "tagging_bench.py"), "--repeats", str(args.repeats),
                    args.input], check=True, cwd=ROOT)


def timed_failing(command: list[str]) -> float:
    import time

    started = time.perf_counter()
    subprocess.run(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - started


if __name__ == "__main__":
    main()
