"""The files a brief can have: one definition, shared by the pipeline and the batch."""

FORMATS = ("pdf", "html", "json", "xlsx")
DEFAULT_FORMATS = ("pdf", "html", "json")  # model.xlsx only when asked for (--format ...,xlsx)
FILE_OF_FORMAT = {"pdf": "brief.pdf", "html": "brief.html", "json": "model.json", "xlsx": "model.xlsx"}
