"""The four scenarios of MODEL.md section 2 and how an input's overrides change them.

They are part of the input contract (``scenarios.<name>`` overrides these defaults and the result must stay in
range), so they live in the spec package; ``reportgen.model.scenarios`` re-exports them for the model.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from reportgen.contract.schema import InputDocument

SCENARIO_ORDER = ("base", "adoption_plateau", "compute_stagnation", "bull")

# MODEL.md section 2: base {f=1}; adoption_plateau {f=0.5, fade=0.5}; compute_stagnation {d=0};
# bull {f=1.25, d = d + 0.05}. Unnamed parameters keep the input's values.
SCENARIO_DEFAULTS: dict[str, dict[str, float]] = {
    "base": {},
    "adoption_plateau": {"growth_factor": 0.5, "fade": 0.5},
    "compute_stagnation": {"price_decline": 0.0},
    "bull": {"growth_factor": 1.25, "price_decline_delta": 0.05},
}


@dataclass(frozen=True, slots=True)
class ScenarioParams:
    """What distinguishes one scenario's path: growth factor f, fade, price decline d, training growth."""

    growth_factor: float
    fade: float
    price_decline: float
    training_growth: float


def resolve_scenarios(spec: InputDocument) -> dict[str, ScenarioParams]:
    """Defaults first (``SCENARIO_DEFAULTS``), then the input's overrides: ``price_decline`` replaces d,
    ``price_decline_delta`` adds to it. Unnamed parameters keep the input's values."""
    d = spec.compute.price_decline
    resolved = {}
    for name in SCENARIO_ORDER:
        params: dict[str, Any] = dict(SCENARIO_DEFAULTS[name])
        override = getattr(spec.scenarios, name)
        if override is not None:
            for key, value in override.model_dump(exclude_none=True).items():
                params[key] = value
            # An explicit price_decline without a delta drops the default delta of the scenario.
            if override.price_decline is not None and override.price_decline_delta is None:
                params.pop("price_decline_delta", None)
        price = params.get("price_decline", d) + params.get("price_decline_delta", 0.0)
        resolved[name] = ScenarioParams(
            growth_factor=params.get("growth_factor", 1.0),
            fade=params.get("fade", spec.revenue.fade),
            price_decline=price,
            training_growth=params.get("training_growth", spec.costs.training_growth),
        )
    return resolved
