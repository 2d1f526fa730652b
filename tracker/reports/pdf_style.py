"""The PDF's look: page size, colours, paragraph styles, safe text and table styles.

Text uses reportlab's built-in Helvetica (WinAnsi encoding: every French accent is there), so
no font file has to be installed. `para` escapes markup and replaces what the encoding lacks.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.pagesizes import landscape, letter
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import inch
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Paragraph, Table, TableStyle

PAGE = landscape(letter)
MARGIN = 0.55 * inch
FRAME_WIDTH = PAGE[0] - 2 * MARGIN

INK = colors.HexColor("#1b1f24")
MUTED = colors.HexColor("#5b6570")
RULE = colors.HexColor("#c5ccd3")
HEADER_BG = colors.HexColor("#dfe6ee")
ZEBRA = colors.HexColor("#f5f7f9")
ACCENT = colors.HexColor("#1f4e79")

STATUS_COLOURS = {
    "not_started": colors.HexColor("#9aa5b1"),
    "on_track": colors.HexColor("#2e7d32"),
    "at_risk": colors.HexColor("#c77700"),
    "off_track": colors.HexColor("#b3261e"),
    "completed": colors.HexColor("#1f4e79"),
    "on_hold": colors.HexColor("#6d4c9f"),
    "cancelled": colors.HexColor("#4a4a4a"),
    None: colors.HexColor("#d5dbe1"),
}
STATUS_TINTS = {
    "not_started": colors.HexColor("#eceff2"),
    "on_track": colors.HexColor("#e3f1e4"),
    "at_risk": colors.HexColor("#fcefd9"),
    "off_track": colors.HexColor("#f8e1df"),
    "completed": colors.HexColor("#e0e9f3"),
    "on_hold": colors.HexColor("#ece6f4"),
    "cancelled": colors.HexColor("#e6e6e6"),
}
COMPLIANCE_TINTS = {
    "on_time": colors.HexColor("#e3f1e4"),
    "late": colors.HexColor("#fcefd9"),
    "missing": colors.HexColor("#f8e1df"),
    "pending": colors.HexColor("#eceff2"),
}

_BASE = ParagraphStyle("base", fontName="Helvetica", fontSize=9.5, leading=12.5, textColor=INK)
STYLES = {
    "body": _BASE,
    "small": ParagraphStyle("small", _BASE, fontSize=8, leading=10, textColor=MUTED),
    "cell": ParagraphStyle("cell", _BASE, fontSize=7.5, leading=9.2),
    "cell_bold": ParagraphStyle("cell_bold", _BASE, fontName="Helvetica-Bold", fontSize=7.5),
    "head": ParagraphStyle("head", _BASE, fontName="Helvetica-Bold", fontSize=7.5, leading=9.2),
    "h1": ParagraphStyle(
        "h1",
        _BASE,
        fontName="Helvetica-Bold",
        fontSize=18,
        leading=22,
        spaceBefore=8,
        spaceAfter=10,
    ),
    "h2": ParagraphStyle(
        "h2",
        _BASE,
        fontName="Helvetica-Bold",
        fontSize=13,
        leading=16,
        spaceBefore=10,
        spaceAfter=6,
        textColor=ACCENT,
    ),
    "h3": ParagraphStyle(
        "h3",
        _BASE,
        fontName="Helvetica-Bold",
        fontSize=10.5,
        leading=13,
        spaceBefore=8,
        spaceAfter=3,
    ),
    "cover_title": ParagraphStyle(
        "cover_title", _BASE, fontName="Helvetica-Bold", fontSize=26, leading=31, textColor=ACCENT
    ),
    "cover_sub": ParagraphStyle("cover_sub", _BASE, fontSize=15, leading=20, spaceBefore=14),
    "cover_other": ParagraphStyle(
        "cover_other", _BASE, fontSize=12, leading=15, textColor=MUTED, spaceBefore=6
    ),
}

# Narrative longer than this is cut in the PDF (the XLSX and CSV files hold it whole).
MAX_NARRATIVE = 1500


def clean(text: str, limit: int | None = None) -> str:
    """`text` within WinAnsi (what Helvetica can draw), control characters dropped, cut at
    `limit` characters with an ellipsis."""
    text = unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n"))
    if limit is not None and len(text) > limit:
        text = text[:limit].rstrip() + "\u2026"
    if _fits(text):
        return text
    out = []
    for char in text:
        if char in "\n\t" or _encodable(char):
            out.append(char)
        else:
            decomposed = unicodedata.normalize("NFKD", char)
            out.append("".join(c for c in decomposed if _encodable(c)) or "?")
    return "".join(out)


_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def _fits(text: str) -> bool:
    """Fast path: the whole text is WinAnsi without control characters (the usual case)."""
    try:
        text.encode("cp1252")
    except UnicodeEncodeError:
        return False
    return _CONTROL.search(text) is None


def safe(text: str, limit: int | None = None) -> str:
    """`text` as Paragraph markup: cleaned, escaped, line breaks kept."""
    return escape(clean(text, limit)).replace("\n", "<br/>").replace("\t", " ")


def fit(text: str, width: float, font: str = "Helvetica", size: float = 8) -> str:
    """`text` (cleaned) cut with an ellipsis so that it is at most `width` points wide."""
    text = clean(text).replace("\n", " ")
    if stringWidth(text, font, size) <= width:
        return text
    text = text[: int(width / (size * 0.25))]  # no glyph is narrower than a quarter em
    while text and stringWidth(text + "\u2026", font, size) > width:
        text = text[:-1]
    return text.rstrip() + "\u2026"


def _encodable(char: str) -> bool:
    if unicodedata.category(char) in ("Cc", "Cs", "Co", "Cn"):
        return False
    try:
        char.encode("cp1252")
    except UnicodeEncodeError:
        return False
    return True


def plain(text: str, width: float) -> str:
    """A short table value as a plain string (far cheaper than a Paragraph), cut to fit
    `width` points of its column; line breaks are kept."""
    return "\n".join(fit(line, width - 6, size=7.5) for line in text.split("\n"))


def para(text: str, style: str = "body", limit: int | None = None) -> Paragraph:
    """A paragraph of plain `text` (never markup) in one of STYLES."""
    return Paragraph(safe(text, limit), STYLES[style])


def markup(html: str, style: str = "body") -> Paragraph:
    """A paragraph of trusted markup (built here from `safe` pieces)."""
    return Paragraph(html, STYLES[style])


def grid(
    rows: Sequence[Sequence[object]],
    widths: Sequence[float],
    extra: Sequence[tuple[object, ...]] = (),
    header_rows: int = 1,
) -> Table:
    """A table with a repeated header, light rules and zebra rows; cells wrap (Paragraphs)."""
    table = Table(list(rows), colWidths=list(widths), repeatRows=header_rows, hAlign="LEFT")
    commands: list[tuple[object, ...]] = [
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("BACKGROUND", (0, 0), (-1, header_rows - 1), HEADER_BG),
        ("LINEBELOW", (0, header_rows - 1), (-1, header_rows - 1), 0.8, ACCENT),
        ("LINEBELOW", (0, header_rows), (-1, -1), 0.25, RULE),
        ("TOPPADDING", (0, 0), (-1, -1), 2.5),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5),
        ("LEFTPADDING", (0, 0), (-1, -1), 3),
        ("RIGHTPADDING", (0, 0), (-1, -1), 3),
        # Plain-string cells (short values that need no wrapping: see `plain`).
        ("FONT", (0, header_rows), (-1, -1), "Helvetica", 7.5, 9.2),
        ("TEXTCOLOR", (0, header_rows), (-1, -1), INK),
    ]
    for n in range(header_rows, len(rows)):
        if (n - header_rows) % 2:
            commands.append(("BACKGROUND", (0, n), (-1, n), ZEBRA))
    table.setStyle(TableStyle([*commands, *extra]))
    return table
