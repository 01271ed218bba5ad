"""A streaming OpenDocument spreadsheet (.ods) writer for tables of millions of cells.

odfpy builds the whole document in memory and takes minutes for CQC-sized files;
this writer streams ``content.xml`` straight into the zip. Layout as the
OpenDocument 1.2 package spec requires: ``mimetype`` first and stored
uncompressed, then ``META-INF/manifest.xml``, ``meta.xml``, ``styles.xml`` and
``content.xml``.
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import IO, Final, Protocol
from xml.sax.saxutils import escape

Cell = str | int | float | date | None

_MIMETYPE: Final = "application/vnd.oasis.opendocument.spreadsheet"
_FIXED_ZIP_TIME: Final = (2026, 1, 1, 0, 0, 0)
_MANIFEST_NS: Final = "urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"
_MANIFEST: Final = f"""<?xml version="1.0" encoding="UTF-8"?>
<manifest:manifest xmlns:manifest="{_MANIFEST_NS}" manifest:version="1.2">
 <manifest:file-entry manifest:full-path="/" manifest:version="1.2" \
manifest:media-type="{_MIMETYPE}"/>
 <manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>
 <manifest:file-entry manifest:full-path="styles.xml" manifest:media-type="text/xml"/>
 <manifest:file-entry manifest:full-path="meta.xml" manifest:media-type="text/xml"/>
</manifest:manifest>
"""
_NS: Final = (
    'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" '
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
    'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
    'xmlns:number="urn:oasis:names:tc:opendocument:xmlns:datastyle:1.0" '
    'xmlns:meta="urn:oasis:names:tc:opendocument:xmlns:meta:1.0" '
    'xmlns:dc="http://purl.org/dc/elements/1.1/" '
    'xmlns:fo="urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0"'
)
_STYLES: Final = f"""<?xml version="1.0" encoding="UTF-8"?>
<office:document-styles {_NS} office:version="1.2"><office:styles/></office:document-styles>
"""
_CONTENT_HEAD: Final = f"""<?xml version="1.0" encoding="UTF-8"?>
<office:document-content {_NS} office:version="1.2"><office:automatic-styles>\
<number:date-style style:name="N_DATE"><number:day number:style="long"/>\
<number:text>/</number:text>\
<number:month number:style="long"/><number:text>/</number:text><number:year/></number:date-style>\
<style:style style:name="ce_date" style:family="table-cell" style:data-style-name="N_DATE"/>\
</office:automatic-styles><office:body><office:spreadsheet>"""
_CONTENT_TAIL: Final = "</office:spreadsheet></office:body></office:document-content>"


def _meta(title: str, created: datetime) -> str:
    stamp = created.strftime("%Y-%m-%dT%H:%M:%S")
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>\n<office:document-meta {_NS} '
        f'office:version="1.2"><office:meta><dc:title>{escape(title)}</dc:title>'
        f"<meta:creation-date>{stamp}</meta:creation-date><dc:date>{stamp}</dc:date>"
        "<meta:generator>caremarket.demo</meta:generator></office:meta></office:document-meta>"
    )


def _cell_xml(value: Cell) -> str:
    if value is None or value == "":
        return "<table:table-cell/>"
    if isinstance(value, bool):
        raise TypeError("booleans are not written; use 'Y'/'N' text as CQC does")
    if isinstance(value, int | float):
        return (
            f'<table:table-cell office:value-type="float" office:value="{value!r}">'
            f"<text:p>{value!r}</text:p></table:table-cell>"
        )
    if isinstance(value, date):
        iso = value.isoformat()
        return (
            '<table:table-cell table:style-name="ce_date" office:value-type="date" '
            f'office:date-value="{iso}"><text:p>{value:%d/%m/%Y}</text:p></table:table-cell>'
        )
    return (
        f'<table:table-cell office:value-type="string"><text:p>{escape(value)}</text:p>'
        "</table:table-cell>"
    )


def _row_xml(row: Sequence[Cell]) -> str:
    parts: list[str] = ["<table:table-row>"]
    blanks = 0
    for value in row:
        if value is None or value == "":
            blanks += 1
            continue
        if blanks:
            parts.append(
                "<table:table-cell/>"
                if blanks == 1
                else f'<table:table-cell table:number-columns-repeated="{blanks}"/>'
            )
            blanks = 0
        parts.append(_cell_xml(value))
    # Trailing blanks are left out: readers pad short rows to the sheet width.
    parts.append("</table:table-row>")
    return "".join(parts)


class _TextSink(Protocol):
    def write(self, text: str, /) -> int: ...


def _write_table(out: _TextSink, name: str, rows: Iterable[Sequence[Cell]]) -> None:
    out.write(f'<table:table table:name="{escape(name)}">')
    buffer: list[str] = []
    for row in rows:
        buffer.append(_row_xml(row))
        if len(buffer) >= 2000:
            out.write("".join(buffer))
            buffer.clear()
    out.write("".join(buffer))
    out.write("</table:table>")


def write_ods(
    path: Path,
    sheets: Sequence[tuple[str, Iterable[Sequence[Cell]]]],
    *,
    title: str,
    created: datetime,
) -> Path:
    """Write ``sheets`` (name, rows) to an .ods file at ``path``, streaming the rows."""

    def entry(name: str, compress: int) -> zipfile.ZipInfo:
        info = zipfile.ZipInfo(name, date_time=_FIXED_ZIP_TIME)
        info.compress_type = compress
        return info

    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr(entry("mimetype", zipfile.ZIP_STORED), _MIMETYPE)
        zf.writestr(entry("META-INF/manifest.xml", zipfile.ZIP_DEFLATED), _MANIFEST)
        zf.writestr(entry("meta.xml", zipfile.ZIP_DEFLATED), _meta(title, created))
        zf.writestr(entry("styles.xml", zipfile.ZIP_DEFLATED), _STYLES)
        content = entry("content.xml", zipfile.ZIP_DEFLATED)
        with zf.open(content, "w", force_zip64=True) as raw:
            writer = _Utf8Writer(raw)
            writer.write(_CONTENT_HEAD)
            for name, rows in sheets:
                _write_table(writer, name, rows)
            writer.write(_CONTENT_TAIL)
            writer.flush()
    return path


class _Utf8Writer:
    """A minimal text sink over a binary zip stream (buffers writes to cut call overhead)."""

    def __init__(self, raw: IO[bytes]) -> None:
        self._raw = raw
        self._parts: list[str] = []
        self._size = 0

    def write(self, text: str) -> int:
        self._parts.append(text)
        self._size += len(text)
        if self._size > 1 << 20:
            self.flush()
        return len(text)

    def flush(self) -> None:
        data = "".join(self._parts).encode("utf-8")
        self._raw.write(data)
        self._parts.clear()
        self._size = 0
