"""HTML to PDF, with WeasyPrint held on a short leash.

A PDF is a Django template rendered to HTML (so every value from a record is
escaped by the template engine), then handed to WeasyPrint with `StaticOnlyFetcher`:
the only resources it can load are the project's own static files: the collected
files under STATIC_ROOT (which hold the hashed names `{% static %}` gives under the
manifest storage in production), or the source files the staticfiles finders know
(development). `file:`, `http:`, `https:` to anywhere else, `data:`
and every other scheme are refused before any connection or file read, and since
nothing goes over the network there is no redirect to follow.
"""

from __future__ import annotations

import logging
import mimetypes
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string

# WeasyPrint reports every rendering step at INFO (from import on); keep its warnings.
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)

from weasyprint import HTML  # noqa: E402
from weasyprint.urls import URLFetcher, URLFetcherResponse  # noqa: E402

logger = logging.getLogger(__name__)

# Relative URLs in a PDF template (`{% static %}` gives /static/...) resolve against
# this made-up origin, which the fetcher recognises and never contacts.
PDF_BASE_URL = "https://pdf-assets.learner-journey.invalid/"
_ORIGIN = urlsplit(PDF_BASE_URL)


class RefusedResource(ValueError):
    """A PDF asked for something outside the project's static files."""


class StaticOnlyFetcher(URLFetcher):
    """Serves `<PDF_BASE_URL><STATIC_URL>path` from the collected static files or the
    staticfiles finders; refuses everything else. `refused` lists what was asked for
    and turned away."""

    def __init__(self) -> None:
        super().__init__(allowed_protocols=("https",), allow_redirects=False)
        self.refused: list[str] = []
        self.served: list[str] = []

    def fetch(self, url: str, headers=None) -> URLFetcherResponse:
        path = self._static_path(url)
        if path is None:
            self.refused.append(url)
            logger.warning("PDF resource refused: %s", url[:200])
            raise RefusedResource(f"Only the project's static files may be used: {url[:200]}")
        self.served.append(url)
        content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return URLFetcherResponse(
            url, body=path.read_bytes(), headers={"Content-Type": content_type}
        )

    def _static_path(self, url: str) -> Path | None:
        parts = urlsplit(url)
        if (parts.scheme, parts.netloc) != (_ORIGIN.scheme, _ORIGIN.netloc):
            return None
        if parts.query or parts.username or parts.password or parts.port:
            return None
        prefix = "/" + settings.STATIC_URL.strip("/") + "/"
        if not parts.path.startswith(prefix):
            return None
        relative = unquote(parts.path.removeprefix(prefix))
        if not relative or "\\" in relative or "\x00" in relative:
            return None
        if any(segment in ("", ".", "..") for segment in relative.split("/")):
            return None
        return _source_file(relative) or _collected_file(relative)


def _collected_file(relative: str) -> Path | None:
    """A file `collectstatic` wrote, hashed names included (ManifestStaticFilesStorage
    writes both `report.css` and `report.<hash>.css`; `{% static %}` names the second)."""
    if not settings.STATIC_ROOT:
        return None
    root = Path(settings.STATIC_ROOT).resolve()
    path = (root / relative).resolve()
    if not path.is_relative_to(root) or not path.is_file():
        return None
    return path


def _source_file(relative: str) -> Path | None:
    """A file in the project's static folders, found by the staticfiles finders."""
    found = finders.find(relative)
    if not found:
        return None
    path = Path(found).resolve()
    roots = [Path(root).resolve() for root in settings.STATICFILES_DIRS]
    if not any(path.is_relative_to(root) for root in roots) or not path.is_file():
        return None
    return path


def html_to_pdf(html: str, *, fetcher: StaticOnlyFetcher | None = None) -> bytes:
    """The PDF for `html`, fetching only the project's static files."""
    fetcher = fetcher or StaticOnlyFetcher()
    return HTML(string=html, base_url=PDF_BASE_URL, url_fetcher=fetcher).write_pdf()


def render_pdf(
    template_name: str, context: dict, *, fetcher: StaticOnlyFetcher | None = None
) -> bytes:
    """Render `template_name` with `context` (autoescaped) and turn it into a PDF."""
    return html_to_pdf(render_to_string(template_name, context), fetcher=fetcher)
