"""``render_pdf``: HTML in, PDF bytes out, with WeasyPrint. It never reaches the network or a file
outside the asset folders: the URL fetcher serves ``data:`` URLs, the bundled fonts and the user's
``--templates`` assets (from memory), and refuses everything else. Stylesheets and fonts are parsed
once per process and reused across briefs.
"""

from __future__ import annotations

import hashlib
import logging
import os
from typing import Any

from reportgen.errors import ReportgenError
from reportgen.formats import PDF_VARIANTS, UNTAGGED  # noqa: F401  (the list lives where the CLI can offer it cheaply)
from reportgen.paths import builtin_assets
from reportgen.render.assets import VIRTUAL_ROOT, asset_name, data_url, read_asset
from reportgen.render.environment import TemplateSet

# Without --pdf-variant a brief is a tagged PDF/UA-1 file: a structure tree (headings, paragraphs, lists,
# tables with their header cells, figures with their alt text, links), /Lang, the title shown as the window
# title and the PDF/UA identifier in its XMP metadata (docs/accessibility.md).
DEFAULT_PDF_VARIANT = "pdf/ua-1"
_MIME = {".ttf": "font/ttf", ".otf": "font/otf", ".woff": "font/woff", ".woff2": "font/woff2",
         ".svg": "image/svg+xml", ".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg",
         ".css": "text/css"}
_STATE: dict[str, Any] = {}


class PdfError(ReportgenError):
    """WeasyPrint could not produce the PDF."""


def _fetcher_class() -> type:
    cls = _STATE.get("fetcher_class")
    if cls is not None:
        return cls
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class AssetFetcher(URLFetcher):
        """Serves data: URLs and assets; everything else (http, file outside the assets, ../) fails."""

        def __init__(self, templates: TemplateSet | None, refused: list[str]):
            super().__init__(allowed_protocols=("data", "file"), allow_redirects=False, timeout=1)
            self.templates = templates
            self.refused = refused

        def fetch(self, url: str, headers: Any = None) -> Any:
            if url.startswith("data:"):
                return _data_url(url, URLFetcherResponse)
            name = asset_name(url)
            if name is not None:
                try:
                    content = read_asset(name, self.templates)
                except ReportgenError:
                    pass
                else:
                    mime = _MIME.get(os.path.splitext(name)[1].lower(), "application/octet-stream")
                    return URLFetcherResponse(url, content, {"Content-Type": mime})
            self.refused.append(url[:200])
            raise ValueError(f"reportgen refuses to load {url[:200]}")

    _STATE["fetcher_class"] = AssetFetcher
    return AssetFetcher


def _data_url(url: str, response: Any) -> Any:
    mime, content = data_url(url)
    return response(url[:64], content, {"Content-Type": mime})


def _fonts_and_sheets(templates: TemplateSet | None, fetcher: Any) -> tuple[Any, list[Any]]:
    """FontConfiguration and parsed stylesheets, cached by the stylesheets' content."""
    from weasyprint import CSS
    from weasyprint.text.fonts import FontConfiguration

    texts = [read_asset(name, templates) for name in ("brief.css", "print.css")]
    key = hashlib.sha256(b"\0".join(texts)).hexdigest()
    cached = _STATE.get("sheets")
    if cached is not None and cached[0] == key:
        return cached[1], cached[2]
    font_config = FontConfiguration()
    sheets = [CSS(string=text.decode("utf-8"), base_url=VIRTUAL_ROOT, url_fetcher=fetcher, font_config=font_config)
              for text in texts]
    _STATE["sheets"] = (key, font_config, sheets)
    _release_at_exit()
    return font_config, sheets


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage().splitlines()[0][:300])


def prewarm() -> None:
    """Import WeasyPrint and parse the built-in stylesheets and fonts, before there is HTML to render."""
    from weasyprint import HTML

    fetcher = _fetcher_class()(None, [])
    font_config, sheets = _fonts_and_sheets(None, fetcher)
    HTML(string="<p>warm</p>", base_url=VIRTUAL_ROOT, url_fetcher=fetcher).render(
        font_config=font_config, stylesheets=sheets).write_pdf()
    freeze_warm_state()


def freeze_warm_state() -> None:
    """For a process that exists to render (a warm helper or pool worker), after its warm-up: the modules,
    fonts and stylesheets live as long as it does, so the cyclic collector stops rescanning them at every
    collection inside a layout (bench/RESULTS.md: several per cent of a warm render, no extra memory)."""
    import gc

    if _STATE.get("frozen"):
        return
    gc.collect()
    gc.freeze()
    _STATE["frozen"] = True
    _release_at_exit()


def _release_at_exit() -> None:
    """Drop the cached fonts (and unfreeze the heap) at exit, while the modules still exist: a FontConfiguration
    finalised during the interpreter's teardown finds its module globals gone and prints an ignored exception
    (in a worker, and in any program that calls the library)."""
    import atexit

    if not _STATE.get("release_registered"):
        _STATE["release_registered"] = True
        atexit.register(_release_warm_state)


def _release_warm_state() -> None:
    import gc

    _STATE.pop("sheets", None)
    if _STATE.pop("frozen", False):
        gc.unfreeze()
    gc.collect()


def render_pdf(html: str, *, templates: TemplateSet | None = None, variant: str | None = None,
               identifier: str | None = None, executor: Any = None) -> tuple[bytes, list[str]]:
    """The PDF and the warnings of the render (assets refused or missing, fonts not found). With
    ``executor`` (a warm one-process pool, see batch.executors.run_in_process) it is laid out there."""
    if executor is not None:
        return executor.submit(render_pdf_here, html, templates=templates, variant=variant,
                               identifier=identifier).result()
    return render_pdf_here(html, templates=templates, variant=variant, identifier=identifier)


def weasyprint_variant(variant: str | None) -> tuple[str | None, bool]:
    """WeasyPrint's ``pdf_variant`` and ``pdf_tags`` for reportgen's ``--pdf-variant`` (None: the default).
    Every variant is tagged (PDF/A and PDF/X included); "none" is the one untagged PDF."""
    if variant is None:
        variant = DEFAULT_PDF_VARIANT
    if variant == UNTAGGED:
        return None, False
    return variant, True


def render_pdf_here(html: str, *, templates: TemplateSet | None = None, variant: str | None = None,
                    identifier: str | None = None) -> tuple[bytes, list[str]]:
    from weasyprint import HTML

    refused: list[str] = []
    fetcher = _fetcher_class()(templates, refused)
    font_config, sheets = _fonts_and_sheets(templates, fetcher)
    collect = _Collect()
    logger = logging.getLogger("weasyprint")
    logger.addHandler(collect)
    previous_propagate = logger.propagate
    logger.propagate = False  # warnings are returned, not printed over the progress bar
    pdf_variant, pdf_tags = weasyprint_variant(variant)
    try:
        document = HTML(string=html, base_url=VIRTUAL_ROOT, url_fetcher=fetcher).render(
            font_config=font_config, stylesheets=sheets, pdf_variant=pdf_variant, pdf_tags=pdf_tags)
        # A fixed identifier (from the content) keeps the same input's PDF byte-identical.
        pdf = document.write_pdf(pdf_identifier=(identifier or hashlib.md5(html.encode()).hexdigest()).encode()[:32],
                                 pdf_variant=pdf_variant, pdf_tags=pdf_tags)
    except Exception as exc:
        raise PdfError(f"PDF rendering failed: {type(exc).__name__}: {str(exc)[:200]}") from None
    finally:
        logger.removeHandler(collect)
        logger.propagate = previous_propagate
    warnings = [f"asset refused: {url}" for url in refused]
    warnings += [f"weasyprint: {message}" for message in collect.messages if "reportgen refuses" not in message]
    return pdf, list(dict.fromkeys(warnings))


def fonts_folder() -> str:
    return os.path.join(builtin_assets(), "fonts")
