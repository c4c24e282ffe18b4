"""Where each figure comes from: the formula in words, the input fields it used, and the sources the
input gave for them. model.json carries this for every figure; the brief's appendix prints it and
every figure in the prose links to its entry."""

from __future__ import annotations

from reportgen.contract.basis import InputEntry, weakest
from reportgen.contract.schema import InputDocument
from reportgen.model.result import Provenance

# Groups of provider fields: a figure names only the ones it reads (concentration reads shares, not
# commitments), so its sources are the sources of what it actually uses.
_SHARES, _INVESTORS, _COMMITMENTS, _NAMES = ("providers:share", "providers:investor", "providers:commitment",
                                              "providers:name")
_PROVIDER_GROUPS = {_SHARES: ("share",), _INVESTORS: ("investor",), _COMMITMENTS: ("commitment", "years"),
                    _NAMES: ("name",)}

_PATH_INPUTS = [
    "revenue.run_rate", "revenue.growth_y1", "revenue.growth_long", "revenue.fade",
    "costs.inference_share", "costs.training_spend", "costs.training_growth", "costs.opex_share",
    "costs.tax_rate", "costs.tax_losses", "compute.price_decline", "cash_on_hand", _COMMITMENTS,
]
_DCF_INPUTS = ["dcf.discount_rate", "dcf.terminal_growth", "dcf.horizon"]
_MC_INPUTS = ["monte_carlo.paths", "monte_carlo.seed", "monte_carlo.growth_sd",
              "monte_carlo.price_spread", "monte_carlo.training_sd", "monte_carlo.rate_spread"]
_VALUE = [*_PATH_INPUTS, *_DCF_INPUTS]
_FUNDING = [*_PATH_INPUTS, "valuation.post_money"]

FORMULAS: dict[str, tuple[str, list[str]]] = {
    "valuation_multiple": ("post-money valuation / run-rate revenue",
                           ["valuation.post_money", "revenue.run_rate"]),
    "raise_to_revenue": ("latest raise / run-rate revenue", ["valuation.latest_raise", "revenue.run_rate"]),
    "compute_spend": ("inference share x run-rate revenue + training spend",
                      ["costs.inference_share", "revenue.run_rate", "costs.training_spend"]),
    "capital_intensity": ("compute spend / run-rate revenue",
                          ["costs.inference_share", "revenue.run_rate", "costs.training_spend"]),
    "investor_provider_share": ("sum of the normalised compute shares of providers that also invested",
                                [_SHARES, _INVESTORS]),
    "recycled_share": ("base compute cost in year 1 x investor providers' share / base spending in year 1 "
                       "(compute + other operating cost + tax): money is fungible",
                       [*_PATH_INPUTS, _SHARES, _INVESTORS]),
    "enterprise_value_at_price": ("post-money valuation - cash on hand", ["valuation.post_money", "cash_on_hand"]),
    "ev_to_forward_revenue": ("enterprise value at the post-money price / base revenue in year 1",
                              ["valuation.post_money", "cash_on_hand", "revenue.run_rate", "revenue.growth_y1",
                               "revenue.growth_long", "revenue.fade"]),
    "circular_commitment_ratio": ("commitments to investor providers / (latest raise x share of the "
                                  "raise from cloud investors)",
                                  ["valuation.latest_raise", "valuation.raise_from_cloud_investors",
                                   _COMMITMENTS, _INVESTORS]),
    "commitment_total": ("sum of provider commitments", [_COMMITMENTS]),
    "commitment_to_revenue": ("commitment total / run-rate revenue", [_COMMITMENTS, "revenue.run_rate"]),
    "lock_in_years": ("longest provider contract term", [_COMMITMENTS]),
    "hhi": ("sum of squared normalised provider shares (Herfindahl-Hirschman index)", [_SHARES]),
    "provider_count": ("number of compute providers", [_NAMES]),
    "contribution_margin": ("1 - inference share", ["costs.inference_share"]),
    "dcf_equity": ("sum of FCF_t / (1+r)^t + terminal value max(0, FCF_H (1+gT) / (r - gT)) discounted H "
                   "years, plus cash on hand", _VALUE),
    "equity_value": ("max(0, DCF equity): shareholders cannot lose more than their stake", _VALUE),
    "tv_share": ("present value of the terminal value / enterprise value", _VALUE),
    "value_to_price": ("equity value / post-money valuation", [*_VALUE, "valuation.post_money"]),
    "squeeze_year": ("as-of year + first year in which cash falls below zero", _PATH_INPUTS),
    "fcf_positive_year": ("as-of year + first year with positive free cash flow", _PATH_INPUTS),
    "cash_low": ("the lower of cash on hand and the lowest year-end cash", _PATH_INPUTS),
    "funding_need": ("new capital needed to keep cash at or above zero: max(0, - lowest year-end cash)",
                     _PATH_INPUTS),
    "dilution": ("funding need / (post-money valuation + funding need): raised at today's price", _FUNDING),
    "revenue": ("R_t = R_(t-1) (1 + g_t), g_t = f (gL + (g1 - gL) fade^(t-1))",
                ["revenue.run_rate", "revenue.growth_y1", "revenue.growth_long", "revenue.fade"]),
    "compute_cost": ("max(serving + training compute at falling prices, committed floor)",
                     ["revenue.run_rate", "revenue.growth_y1", "revenue.growth_long", "revenue.fade",
                      "costs.inference_share", "costs.training_spend", "costs.training_growth",
                      "compute.price_decline", _COMMITMENTS]),
    "opex": ("revenue x other operating cost share",
             ["revenue.run_rate", "revenue.growth_y1", "revenue.growth_long", "revenue.fade", "costs.opex_share"]),
    "ebit": ("revenue - compute cost - other operating cost",
             [p for p in _PATH_INPUTS if not p.startswith("costs.tax")]),
    "tax": ("tax rate x (operating profit - tax losses carried forward used), never below zero", _PATH_INPUTS),
    "fcf": ("operating profit - tax", _PATH_INPUTS),
    "cash": ("cash on hand + cumulative free cash flow (before any new funding)", _PATH_INPUTS),
    "implied_growth_factor": ("growth factor f on the base scenario at which equity value equals the "
                              "post-money valuation (bisection on [0, 10])", [*_VALUE, "valuation.post_money"]),
    "implied_growth_y1": ("implied growth factor x year-1 growth", [*_VALUE, "valuation.post_money"]),
    "implied_cagr": ("(R_H / R_0)^(1/H) - 1 on the implied path", [*_VALUE, "valuation.post_money"]),
    "sensitivity": ("value to price with training growth moved -0.20..+0.20 and growth factor 0.6..1.4",
                    [*_VALUE, "valuation.post_money"]),
    "monte_carlo": ("seeded simulation of year-1 growth, compute price decline, training growth and the "
                    "discount rate; percentiles are numpy.percentile (linear)",
                    [*_VALUE, *_MC_INPUTS, "valuation.post_money"]),
    "valuation_summary.dcf_scenarios": ("lowest and highest equity value of the four scenarios",
                                        [*_VALUE, "scenarios"]),
    "valuation_summary.monte_carlo": ("5th and 95th percentiles of simulated equity value",
                                      [*_VALUE, *_MC_INPUTS]),
    "valuation_summary.peer_multiples": ("run-rate revenue x the lowest and highest peer valuation multiple",
                                         ["revenue.run_rate", "peers"]),
    "valuation_summary.latest_round": ("post-money valuation of the latest round", ["valuation.post_money"]),
    "peers": ("peer post-money / peer run-rate revenue; EV / forward revenue = (post-money - cash) / "
              "(run-rate x (1 + year-1 growth)); HHI and count of the peer's providers; implied value = "
              "the peer's multiple x the company's run-rate revenue", ["peers", "revenue.run_rate"]),
}


def _expand(paths: list[str], spec: InputDocument) -> list[str]:
    """Provider groups become the fields of each provider they stand for, so sources given per
    provider (``compute.providers.0.commitment``) are found, and only for the fields used."""
    out: list[str] = []
    for path in paths:
        fields = _PROVIDER_GROUPS.get(path)
        if fields is None:
            out.append(path)
            continue
        for i, _ in enumerate(spec.compute.providers):
            out += [f"compute.providers.{i}.{name}" for name in fields]
    return list(dict.fromkeys(out))


def _covered(path: str, inputs: dict[str, InputEntry]) -> list[InputEntry]:
    """The input entries a path stands for: the field itself, or every field under a section."""
    if path in inputs:
        return [inputs[path]]
    prefix = path + "."
    return [entry for key, entry in inputs.items() if key.startswith(prefix)]


def entry(formula_key: str, spec: InputDocument, inputs: dict[str, InputEntry], reason: str | None = None,
          scenario: str | None = None) -> Provenance:
    formula, paths = FORMULAS[formula_key]
    if scenario is not None and scenario != "base":
        paths = [*paths, f"scenarios.{scenario}"]
        formula = f"{formula}; {scenario} scenario"
    fields = _expand(paths, spec)
    bases: list[str] = []
    sources: list[str] = []
    for path in fields:
        covered = _covered(path, inputs)
        # a section nothing was written for (scenario defaults, no peers) rests on the contract's defaults
        bases += [e.basis for e in covered] or ["assumption"]
        sources += [e.source for e in covered if e.source is not None]
    return Provenance(formula=formula, inputs=fields, basis=weakest(bases),
                      sources=list(dict.fromkeys(sources)), reason=reason)
