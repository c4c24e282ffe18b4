"""One cold brief, stage by stage, in this (fresh) process: prints one JSON line of seconds.

Run by bench/run in a new process per repeat. Stages run one after the other, without the
overlapping the CLI does, so each figure is the cost of that stage alone.
"""

from __future__ import annotations

import json
import sys
import time

started = time.perf_counter()
times: dict[str, float] = {}


def lap(name: str, since: float) -> float:
    now = time.perf_counter()
    times[name] = now - since
    return now


t = started
import numpy  # noqa: F401
import pydantic  # noqa: F401
import yaml  # noqa: F401
import jinja2  # noqa: F401
import altair  # noqa: F401
import vl_convert  # noqa: F401
import weasyprint

import reportgen.cli  # noqa: F401
from reportgen.charts.render import draw_charts
from reportgen.model.run import run_model
from reportgen.render import pdf as pdf_module
from reportgen.render.html import render_html
from reportgen.contract.load import load_spec

t = lap("imports", t)
spec = load_spec(sys.argv[1])
model = run_model(spec)
t = lap("model (load + run)", t)
charts, _ = draw_charts(model, None)
t = lap("charts (engine start + draw)", t)
html, _ = render_html(model, charts, target="html")
page, _ = render_html(model, charts, target="pdf")
t = lap("HTML (both targets)", t)
fetcher = pdf_module._fetcher_class()(None, [])
font_config, sheets = pdf_module._fonts_and_sheets(None, fetcher)
document = weasyprint.HTML(string=page, base_url=pdf_module.VIRTUAL_ROOT, url_fetcher=fetcher).render(
    font_config=font_config, stylesheets=sheets)
t = lap("PDF layout", t)
pdf = document.write_pdf()
t = lap("PDF write", t)
times["total in process"] = t - started
print(json.dumps(times))
