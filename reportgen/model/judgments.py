"""The words the prose may use, from the bands of the contract (docs/contract-model.md)."""

from __future__ import annotations

from reportgen.model.result import Judgments

# (judgment, [(threshold, word), ...], word below every threshold); bands are ">= threshold".
BANDS: dict[str, tuple[tuple[tuple[float, str], ...], str]] = {
    "multiple": (((15.0, "priced_for_perfection"), (8.0, "premium")), "conventional"),
    "capital_intensity": (((1.0, "extreme"), (0.5, "heavy")), "moderate"),
    "circularity": (((0.5, "circular"), (0.2, "partly_circular")), "limited"),
    "concentration": (((0.5, "single_provider"), (0.3, "concentrated")), "diversified"),
    "terminal_value": (((0.75, "terminal_dominated"), (0.5, "terminal_weighted")), "cash_flow_backed"),
}
ODDS = ((0.25, "tail_dependent"), (0.6, "plausible"))
ODDS_ABOVE = "supported"
MODEST_DILUTION = 0.10  # below this share of the company, a raise that closes the gap is modest


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


def funding(funding_need: float | None, dilution: float | None) -> str:
    """The base case's funding: self_funded when it never needs new capital; an undefined need
    (a path that overflows) is judged dilutive, the cautious reading."""
    if funding_need == 0:
        return "self_funded"
    if dilution is not None and dilution < MODEST_DILUTION:
        return "modest_raise"
    return "dilutive"


def judge(*, multiple: float, capital_intensity: float, recycled_share: float | None, hhi: float,
          squeeze_years: dict[str, int | None], base_tv_share: float | None, base_funding_need: float | None,
          base_dilution: float | None, prob_value_ge_price: float) -> tuple[Judgments, tuple[int, str] | None]:
    """The eight judgments and ``earliest_squeeze`` ((year, scenario) or None).

    A null recycled_share counts as 0 (the contract says so). A null base tv_share (enterprise value
    not positive) is judged ``no_positive_value``.
    """
    earliest: tuple[int, str] | None = None
    for name, year in squeeze_years.items():  # contract order: the first scenario wins a tie
        if year is not None and (earliest is None or year < earliest[0]):
            earliest = (year, name)
    judgments = Judgments(
        multiple=band("multiple", multiple),
        capital_intensity=band("capital_intensity", capital_intensity),
        circularity=band("circularity", recycled_share or 0.0),
        concentration=band("concentration", hhi),
        liquidity="squeeze" if earliest is not None else "funded",
        terminal_value=("no_positive_value" if base_tv_share is None
                        else band("terminal_value", base_tv_share)),
        funding=funding(base_funding_need, base_dilution),
        valuation_odds=valuation_odds(prob_value_ge_price),
    )
    return judgments, earliest
