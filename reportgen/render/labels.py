"""The words of the figures a brief names by their model.json key: the "what changed" list of a brief and
of the intranet feed (one list, so the page and the feed say the same), and the formulas of the appendix."""

CHANGE_LABELS = {
    "equity_value": "Base-case equity value", "value_to_price": "Base-case value to price",
    "valuation_multiple": "Valuation / revenue", "capital_intensity": "Compute spend / revenue",
    "recycled_share": "Raise recycled to investor providers", "hhi": "Provider concentration (HHI)",
    "prob_value_ge_price": "Simulated paths at or above the price",
    "prob_squeeze": "Simulated paths that run out of cash", "equity_p50": "Median simulated equity value",
    "squeeze_year": "Earliest squeeze year", "fcf_positive_year": "Base-case year free cash flow turns positive",
}

# The formulas' names in words, over their model.json key (a key missing here shows as itself).
FORMULA_LABELS = {
    "valuation_multiple": "Valuation multiple", "raise_to_revenue": "Latest raise to revenue",
    "compute_spend": "Compute spend", "capital_intensity": "Capital intensity",
    "investor_provider_share": "Compute from investor providers",
    "recycled_share": "Raise recycled to investor providers",
    "enterprise_value_at_price": "Enterprise value at the price",
    "ev_to_forward_revenue": "Enterprise value to forward revenue",
    "circular_commitment_ratio": "Circular commitment ratio", "commitment_total": "Total commitments",
    "commitment_to_revenue": "Commitments to revenue", "lock_in_years": "Longest commitment (years)",
    "hhi": "Provider concentration (HHI)", "provider_count": "Number of providers",
    "contribution_margin": "Contribution margin", "revenue": "Revenue", "compute_cost": "Compute cost",
    "opex": "Other operating cost", "ebit": "Operating profit", "tax": "Tax", "fcf": "Free cash flow",
    "cash": "Cash", "squeeze_year": "Squeeze year", "fcf_positive_year": "Year free cash flow turns positive",
    "cash_low": "Lowest cash", "funding_need": "Funding need", "dilution": "Dilution",
    "dcf_equity": "DCF equity value", "equity_value": "Equity value", "tv_share": "Terminal value share",
    "value_to_price": "Value to price",
    "reverse_dcf.implied_growth_factor": "Implied growth factor (reverse DCF)",
    "reverse_dcf.implied_growth_y1": "Implied first-year growth (reverse DCF)",
    "reverse_dcf.implied_cagr": "Implied yearly revenue growth (reverse DCF)",
    "sensitivity.value_to_price": "Sensitivity grid: value to price", "monte_carlo": "Simulation",
    "valuation_summary.dcf_scenarios": "Valuation range: DCF scenarios",
    "valuation_summary.monte_carlo": "Valuation range: simulation",
    "valuation_summary.peer_multiples": "Valuation range: peers' multiples",
    "valuation_summary.latest_round": "Valuation range: latest round", "peers": "Peers",
}
