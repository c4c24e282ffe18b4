"""What tagging costs per brief: the PDF of each example rendered from the same HTML as a tagged PDF/UA-1
file (the default) and untagged (``--pdf-variant none``), in this process, after a warm-up render, the two
alternating run by run. Prints a table of medians (min-max) of CPU time, and the files' sizes.

    .venv/bin/python bench/tagging_bench.py [--repeats N] [inputs/a.yaml ...]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)
EXAMPLES = ("inputs/anthropic-2026.yaml", "inputs/nordlicht-2026.yaml", "inputs/meridian-2026.yaml")


def page_of(path: str) -> str:
    """The HTML the PDF is laid out from (target "pdf")."""
    from reportgen.charts.render import draw_charts
    from reportgen.contract.load import load_spec
    from reportgen.model.run import run_model
    from reportgen.render.html import render_html

    model = run_model(load_spec(os.path.join(ROOT, path)))
    charts, _ = draw_charts(model, None)
    page, _ = render_html(model, charts, target="pdf")
    return page


def cpu(page: str, variant: str | None) -> tuple[float, int]:
    from reportgen.render.pdf import render_pdf_here

    started = time.process_time()
    pdf, _ = render_pdf_here(page, variant=variant)
    return time.process_time() - started, len(pdf)


def spread(values: list[float], scale: float = 1000.0) -> str:
    return f"{min(values) * scale:.0f}-{max(values) * scale:.0f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("inputs", nargs="*", default=list(EXAMPLES))
    args = parser.parse_args()
    from reportgen.render.pdf import DEFAULT_PDF_VARIANT, UNTAGGED

    print(f"\nTagging: the PDF alone, from the same HTML, {DEFAULT_PDF_VARIANT} (default) against "
          f"--pdf-variant {UNTAGGED}; CPU time, medians of {args.repeats} alternating runs (min-max)\n")
    print("| brief | untagged | tagged | extra | extra % | size untagged / tagged |")
    print("|---|---|---|---|---|---|")
    extras = []
    for path in args.inputs:
        page = page_of(path)
        cpu(page, None), cpu(page, UNTAGGED)  # warm-up: fonts, stylesheets, first layout
        untagged, tagged, ratio = [], [], []
        sizes = (0, 0)
        for _ in range(args.repeats):
            (u, u_size), (t, t_size) = cpu(page, UNTAGGED), cpu(page, None)
            untagged.append(u)
            tagged.append(t)
            ratio.append(t / u - 1)
            sizes = (u_size, t_size)
        extra = statistics.median(tagged) - statistics.median(untagged)
        extras.append(statistics.median(ratio))
        name = os.path.splitext(os.path.basename(path))[0]
        print(f"| {name} | {statistics.median(untagged) * 1000:.0f} ms ({spread(untagged)}) | "
              f"{statistics.median(tagged) * 1000:.0f} ms ({spread(tagged)}) | {extra * 1000:+.0f} ms | "
              f"{statistics.median(ratio) * 100:+.1f}% | {sizes[0] / 1024:.0f} KiB / {sizes[1] / 1024:.0f} KiB |")
    print(f"\n(median extra over the briefs: {statistics.median(extras) * 100:+.1f}% of the PDF render's CPU time)")


if __name__ == "__main__":
    main()
