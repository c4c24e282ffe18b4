"""One visual identity for every chart (and the names the charts show for scenarios)."""

from __future__ import annotations

FONT = "DejaVu Sans"  # bundled in templates/assets/fonts and registered with vl-convert
SCENARIO_LABELS = {
    "base": "Base",
    "adoption_plateau": "Adoption plateau",
    "compute_stagnation": "Compute stagnation",
    "bull": "Bull",
}
SCENARIO_COLOURS = {
    "base": "#1f4e79",
    "adoption_plateau": "#c55a11",
    "compute_stagnation": "#a50f15",
    "bull": "#2e7d32",
}
# Scenarios differ by dash and marker as well as colour (readable in grey print and by the colour-blind).
SCENARIO_DASHES = {"base": [1, 0], "adoption_plateau": [6, 3], "compute_stagnation": [2, 2], "bull": [8, 3, 2, 3]}
SCENARIO_SHAPES = {"base": "circle", "adoption_plateau": "square", "compute_stagnation": "triangle-up",
                   "bull": "diamond"}
INK = "#222222"
MUTED = "#6b6b6b"
ACCENT = "#a50f15"
BAR = "#2f6690"
# Every mark colour has at least 3:1 contrast against the white page (WCAG 1.4.11); neighbouring
# segments are told apart by a white stroke, not by lightness.
PROVIDER_PALETTE = [
    "#1f4e79", "#c55a11", "#2e7d32", "#7b3294", "#8c6d1f", "#008080", "#a50f15", "#4d4d4d",
    "#3a6ea5", "#b35806", "#5f7f3f", "#9c2f6b", "#006d2c", "#6a3d9a", "#cb181d", "#737373",
]
# Value to price, stepped (WeasyPrint draws SVG gradient legends blank) and diverging around 1.0x:
# the steps mirror each other (0.8 and 1.25, 0.5 and 2, 0.25 and 4), reds below the price, greens above.
SENSITIVITY_THRESHOLDS = [0.25, 0.5, 0.8, 1.0, 1.25, 2.0, 4.0]
SENSITIVITY_COLOURS = ["#67000d", "#a50f15", "#cb181d", "#e34a33", "#3f8f4f", "#238b45", "#006d2c", "#00441b"]
# The cell label's colour on each step: whichever of black and white contrasts more (at least 4.5:1).
SENSITIVITY_LABEL_COLOURS = ["white", "white", "white", "black", "black", "black", "white", "white"]
WIDTH = 520
HEIGHT = 210


def config() -> dict:
    """Vega-Lite config shared by every chart: explicit fonts (no system lookup), print-friendly sizes."""
    return {
        "font": FONT,
        "background": "white",
        "view": {"stroke": None},
        "axis": {"labelFont": FONT, "titleFont": FONT, "labelFontSize": 10, "titleFontSize": 10,
                 "labelColor": INK, "titleColor": INK, "gridColor": "#e6e6e6", "domainColor": MUTED,
                 "tickColor": MUTED, "titleFontWeight": "normal"},
        "legend": {"labelFont": FONT, "titleFont": FONT, "labelFontSize": 10, "titleFontSize": 10,
                   "orient": "bottom", "direction": "horizontal", "titleFontWeight": "normal",
                   "labelLimit": 220},
        "title": {"font": FONT, "fontSize": 12, "anchor": "start", "color": INK, "fontWeight": "bold"},
        "text": {"font": FONT},
        "header": {"labelFont": FONT, "titleFont": FONT},
    }
