"""Save-to-new-PDF latency of `reportgen watch`: one input in a folder, saved N times (a new valuation each time,
as an editor saves: a new file renamed over the old), timed from the rename to the moment brief.pdf and
brief.html both hold the new brief. Prints one JSON line: the latencies in seconds and the watch's peak RSS.

    .venv/bin/python bench/watch_bench.py [--saves 7] [--input inputs/anthropic-2026.yaml]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from brief_bench import REPORTGEN, ROOT

_POST_MONEY = re.compile(r"^(\s*post_money:\s*)([0-9.]+)", re.MULTILINE)


def stamp(path: str) -> tuple[int, int] | None:
    try:
        st = os.stat(path)
    except FileNotFoundError:
        return None
    return st.st_ino, st.st_mtime_ns


def tree_rss_kib(pid: int) -> int:
    """The resident memory of the watch and its helpers, now."""
    total = 0
    pids = [pid] + [int(p) for p in subprocess.run(["pgrep", "-P", str(pid)], capture_output=True,
                                                    text=True).stdout.split()]
    for p in pids:
        try:
            with open(f"/proc/{p}/status", encoding="ascii") as handle:
                total += next(int(line.split()[1]) for line in handle if line.startswith("VmRSS:"))
        except (OSError, StopIteration):
            pass
    return total


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--saves", type=int, default=7)
    parser.add_argument("--input", default="inputs/anthropic-2026.yaml")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="reportgen-bench-watch-") as scratch:
        folder = os.path.join(scratch, "inputs")
        os.makedirs(folder)
        for name in os.listdir(os.path.join(ROOT, "inputs")):
            if not name.endswith((".yaml", ".yml", ".json")):
                shutil.copy(os.path.join(ROOT, "inputs", name), folder)
        with open(os.path.join(ROOT, args.input), encoding="utf-8") as handle:
            text = handle.read()
        target = os.path.join(folder, "company.yaml")
        with open(target, "w", encoding="utf-8") as handle:
            handle.write(text)
        out = os.path.join(scratch, "outputs")
        pdf, html = os.path.join(out, "company", "brief.pdf"), os.path.join(out, "company", "brief.html")
        watch = subprocess.Popen([*REPORTGEN, "watch", folder, "--out", out, "--jobs", "1"], cwd=ROOT,
                                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
        latencies, peak = [], 0
        try:
            deadline = time.monotonic() + 120
            while stamp(pdf) is None:
                assert watch.poll() is None and time.monotonic() < deadline, "the first build did not finish"
                time.sleep(0.05)
            time.sleep(3)  # the watcher watches, the helper is warm
            for i in range(args.saves):
                before = (stamp(pdf), stamp(html))
                edited = _POST_MONEY.sub(lambda m, i=i: f"{m.group(1)}{float(m.group(2)) * (1.01 + 0.001 * i):.6g}",
                                         text, count=1)
                temporary = os.path.join(folder, ".company.yaml.swp")
                with open(temporary, "w", encoding="utf-8") as handle:
                    handle.write(edited)
                started = time.perf_counter()
                os.replace(temporary, target)
                deadline = time.monotonic() + 60
                while stamp(pdf) == before[0] or stamp(html) == before[1]:
                    assert watch.poll() is None and time.monotonic() < deadline, "no rebuild"
                    time.sleep(0.01)
                latencies.append(time.perf_counter() - started)
                peak = max(peak, tree_rss_kib(watch.pid))
                time.sleep(1.0)
        finally:
            os.killpg(watch.pid, signal.SIGINT)
            try:
                watch.wait(20)
            except subprocess.TimeoutExpired:
                os.killpg(watch.pid, signal.SIGKILL)
        print(json.dumps({"latencies": latencies, "rss_mib": peak / 1024, "exit": watch.returncode}))


if __name__ == "__main__":
    main()
