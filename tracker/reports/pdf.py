"""The PDF file: an HTML template and print stylesheet rendered by WeasyPrint into a tagged
PDF (PDF/UA-1: headings, tables with header cells, charts with text alternatives, the document
language and title), with embedded Noto fonts that cover French, CJK and symbols such as ✓."""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from pathlib import Path

from flask import current_app, render_template
from flask_babel import force_locale
from flask_babel import gettext as _

from tracker.reports.libraries import load_weasyprint
from tracker.reports.pdf_closing import closing_context
from tracker.reports.pdf_context import report_context
from tracker.reports.snapshot import ReportSnapshot

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class FontFace:
    family: str
    weight: int
    style: str
    path: Path


# The npm packages of package.json that hold the fonts (installed by `npm ci`, see Makefile).
SANS = "@expo-google-fonts/noto-sans/"
CJK = "@expo-google-fonts/noto-sans-sc/"
SYMBOLS = "@fontsource/noto-sans-symbols-2/files/"
FONT_FILES = (
    ("Report Sans", 400, "normal", SANS + "400Regular/NotoSans_400Regular.ttf"),
    ("Report Sans", 700, "normal", SANS + "700Bold/NotoSans_700Bold.ttf"),
    ("Report Sans", 400, "italic", SANS + "400Regular_Italic/NotoSans_400Regular_Italic.ttf"),
    ("Report Symbols", 400, "normal", SYMBOLS + "noto-sans-symbols-2-symbols-400-normal.woff"),
    ("Report CJK", 400, "normal", CJK + "400Regular/NotoSansSC_400Regular.ttf"),
    ("Report CJK", 700, "normal", CJK + "700Bold/NotoSansSC_700Bold.ttf"),
)


# Han, kana, Hangul and full-width forms: only a document holding one loads the large CJK font.
CJK_TEXT = re.compile("[\u2e80-\u9fff\uac00-\ud7af\uf900-\ufaff\ufe30-\ufe4f\uff00-\uffef]")


def font_faces(cjk: bool = True) -> list[FontFace]:
    """The report fonts found under REPORT_FONTS_DIR (default: the project's node_modules);
    without `cjk`, the CJK font is left out (it is large and slows rendering)."""
    folder = current_app.config.get("REPORT_FONTS_DIR")
    root = Path(folder) if folder else Path(current_app.root_path).parent / "node_modules"
    faces = [
        FontFace(family, weight, style, root / path)
        for family, weight, style, path in FONT_FILES
        if cjk or family != "Report CJK"
    ]
    missing = [str(f.path) for f in faces if not f.path.is_file()]
    if missing:
        # Still a readable report in the system's fonts, but CJK and symbols may be lost.
        log.warning("report fonts missing (run `npm ci`): %s", ", ".join(missing))
    return [f for f in faces if f.path.is_file()]


def _page_label() -> str:
    """'Page X of Y' as CSS content, in the current language."""
    words = _("Page %(page)s of %(pages)s", page="\x01", pages="\x02")
    parts = []
    for word in re.split("([\x01\x02])", words):
        if word in ("\x01", "\x02"):
            parts.append("counter(page)" if word == "\x01" else "counter(pages)")
        elif word:
            parts.append(css_string(word))
    return " ".join(parts)


def css_string(value: str) -> str:
    """`value` as a quoted CSS string."""
    escaped = value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ")
    return f'"{escaped}"'


def render_html(snapshot: ReportSnapshot, version: int) -> tuple[str, str]:
    """The report's HTML and stylesheet, in the snapshot's language."""
    with force_locale(snapshot.language):
        context = report_context(snapshot, version)
        context.update(closing_context(snapshot, version))
        html = render_template("reports/pdf/report.html", **context)
        css = render_template(
            "reports/pdf/report.css",
            fonts=font_faces(cjk=CJK_TEXT.search(html) is not None),
            marking=css_string(context["marking"]),
            footer=css_string(f"{context['plan_title']} \u00b7 {context['version_stamp']}"),
            page_label=_page_label(),
        )
    return html, css


def render_pdf(snapshot: ReportSnapshot, version: int) -> bytes:
    """The PDF's bytes, in the snapshot's language."""
    # Imported here: WeasyPrint loads Pango and its fonts, which only report rendering needs.
    load_weasyprint()
    from weasyprint import CSS, HTML
    from weasyprint.text.fonts import FontConfiguration

    html, css = render_html(snapshot, version)
    fonts = FontConfiguration()
    document = HTML(string=html, base_url=current_app.root_path)
    content = document.write_pdf(
        stylesheets=[CSS(string=css, font_config=fonts)],
        font_config=fonts,
        pdf_variant="pdf/ua-1",
        pdf_tags=True,
        custom_metadata=True,
    )
    assert content is not None
    return bytes(content)
