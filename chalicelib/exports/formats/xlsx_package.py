"""The parts of an XLSX file around its one sheet's rows: content types, relationships, the
workbook, the styles (dates, amounts, a bold header), and the sheet's head (the header row frozen,
column widths) and tail. SpreadsheetML, ECMA-376 part 1; the smallest set Excel, LibreOffice and
openpyxl open.
"""

from __future__ import annotations

from collections.abc import Sequence
from zipfile import ZIP_DEFLATED, ZipFile, ZipInfo

from chalicelib.exports.formats.table import Column, Kind
from chalicelib.exports.formats.xlsx_cells import HEADER_STYLE, TEXT_CLOSE, xml_text

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELATIONSHIPS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PACKAGE_RELATIONSHIPS = "http://schemas.openxmlformats.org/package/2006/relationships"
DECLARATION = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
SHEET = "xl/worksheets/sheet1.xml"
MAX_ROWS = 1_048_576  # rows of a sheet, the header's included (Excel's specification and limits)

CONTENT_TYPES = f"""{DECLARATION}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">\
<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>\
<Default Extension="xml" ContentType="application/xml"/>\
<Override PartName="/xl/workbook.xml" \
ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>\
<Override PartName="/{SHEET}" \
ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>\
<Override PartName="/xl/styles.xml" \
ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>\
</Types>"""

ROOT_RELATIONSHIPS = f"""{DECLARATION}<Relationships xmlns="{PACKAGE_RELATIONSHIPS}">\
<Relationship Id="rId1" Type="{RELATIONSHIPS}/officeDocument" Target="xl/workbook.xml"/>\
</Relationships>"""

WORKBOOK_RELATIONSHIPS = f"""{DECLARATION}<Relationships xmlns="{PACKAGE_RELATIONSHIPS}">\
<Relationship Id="rId1" Type="{RELATIONSHIPS}/worksheet" Target="worksheets/sheet1.xml"/>\
<Relationship Id="rId2" Type="{RELATIONSHIPS}/styles" Target="styles.xml"/>\
</Relationships>"""

# Cell formats, in the order of xlsx_cells' styles: general, date and time, amount, date, header.
STYLES = f"""{DECLARATION}<styleSheet xmlns="{MAIN}">\
<numFmts count="2"><numFmt numFmtId="164" formatCode="yyyy-mm-dd hh:mm:ss"/>\
<numFmt numFmtId="165" formatCode="yyyy-mm-dd"/></numFmts>\
<fonts count="2"><font><sz val="11"/><name val="Calibri"/></font><font><b/><sz val="11"/><name val="Calibri"/></font>\
</fonts><fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill>\
</fills><borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>\
<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>\
<cellXfs count="5"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>\
<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>\
<xf numFmtId="2" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>\
<xf numFmtId="165" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>\
<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/></cellXfs>\
<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>"""

# Characters wide, when the declaration gives none: room for the value a type shows.
KIND_WIDTHS = {Kind.TEXT: 18, Kind.INTEGER: 10, Kind.DECIMAL: 12, Kind.DATETIME: 19, Kind.DATE: 11, Kind.BOOL: 7}
_SHEET_NAME_REFUSES = str.maketrans({character: " " for character in "[]:*?/\\"})


def _workbook(sheet_name: str) -> str:
    name = xml_text(sheet_name.translate(_SHEET_NAME_REFUSES)[:31])
    return (
        f'{DECLARATION}<workbook xmlns="{MAIN}" xmlns:r="{RELATIONSHIPS}"><sheets>'
        f'<sheet name="{name}" sheetId="1" r:id="rId1"/></sheets></workbook>'
    )


def _width(column: Column) -> int:
    return max(column.width or KIND_WIDTHS[column.kind], len(column.header) + 2)


def sheet_head(columns: Sequence[Column]) -> bytes:
    """The sheet up to its first data row: the frozen header row, the columns' widths, the header."""
    widths = "".join(
        f'<col min="{index}" max="{index}" width="{_width(column)}" customWidth="1"/>'
        for index, column in enumerate(columns, start=1)
    )
    header = "".join(
        f'<c s="{HEADER_STYLE}" t="inlineStr"><is><t xml:space="preserve">{xml_text(column.header)}{TEXT_CLOSE}'
        for column in columns
    )
    return (
        f'{DECLARATION}<worksheet xmlns="{MAIN}" xmlns:r="{RELATIONSHIPS}"><sheetViews>'
        '<sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>'
        '<selection pane="bottomLeft"/></sheetView></sheetViews><sheetFormatPr defaultRowHeight="15"/>'
        f'<cols>{widths}</cols><sheetData><row r="1">{header}</row>'
    ).encode()


SHEET_TAIL = b"</sheetData></worksheet>"
# Every part dated as ZIP's first day: the same rows make the same bytes, whenever they are exported.
PART_TIME = (1980, 1, 1, 0, 0, 0)


def package_part(name: str) -> ZipInfo:
    """A part of the package, deflated, with a fixed time."""
    info = ZipInfo(name, PART_TIME)
    info.compress_type = ZIP_DEFLATED
    return info


def write_parts(package: ZipFile, sheet_name: str) -> None:
    """Every part but the sheet."""
    for name, content in (
        ("[Content_Types].xml", CONTENT_TYPES),
        ("_rels/.rels", ROOT_RELATIONSHIPS),
        ("xl/workbook.xml", _workbook(sheet_name)),
        ("xl/_rels/workbook.xml.rels", WORKBOOK_RELATIONSHIPS),
        ("xl/styles.xml", STYLES),
    ):
        package.writestr(package_part(name), content)
