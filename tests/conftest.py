"""Settings of the whole suite, loaded before any test module is imported.

- Hypothesis profiles: "ci" (the default: 30 examples a test, no deadline) keeps ``make test`` short;
  ``HYPOTHESIS_PROFILE=thorough`` runs every property test with the example counts its module states
  (the profile's ``max_examples`` is a ceiling the modules read through ``settings.default``).
- ``REPORTGEN_TEMPLATE_TIME_LIMIT``: the limited child that renders user templates waits this many seconds
  (reportgen/render/isolated.py; 20 s outside the tests). A runaway template meets it in every run of the
  hostile suite, so the tests shorten it to 10 s; a real brief renders in 0.1 s and lays out in about 3 s
  (several times that on a crowded 2-core machine).

Test modules never import this file (``import conftest`` would give whichever conftest pytest loaded last).
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

settings.register_profile("ci", max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("thorough", max_examples=1000, deadline=None,
                          suppress_health_check=[HealthCheck.too_slow])
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

os.environ.setdefault("REPORTGEN_TEMPLATE_TIME_LIMIT", "10")
