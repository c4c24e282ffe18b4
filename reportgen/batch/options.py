"""``BuildOptions``: every setting of a build in one typed object, passed down (never loose dicts)."""

from __future__ import annotations

import hashlib
import json
import math
from dataclasses import asdict, dataclass, field

from reportgen.errors import UsageError
from reportgen.formats import DEFAULT_FORMATS, FORMATS

HTML_CHARTS = ("static", "interactive")


@dataclass(frozen=True)
class BuildOptions:
    out_dir: str = "outputs"
    formats: tuple[str, ...] = DEFAULT_FORMATS
    force: bool = False
    strict: bool = False
    jobs: int | None = None  # None: the number of CPUs
    templates_dir: str | None = None
    pdf_variant: str | None = None
    max_age_days: int | None = None
    scheduler: str | None = None  # "tcp://host:port" for a dask.distributed cluster, "local" for a LocalCluster
    wait_for_lock: float = 0.0
    chart_cache: bool = True
    # A chart cache shared by several output folders (what-ifs, checkouts, a CI runner's builds); None: the
    # output folder's own (.reportgen/charts). Entries are checked on every read, wherever they live.
    chart_cache_dir: str | None = None
    keep_versions: int = 10  # archived versions per company (docs/intranet.md)
    site_url: str | None = None  # absolute links in feed.xml; relative without it
    html_charts: str = "static"  # "interactive": Vega runtimes inline, tooltips (docs/intranet.md)
    # What-ifs (reportgen.contract.overrides): PATH=VALUE texts, or a mapping of paths to values given to the
    # constructor. Not settings of a project file: a what-if is asked for on the command line.
    overrides: tuple[str, ...] = field(default=(), metadata={"setting": False})
    overwrite_base: bool = field(default=False, metadata={"setting": False})  # a what-if may write where the
    # brief of the unmodified input is (refused otherwise)

    def __post_init__(self) -> None:
        if self.overrides:
            from reportgen.contract.overrides import normalise

            object.__setattr__(self, "overrides", normalise(self.overrides))
        unknown = [f for f in self.formats if f not in FORMATS]
        if unknown or not self.formats:
            raise UsageError(f"--format takes any of {', '.join(FORMATS)} (got {','.join(self.formats) or 'nothing'})")
        if self.jobs is not None and self.jobs < 1:
            raise UsageError("--jobs must be at least 1")
        if self.pdf_variant is not None:
            from reportgen.formats import PDF_VARIANTS

            if self.pdf_variant not in PDF_VARIANTS:
                raise UsageError(f"--pdf-variant takes one of {', '.join(PDF_VARIANTS)}")
        if not (isinstance(self.wait_for_lock, int | float) and math.isfinite(self.wait_for_lock)
                and self.wait_for_lock >= 0):
            # filelock waits for ever on a negative timeout, and NaN raised deep inside it
            raise UsageError(f"--wait takes a number of seconds, 0 or more (got {self.wait_for_lock})")
        if self.max_age_days is not None and self.max_age_days < 0:
            raise UsageError("--max-age must be at least 0 days")
        if isinstance(self.keep_versions, bool) or not isinstance(self.keep_versions, int) or self.keep_versions < 0:
            raise UsageError(f"--keep takes a number of versions, 0 or more (got {self.keep_versions})")
        if self.html_charts not in HTML_CHARTS:
            raise UsageError(f"--html-charts takes one of {', '.join(HTML_CHARTS)} (got {self.html_charts})")
        if self.site_url is not None:
            from reportgen.batch.site import site_url_problem

            problem = site_url_problem(self.site_url)
            if problem:
                raise UsageError(f"--site-url {problem}")

    def chart_cache_folder(self) -> str | None:
        """Where drawn charts are kept between builds, or None (no cache; on Dask the workers' disks are not
        the build's)."""
        import os

        from reportgen.batch.plan import state_dir

        if not self.chart_cache or self.scheduler is not None:
            return None
        return self.chart_cache_dir or os.path.join(state_dir(self.out_dir), "charts")

    def output_digest(self) -> str:
        """What, besides inputs and templates, changes the files of a brief."""
        relevant = {k: v for k, v in asdict(self).items()
                    if k in ("formats", "strict", "pdf_variant", "max_age_days", "html_charts")}
        relevant["formats"] = sorted(self.formats)
        if not self.keep_versions:  # no history page to link to (only then: other digests stay as they were)
            relevant["history_link"] = False
        if self.overrides:  # a what-if is another brief of the same input
            relevant["overrides"] = sorted(self.overrides)
        return hashlib.sha256(json.dumps(relevant, sort_keys=True).encode()).hexdigest()
