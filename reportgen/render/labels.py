"""The words of the figures a brief names by their model.json key: the "what changed" list of a brief and
of the intranet feed (one list, so the page and the feed say the same)."""

CHANGE_LABELS = {
    "equity_value": "Base-case equity value", "value_to_price": "Base-case value to price",
    "valuation_multiple": "Valuation / revenue", "capital_intensity": "Compute spend / revenue",
    "recycled_share": "Raise recycled to investor providers", "hhi": "Provider concentration (HHI)",
    "prob_value_ge_price": "Simulated paths at or above the price",
    "prob_squeeze": "Simulated paths that run out of cash", "equity_p50": "Median simulated equity value",
    "squeeze_year": "Earliest squeeze year", "fcf_positive_year": "Base-case year free cash flow turns positive",
}
