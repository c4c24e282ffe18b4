"""The files a brief can have: one definition, shared by the pipeline and the batch."""

FORMATS = ("pdf", "html", "json")
