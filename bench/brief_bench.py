"""One brief: cold whole-process time and its stages, WeasyPrint against headless Chromium on the same
brief.html, peak memory of a worker, and the PDF's size. Prints tables of medians (min-max).

    .venv/bin/python bench/brief_bench.py [--repeats N] [--input inputs/anthropic-2026.yaml]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.path.join(ROOT, ".venv", "bin")
PYTHON = os.path.join(BIN, "python") if os.path.exists(os.path.join(BIN, "python")) else sys.executable
REPORTGEN = [PYTHON, "-m", "reportgen"]
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-pdf-header-footer"]


def timed(command: list[str], ok: tuple[int, ...] = (0,), **kwargs) -> float:
    """Seconds the command took; it must exit with one of ``ok``."""
    started = time.perf_counter()
    done = subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=ROOT, **kwargs)
    seconds = time.perf_counter() - started
    if done.returncode not in ok:
        raise subprocess.CalledProcessError(done.returncode, command)
    return seconds


def row(label: str, values: list[float], unit: str = "s", target: str = "") -> str:
    median = statistics.median(values)
    scale, fmt = (1000.0, "{:.0f}") if unit == "ms" else (1.0, "{:.2f}")
    text = fmt.format(median * scale)
    spread = f"{fmt.format(min(values) * scale)}-{fmt.format(max(values) * scale)}"
    return f"| {label} | {text} {unit} | {spread} | {len(values)} | {target} |"


def header(title: str) -> None:
    print(f"\n{title}\n")
    print("| measure | median | min-max | runs | target |")
    print("|---|---|---|---|---|")


def cold(args: argparse.Namespace, scratch: str) -> None:
    header("1. One brief, cold, whole process (`reportgen build INPUT --force`)")
    out = os.path.join(scratch, "cold")
    subprocess.run([*REPORTGEN, "build", args.input, "--out", out, "-q"], check=True, cwd=ROOT)
    warm_cache = [timed([*REPORTGEN, "build", args.input, "--out", out, "--force", "-q"]) for _ in range(args.repeats)]
    print(row("build --force, chart cache warm", warm_cache, target="<= 1.5 s"))
    no_cache = []
    for _ in range(args.repeats):
        shutil.rmtree(os.path.join(out, ".reportgen", "charts"), ignore_errors=True)
        no_cache.append(timed([*REPORTGEN, "build", args.input, "--out", out, "--force", "-q"]))
    print(row("build --force, chart cache empty", no_cache, target="<= 1.5 s"))
    # The usual failure from the terminal: an input that fails validation starts no PDF helper.
    invalid = os.path.join(scratch, "invalid.yaml")
    with open(args.input, encoding="utf-8") as source, open(invalid, "w", encoding="utf-8") as target:
        target.write(re.sub(r"^(\s*post_money:\s*)[0-9.]+", r"\g<1>-1", source.read(), count=1, flags=re.MULTILINE))
    failing = [timed([*REPORTGEN, "build", invalid, "--out", os.path.join(scratch, "invalid-out"), "-q"], ok=(1,))
               for _ in range(args.repeats)]
    print(row("build of an input that fails validation (exit 1)", failing))
    print(row("reportgen --help", [timed([*REPORTGEN, "--help"]) for _ in range(args.repeats)]))
    print(row("reportgen validate INPUT", [timed([*REPORTGEN, "validate", args.input, "-q"])
                                           for _ in range(args.repeats)]))

    header("1b. Its stages, each alone, in a fresh process (bench/stages.py)")
    runs = []
    for _ in range(args.repeats):
        output = subprocess.run([PYTHON, os.path.join(ROOT, "bench", "stages.py"), args.input], check=True,
                                capture_output=True, text=True, cwd=ROOT).stdout
        runs.append(json.loads(output.strip().splitlines()[-1]))
    for stage in runs[0]:
        print(row(stage, [r[stage] for r in runs]))


def render_ratio(args: argparse.Namespace, scratch: str) -> None:
    header("2. The render alone, on the same brief.html: WeasyPrint against headless Chromium (paired runs)")
    html = os.path.join(scratch, "cold", os.path.splitext(os.path.basename(args.input))[0], "brief.html")
    if CHROMIUM is None:
        print("| chromium not installed (make test installs it) | | | | |")
        return
    weasy, chrome, ratios = [], [], []
    for i in range(args.repeats):
        w = timed([os.path.join(BIN, "weasyprint"), "-q", html, os.path.join(scratch, "w.pdf")])
        profile = os.path.join(scratch, f"chromium-{i}")
        c = timed([CHROMIUM, *CHROMIUM_FLAGS, f"--user-data-dir={profile}",
                   f"--print-to-pdf={os.path.join(scratch, 'c.pdf')}", "file://" + html])
        weasy.append(w)
        chrome.append(c)
        ratios.append(w / c)
    print(row("weasyprint CLI, whole process", weasy))
    print(row("chromium --headless --print-to-pdf, whole process", chrome))
    print(f"| ratio WeasyPrint / Chromium | {statistics.median(ratios):.2f} | "
          f"{min(ratios):.2f}-{max(ratios):.2f} | {len(ratios)} | (no target) |")
    sizes = (os.path.getsize(os.path.join(scratch, "w.pdf")), os.path.getsize(os.path.join(scratch, "c.pdf")))
    print(f"| PDF size from the same HTML, WeasyPrint / Chromium | {sizes[0] / 1024:.0f} KiB / "
          f"{sizes[1] / 1024:.0f} KiB | | 1 | |")


def memory_and_size(args: argparse.Namespace, scratch: str) -> None:
    header("4-5. Peak memory of a worker, and the brief's PDF")
    code = (
        "import resource, sys\n"
        "from reportgen.batch.orchestrate import build\n"
        "from reportgen.batch.options import BuildOptions\n"
        "report = build([sys.argv[1]], BuildOptions(out_dir=sys.argv[2], jobs=2, force=True))\n"
        "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)\n"
    )
    folder = os.path.join(scratch, "inputs")
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(ROOT, args.input), encoding="utf-8") as handle:
        text = handle.read()
    for i in range(6):
        with open(os.path.join(folder, f"company-{i}.yaml"), "w", encoding="utf-8") as handle:
            handle.write(text.replace("post_money: 965", f"post_money: {900 + 10 * i}"))
    peaks = []
    for _ in range(max(1, args.repeats // 2)):
        output = subprocess.run([PYTHON, "-c", code, folder, os.path.join(scratch, "mem")], check=True,
                                capture_output=True, text=True, cwd=ROOT).stdout
        peaks.append(int(output.strip().splitlines()[-1]) / 1024)
    print(f"| peak RSS of a worker (--jobs 2, 6 briefs) | {statistics.median(peaks):.0f} MiB | "
          f"{min(peaks):.0f}-{max(peaks):.0f} | {len(peaks)} | <= 250 MiB |")
    name = os.path.splitext(os.path.basename(args.input))[0]
    size = os.path.getsize(os.path.join(scratch, "cold", name, "brief.pdf"))
    pages = subprocess.run(["pdfinfo", os.path.join(scratch, "cold", name, "brief.pdf")], capture_output=True,
                           text=True).stdout if shutil.which("pdfinfo") else ""
    count = next((line.split()[-1] for line in pages.splitlines() if line.startswith("Pages:")), "?")
    print(f"| PDF size of the reference brief | {size / 1024:.0f} KiB ({count} pages) | | 1 | |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--input", default="inputs/anthropic-2026.yaml")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="reportgen-bench-") as scratch:
        cold(args, scratch)
        render_ratio(args, scratch)
        memory_and_size(args, scratch)


if __name__ == "__main__":
    main()
