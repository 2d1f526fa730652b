"""The PDF file (reportlab): cover, executive summary, roadmap, areas, milestones, compliance,
needs attention and definitions, with "Page X of Y" and the generation stamp on every page."""

from __future__ import annotations

import io
from typing import Any

from flask_babel import force_locale
from flask_babel import gettext as _
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import BaseDocTemplate, Frame, PageTemplate

from tracker.reports import pdf_sections, pdf_tables, text
from tracker.reports.pdf_style import MARGIN, MUTED, PAGE, RULE, clean, fit
from tracker.reports.snapshot import ReportSnapshot


class NumberedCanvas(Canvas):
    """A canvas that holds its pages until the end, then stamps 'Page X of Y' and the footer."""

    def __init__(self, *args: Any, footer: str = "", page_label: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._pages: list[dict[str, Any]] = []
        self._footer = footer
        self._page_label = page_label  # '%(page)s of %(pages)s'-style, already translated

    def showPage(self) -> None:  # noqa: N802 - reportlab's name
        self._pages.append(dict(self.__dict__))
        self._startPage()

    def save(self) -> None:
        total = len(self._pages)
        for state in self._pages:
            self.__dict__.update(state)
            self._stamp(total)
            super().showPage()
        super().save()

    def _stamp(self, total: int) -> None:
        width = PAGE[0]
        self.saveState()
        self.setStrokeColor(RULE)
        self.setLineWidth(0.5)
        self.line(MARGIN, MARGIN - 10, width - MARGIN, MARGIN - 10)
        self.setFont("Helvetica", 7.5)
        self.setFillColor(MUTED)
        number = self._page_label % {"page": self._pageNumber, "pages": total}
        self.drawRightString(width - MARGIN, MARGIN - 22, clean(number))
        self.drawString(MARGIN, MARGIN - 22, fit(self._footer, width - 2 * MARGIN - 90, size=7.5))
        self.restoreState()


def render_pdf(snapshot: ReportSnapshot, version: int) -> bytes:
    """The PDF's bytes, in the snapshot's language."""
    with force_locale(snapshot.language):
        output = io.BytesIO()
        lang = snapshot.language
        title = f"{snapshot.plan.title(lang)} \u2014 {text.report_title(snapshot)}"
        doc = BaseDocTemplate(
            output,
            pagesize=PAGE,
            leftMargin=MARGIN,
            rightMargin=MARGIN,
            topMargin=MARGIN,
            bottomMargin=MARGIN + 6,
            title=clean(title),
            author=_("Roadmap Tracker"),
            subject=clean(text.version_stamp(snapshot, version)),
            creator=_("Roadmap Tracker"),
            keywords=[snapshot.plan.slug, snapshot.year_label()],
            lang=lang,
        )
        frame = Frame(doc.leftMargin, doc.bottomMargin, doc.width, doc.height, id="body")
        doc.addPageTemplates([PageTemplate(id="page", frames=[frame])])
        footer = f"{snapshot.plan.title(lang)} \u00b7 {text.report_title(snapshot)} \u00b7 " + (
            text.version_stamp(snapshot, version)
        )
        page_label = _("Page %(page)s of %(pages)s", page="%(page)s", pages="%(pages)s")
        story = [
            *pdf_sections.cover(snapshot, version),
            *pdf_sections.summary(snapshot),
            *pdf_sections.roadmap(snapshot),
            *pdf_sections.area_sections(snapshot),
            *pdf_tables.milestones(snapshot),
            *pdf_tables.compliance(snapshot),
            *pdf_tables.attention(snapshot),
            *pdf_tables.plan_changes(snapshot),
            *pdf_tables.notes(snapshot, version),
        ]

        def canvas(*args: Any, **kwargs: Any) -> NumberedCanvas:
            return NumberedCanvas(*args, footer=footer, page_label=page_label, **kwargs)

        doc.build(story, canvasmaker=canvas)
    return output.getvalue()
