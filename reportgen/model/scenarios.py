from reportgen.contract.scenarios import SCENARIO_DEFAULTS, SCENARIO_ORDER, ScenarioParams, resolve_scenarios  # noqa: F401
