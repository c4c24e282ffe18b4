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
INK = "#222222"
MUTED = "#6b6b6b"
ACCENT = "#a50f15"
PROVIDER_PALETTE = [
    "#1f4e79", "#c55a11", "#2e7d32", "#7b3294", "#b8860b", "#008080", "#a50f15", "#4d4d4d",
    "#6a9fd4", "#f4a261", "#8fbc8f", "#c2a5cf", "#e9c46a", "#66c2a5", "#e78ac3", "#a6a6a6",
]
# Stepped bands of value-to-price for the heatmap: a legend of swatches, because WeasyPrint draws
# SVG gradient legends blank.
SENSITIVITY_THRESHOLDS = [0.5, 0.8, 1.0, 1.25, 2.0]
SENSITIVITY_COLOURS = ["#a50f15", "#e34a33", "#fdbb84", "#c7e9c0", "#74c476", "#238b45"]
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
