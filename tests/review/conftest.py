"""Fixtures of the review tests."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.conftest import rollups_agree_after


@pytest.fixture(autouse=True)
def _rollups_agree(request: pytest.FixtureRequest) -> Iterator[None]:
    yield from rollups_agree_after(request)
