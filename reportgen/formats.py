"""The files a brief can have and the PDF variants WeasyPrint writes: one definition each, shared by the
pipeline, the batch and the command line (which offers them as choices without loading WeasyPrint)."""

FORMATS = ("pdf", "html", "json", "xlsx")
DEFAULT_FORMATS = ("pdf", "html", "json")  # model.xlsx only when asked for (--format ...,xlsx)
FILE_OF_FORMAT = {"pdf": "brief.pdf", "html": "brief.html", "json": "model.json", "xlsx": "model.xlsx"}

# WeasyPrint's own list (weasyprint.pdf.VARIANTS less "debug"), kept here so that checking the option
# does not import WeasyPrint, and reportgen's "none" (an untagged PDF of no variant, as briefs were before
# tagging became the default); tests/brief/test_brief_pdf.py fails when the list and WeasyPrint's differ.
UNTAGGED = "none"
PDF_VARIANTS = ("pdf/a-1b", "pdf/a-2b", "pdf/a-3b", "pdf/a-2u", "pdf/a-3u", "pdf/a-4u", "pdf/a-1a", "pdf/a-2a",
                "pdf/a-3a", "pdf/a-4e", "pdf/a-4f", "pdf/ua-1", "pdf/ua-2", "pdf/x-1a", "pdf/x-3", "pdf/x-4",
                "pdf/x-5g", UNTAGGED)
