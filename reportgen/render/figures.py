"""Figures as the templates see them: a value with the provenance key it came from.

Templates never print a raw number: they pass a ``Fig`` through a formatting filter (money, pct,
multiple, year, number), which wraps the text in a link to the figure's provenance entry. The
``--strict`` check then finds any digit in the prose that is not inside such a link.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class Fig:
    value: float | int | None
    ref: str | None = None  # provenance key, e.g. "metrics.hhi" is written "hhi"
    source_note: int | None = None  # endnote number of the input's source, if any
    basis: str | None = None  # "reported", "estimate" or "assumption" (the weakest of its inputs)

    # Comparisons let templates branch on figures ({% if m.hhi > peer.hhi %}); printing still
    # requires a filter.
    def _v(self, other: Any) -> Any:
        return other.value if isinstance(other, Fig) else other

    def __lt__(self, other: Any) -> bool:
        return self.value is not None and self._v(other) is not None and self.value < self._v(other)

    def __le__(self, other: Any) -> bool:
        return self.value is not None and self._v(other) is not None and self.value <= self._v(other)

    def __gt__(self, other: Any) -> bool:
        return self.value is not None and self._v(other) is not None and self.value > self._v(other)

    def __ge__(self, other: Any) -> bool:
        return self.value is not None and self._v(other) is not None and self.value >= self._v(other)

    def __eq__(self, other: object) -> bool:
        return self.value == (other.value if isinstance(other, Fig) else other)

    def __hash__(self) -> int:
        return hash((self.value, self.ref))

    def __bool__(self) -> bool:
        # "{% if fig %}" asks whether the figure exists, not whether it is zero
        return self.value is not None

    def scaled(self, factor: float) -> Fig:
        return Fig(None if self.value is None else self.value * factor, self.ref, self.source_note, self.basis)


def anchor(ref: str) -> str:
    """The appendix element a figure links to. Scenario variants of a figure share their formula's
    row, the Monte Carlo figures share one row, inputs point at their row of assumptions."""
    parts = ref.split(".")
    if parts[0] == "scenarios" and len(parts) > 2:
        return "prov-" + parts[-1]
    if parts[0] == "monte_carlo":
        return "prov-monte_carlo"
    return "prov-" + ref
