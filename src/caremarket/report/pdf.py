"""Rendering an edition to an A4 PDF with WeasyPrint: page numbers, running heads and a
contents page whose entries carry their page numbers (CSS @page and target-counter)."""

from __future__ import annotations

from pathlib import Path

from caremarket.report.html import render_html
from caremarket.report.model import Edition


def write_pdf(edition: Edition, path: Path) -> Path:
    """Write the edition as an A4 PDF."""
    # Imported here: WeasyPrint loads Pango at import, which only the PDF needs.
    from weasyprint import HTML

    document = render_html(edition, for_print=True)
    HTML(string=document, base_url=str(path.parent)).write_pdf(path)
    return path
