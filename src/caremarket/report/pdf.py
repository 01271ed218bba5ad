"""Rendering an edition to an A4 PDF with WeasyPrint: page numbers, running heads and a
contents page whose entries carry their page numbers (CSS @page and target-counter).

The PDF is tagged for accessibility (WeasyPrint's PDF/UA-1 variant): a structure
tree from the HTML's headings, lists, tables and figures, the document's title,
author and language in its metadata, and bookmarks from the headings.
"""

from __future__ import annotations

from pathlib import Path
from typing import Final

from caremarket.report.html import render_html
from caremarket.report.model import Edition

PDF_VARIANT: Final = "pdf/ua-1"


def write_pdf(edition: Edition, path: Path) -> Path:
    """Write the edition as a tagged (PDF/UA-1) A4 PDF."""
    # Imported here: WeasyPrint loads Pango at import, which only the PDF needs.
    from weasyprint import HTML

    document = render_html(edition, for_print=True)
    HTML(string=document, base_url=str(path.parent)).write_pdf(
        path, pdf_variant=PDF_VARIANT, pdf_tags=True
    )
    return path
