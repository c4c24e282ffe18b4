"""Where one brief's time goes: its stages in this (fresh) process, then a warm PDF render under cProfile,
summed by where inside WeasyPrint the time is spent. CPU time (the machine may be busy); medians of N warm renders.

    .venv/bin/python bench/profile_brief.py [--renders 5] [--top 25] [--input inputs/anthropic-2026.yaml]

The stage table is bench/stages.py's (one run); the warm table attributes each function's own time to the
first matching area of its file, so the shares add up to the whole render.
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import os
import pstats
import statistics
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

# (area, substring of the function's file path); the first match wins.
AREAS = (
    ("CSS cascade and computed values", "weasyprint/css/"),
    ("tables", "weasyprint/layout/table"),
    ("text layout (Pango, line breaks)", "weasyprint/text/"),
    ("other layout (blocks, inlines, pages)", "weasyprint/layout/"),
    ("box tree", "weasyprint/formatting_structure/"),
    ("SVG drawing", "weasyprint/svg/"),
    ("drawing to PDF", "weasyprint/draw"),
    ("PDF writing and fonts", "weasyprint/pdf/"),
    ("PDF objects (pydyf)", "pydyf"),
    ("HTML parsing (html5lib, tinycss2, cssselect2)", ("html5lib", "tinycss2", "cssselect2")),
    ("images and URLs", ("weasyprint/images", "weasyprint/urls")),
    ("rest of WeasyPrint", "weasyprint/"),
    ("cffi / C calls", ("cffi", "<built-in method _cffi")),
)


def area_of(filename: str, name: str) -> str:
    for label, needles in AREAS:
        for needle in (needles if isinstance(needles, tuple) else (needles,)):
            if needle in filename or needle in name:
                return label
    return "other Python and builtins"


def page_of(path: str) -> str:
    from reportgen.charts.render import draw_charts
    from reportgen.contract.load import load_spec
    from reportgen.model.run import run_model
    from reportgen.render.html import render_html

    model = run_model(load_spec(os.path.join(ROOT, path)))
    charts, _ = draw_charts(model, None)
    return render_html(model, charts, target="pdf")[0]


def stages(path: str) -> dict[str, float]:
    import json
    import subprocess

    out = subprocess.run([sys.executable, os.path.join(ROOT, "bench", "stages.py"), path], check=True,
                         capture_output=True, text=True, cwd=ROOT).stdout
    return json.loads(out.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--renders", type=int, default=5)
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument("--input", default="inputs/anthropic-2026.yaml")
    args = parser.parse_args()

    print(f"\nStages of one cold brief, one fresh process (bench/stages.py, wall time): {args.input}\n")
    print("| stage | s |\n|---|---|")
    for stage, seconds in stages(args.input).items():
        print(f"| {stage} | {seconds:.2f} |")

    from weasyprint import HTML

    from reportgen.render import pdf as pdf_module

    page = page_of(args.input)
    pdf_module.render_pdf_here(page)  # warm-up
    layout, write, totals = [], [], {}
    profile = cProfile.Profile(time.process_time)
    for _ in range(args.renders):
        fetcher = pdf_module._fetcher_class()(None, [])
        font_config, sheets = pdf_module._fonts_and_sheets(None, fetcher)
        gc.collect()
        profile.enable()
        t0 = time.process_time()
        document = HTML(string=page, base_url=pdf_module.VIRTUAL_ROOT, url_fetcher=fetcher).render(
            font_config=font_config, stylesheets=sheets, pdf_variant="pdf/ua-1", pdf_tags=True)
        t1 = time.process_time()
        document.write_pdf(pdf_variant="pdf/ua-1", pdf_tags=True)
        t2 = time.process_time()
        profile.disable()
        layout.append(t1 - t0)
        write.append(t2 - t1)
        pages = len(document.pages)
    stats = pstats.Stats(profile)
    for (filename, _, name), (_, _, own, _, _) in stats.stats.items():  # type: ignore[attr-defined]
        label = area_of(filename, name)
        totals[label] = totals.get(label, 0.0) + own
    whole = sum(totals.values())
    print(f"\nOne warm render ({pages} pages), CPU: layout {statistics.median(layout):.2f} s, write_pdf "
          f"{statistics.median(write):.2f} s (medians of {args.renders}); own time by area, profiled:\n")
    print("| area | share |\n|---|---|")
    for label, own in sorted(totals.items(), key=lambda kv: -kv[1]):
        print(f"| {label} | {100 * own / whole:.0f}% |")
    if args.top:
        print(f"\nTop {args.top} functions by cumulative time (profiled, all {args.renders} renders):\n")
        stats.sort_stats("cumulative").print_stats(args.top)


if __name__ == "__main__":
    main()
