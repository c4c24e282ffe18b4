"""Rendering: the jinja2 environment and its filters, the brief's HTML, and the PDF (WeasyPrint)."""
