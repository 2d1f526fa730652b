"""The compliance matrix's cells as HTML, each distinct cell rendered once.

A plan of 100 departments over 40 quarters has 4,000 cells but only a few hundred distinct
ones (a state and its counts): rendering each of those once, instead of calling the cell's
template code and its translations 4,000 times, is most of the page's rendering time.
"""

from __future__ import annotations

from flask import get_template_attribute
from markupsafe import Markup

from tracker.services.figures.compliance import CELL_LABELS, Cell, Compliance


def cell_html(c: Compliance) -> dict[Cell, Markup]:
    """Each distinct cell of `c` -> its `<td>` (plans/_compliance_cell.html) in the current
    language."""
    render = get_template_attribute("plans/_compliance_cell.html", "cell")
    labels = {state: str(label) for state, label in CELL_LABELS.items()}
    distinct = {cell for row in c.rows for cell in row.cells}
    return {cell: Markup(render(cell, labels[cell.state])) for cell in distinct}
