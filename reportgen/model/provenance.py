"""Where each figure comes from: the formula in words, the input fields it used, and the sources the
input gave for them. model.json carries this for every figure; the brief's appendix prints it and
every figure in the prose links to its entry."""

from __future__ import annotations

from reportgen.spec.schema import SpecInput

_PATH_INPUTS = [
    "revenue.run_rate", "revenue.growth_y1", "revenue.growth_long", "revenue.fade",
    "costs.inference_share", "costs.training_spend", "costs.training_growth", "costs.opex_share",
    "costs.tax_rate", "compute.price_decline", "cash_on_hand",
]
_DCF_INPUTS = ["dcf.discount_rate", "dcf.terminal_growth", "dcf.horizon"]
_MC_INPUTS = ["monte_carlo.paths", "monte_carlo.seed", "monte_carlo.growth_sd",
              "monte_carlo.price_spread", "monte_carlo.training_sd"]

FORMULAS: dict[str, tuple[str, list[str]]] = {
    "valuation_multiple": ("post-money valuation / run-rate revenue",
                           ["valuation.post_money", "revenue.run_rate"]),
    "raise_to_revenue": ("latest raise / run-rate revenue", ["valuation.latest_raise", "revenue.run_rate"]),
    "compute_spend": ("inference share x run-rate revenue + training spend",
                      ["costs.inference_share", "revenue.run_rate", "costs.training_spend"]),
    "capital_intensity": ("compute spend / run-rate revenue",
                          ["costs.inference_share", "revenue.run_rate", "costs.training_spend"]),
    "recycled_share": ("min(1, base compute cost in year 1 x investor providers' share of compute / "
                       "latest raise)", ["valuation.latest_raise", *_PATH_INPUTS, "compute.providers"]),
    "circular_commitment_ratio": ("commitments to investor providers / (latest raise x share of the "
                                  "raise from cloud investors)",
                                  ["valuation.latest_raise", "valuation.raise_from_cloud_investors",
                                   "compute.providers"]),
    "commitment_total": ("sum of provider commitments", ["compute.providers"]),
    "commitment_to_revenue": ("commitment total / run-rate revenue", ["compute.providers", "revenue.run_rate"]),
    "lock_in_years": ("longest provider contract term", ["compute.providers"]),
    "hhi": ("sum of squared normalised provider shares (Herfindahl-Hirschman index)", ["compute.providers"]),
    "provider_count": ("number of compute providers", ["compute.providers"]),
    "contribution_margin": ("1 - inference share", ["costs.inference_share"]),
    "equity_value": ("sum of FCF_t / (1+r)^t + terminal value FCF_H (1+gT) / (r - gT) discounted H "
                     "years, plus cash on hand", [*_PATH_INPUTS, *_DCF_INPUTS, "compute.providers"]),
    "tv_share": ("present value of the terminal value / enterprise value", [*_PATH_INPUTS, *_DCF_INPUTS]),
    "value_to_price": ("equity value / post-money valuation",
                       [*_PATH_INPUTS, *_DCF_INPUTS, "valuation.post_money"]),
    "squeeze_year": ("as-of year + first year in which cash falls below zero", [*_PATH_INPUTS]),
    "fcf_positive_year": ("as-of year + first year with positive free cash flow", [*_PATH_INPUTS]),
    "revenue": ("R_t = R_(t-1) (1 + g_t), g_t = f (gL + (g1 - gL) fade^(t-1))",
                ["revenue.run_rate", "revenue.growth_y1", "revenue.growth_long", "revenue.fade"]),
    "compute_cost": ("max(serving + training compute at falling prices, committed floor)",
                     ["costs.inference_share", "costs.training_spend", "costs.training_growth",
                      "compute.price_decline", "compute.providers"]),
    "fcf": ("revenue - compute - other opex, less tax on positive operating profit", [*_PATH_INPUTS]),
    "cash": ("cash on hand + cumulative free cash flow", [*_PATH_INPUTS]),
    "implied_growth_factor": ("growth factor f on the base scenario at which equity value equals the "
                              "post-money valuation (bisection on [0, 10])",
                              [*_PATH_INPUTS, *_DCF_INPUTS, "valuation.post_money"]),
    "implied_growth_y1": ("implied growth factor x year-1 growth", ["revenue.growth_y1"]),
    "implied_cagr": ("(R_H / R_0)^(1/H) - 1 on the implied path", ["revenue.run_rate", "dcf.horizon"]),
    "sensitivity": ("value to price with training growth moved -0.20..+0.20 and growth factor 0.6..1.4",
                    [*_PATH_INPUTS, *_DCF_INPUTS, "valuation.post_money"]),
    "monte_carlo": ("seeded simulation of year-1 growth, compute price decline and training growth; "
                    "percentiles are numpy.percentile (linear)",
                    [*_PATH_INPUTS, *_DCF_INPUTS, *_MC_INPUTS, "valuation.post_money"]),
}


def _expand(paths: list[str], spec: SpecInput) -> list[str]:
    """``compute.providers`` becomes the provider fields it stands for, so sources given per provider
    (``compute.providers.0.commitment``) are found."""
    out: list[str] = []
    for path in paths:
        if path == "compute.providers":
            for i, _ in enumerate(spec.compute.providers):
                out += [f"compute.providers.{i}.share", f"compute.providers.{i}.commitment",
                        f"compute.providers.{i}.years", f"compute.providers.{i}.investor"]
        else:
            out.append(path)
    return list(dict.fromkeys(out))


def _source(paths: list[str], spec: SpecInput) -> str | None:
    found: list[str] = []
    for path in paths:
        text = spec.sources.get(path)
        if text is None:
            # a source given for a whole section (e.g. "compute.providers.0") covers its fields
            parents = [p for p in spec.sources if path.startswith(p + ".")]
            text = spec.sources[parents[0]] if parents else None
        if text is not None and text not in found:
            found.append(text)
    return "; ".join(found) if found else None


def entry(formula_key: str, spec: SpecInput, reason: str | None = None, scenario: str | None = None) -> dict:
    formula, paths = FORMULAS[formula_key]
    if scenario is not None and scenario != "base":
        paths = [*paths, f"scenarios.{scenario}"]
        formula = f"{formula}; {scenario} scenario"
    inputs = _expand(paths, spec)
    item = {"formula": formula, "inputs": inputs, "source": _source(inputs, spec)}
    if reason is not None:
        item["reason"] = reason
    return item
