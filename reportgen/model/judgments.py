"""The words the prose may use, from the bands of MODEL.md section 3."""

from __future__ import annotations

# (judgment, [(threshold, word), ...], word below every threshold); bands are ">= threshold".
BANDS: dict[str, tuple[tuple[tuple[float, str], ...], str]] = {
    "multiple": (((15.0, "priced_for_perfection"), (8.0, "premium")), "conventional"),
    "capital_intensity": (((1.0, "extreme"), (0.5, "heavy")), "moderate"),
    "circularity": (((0.5, "circular"), (0.2, "partly_circular")), "limited"),
    "concentration": (((0.5, "single_provider"), (0.3, "concentrated")), "diversified"),
    "terminal_value": (((0.5, "terminal_dominated"),), "cash_flow_backed"),
}
ODDS = ((0.25, "tail_dependent"), (0.6, "plausible"))
ODDS_ABOVE = "supported"


def band(name: str, value: float) -> str:
    steps, floor = BANDS[name]
    for threshold, word in steps:
        if value >= threshold:
            return word
    return floor


def valuation_odds(probability: float) -> str:
    for threshold, word in ODDS:  # bands are "< threshold" here
        if probability < threshold:
            return word
    return ODDS_ABOVE


def judge(*, multiple: float, capital_intensity: float, recycled_share: float | None, hhi: float,
          squeeze_years: dict[str, int | None], base_tv_share: float | None,
          prob_value_ge_price: float) -> tuple[dict[str, str], list | None]:
    """The seven judgments and ``earliest_squeeze`` ([year, scenario] or None).

    A null recycled_share counts as 0 (the contract says so). A null base tv_share (enterprise value
    not positive) has no band in the contract; it is judged ``no_positive_value``.
    """
    earliest: list | None = None
    for name, year in squeeze_years.items():  # contract order: the first scenario wins a tie
        if year is not None and (earliest is None or year < earliest[0]):
            earliest = [year, name]
    squeezes = earliest is not None
    judgments = {
        "multiple": band("multiple", multiple),
        "capital_intensity": band("capital_intensity", capital_intensity),
        "circularity": band("circularity", recycled_share or 0.0),
        "concentration": band("concentration", hhi),
        "liquidity": "squeeze" if squeezes else "funded",
        "terminal_value": ("no_positive_value" if base_tv_share is None
                           else band("terminal_value", base_tv_share)),
        "valuation_odds": valuation_odds(prob_value_ge_price),
    }
    return judgments, earliest
