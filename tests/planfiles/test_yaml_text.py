"""Reading plan files: YAML slips told in plain words at their line and column; numbers as text."""

from __future__ import annotations

import pytest
from flask import Flask

from tracker.services.plans.files import PlanImportError, load_plan_yaml

HEAD = "format: roadmap-tracker/plan@1\nplan:\n"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param(
            HEAD + "\tslug: x\n",
            "line 3, column 1: a tab character; indent with spaces, not tabs",
            id="tab-indent",
        ),
        pytest.param(
            HEAD + "  slug:\tx\n",
            "line 3, column 8: a tab character; indent with spaces, not tabs",
            id="tab-after-key",
        ),
        pytest.param(
            HEAD + "  title: 'It's here'\n",
            "line 3, column 14: text after a quoted value; inside single quotes write a quote "
            "twice (It''s), or put the value in double quotes",
            id="quote-inside-quotes",
        ),
        pytest.param(
            HEAD + '  title: "open\n  slug: x\n',
            "line 3, column 10: this quotation mark is never closed; close it at the end of "
            "the text",
            id="unclosed-quote",
        ),
        pytest.param(
            HEAD + "  title: Goal: faster\n",
            'line 3, column 14: a ": " inside a value, or a line indented more than the one '
            "above; put the value in quotes, or line the key up with the keys above it",
            id="colon-in-value",
        ),
        pytest.param(
            HEAD + "    slug: x\n  title: y\n",
            "line 4, column 3: this line is not indented like the lines around it, or it is "
            "not key: value",
            id="dedent",
        ),
        pytest.param(
            HEAD + '  title: "C:\\qa"\n',
            "line 3, column 14: a backslash in double quotes; put the value in single quotes, "
            "or write the backslash twice",
            id="backslash",
        ),
        pytest.param(
            HEAD + "  title: @home\n",
            "line 3, column 10: a value cannot start with @; put the value in quotes",
            id="reserved-character",
        ),
        pytest.param(
            "format: [1, 2\nplan: {}\n",
            "line 2, column 5: a list in square brackets [ ] is not closed, or lacks a comma",
            id="open-list",
        ),
        pytest.param(
            b"format: \xe9t\xe9\n",
            "line 1, column 9: the file is not UTF-8 text; save it as UTF-8 and upload it again",
            id="latin-1",
        ),
    ],
)
def test_yaml_slips_are_told_in_plain_words(app: Flask, text: str | bytes, expected: str) -> None:
    with app.app_context(), pytest.raises(PlanImportError) as raised:
        load_plan_yaml(text)
    assert raised.value.errors == [expected]


def test_numbers_written_where_text_is_expected_keep_their_spelling(app: Flask) -> None:
    with app.app_context():
        data = load_plan_yaml("a: 1.1\nb: 1.10\nc: 010\nd: 2016\n")
    assert [str(getattr(data[k], "source", data[k])) for k in "abcd"] == [
        "1.1",
        "1.10",
        "010",
        "2016",
    ]
    assert data["d"] == 2016  # still a number where a number is expected (years)
