"""Charts: altair specs built from a Model, rendered to SVG in-process by vl-convert."""
