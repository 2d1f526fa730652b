"""One writer of the concurrency drill: saves the same update again and again through the pages,
re-reading it after a conflict as a person would."""

from __future__ import annotations

import os
import re
from typing import Any

from flask import Flask

from tests.conftest import AuthActions, csrf_token
from tests.factories.updates import DEPT_EMAIL
from tests.updates.helpers import World, form_data

VERSION_RE = re.compile(r'name="version" type="hidden" value="(\d+)"|name="version" value="(\d+)"')
SAVES = int(os.environ.get("DRILL_SAVES", "10"))


def write_updates(app: Flask, world_fields: dict[str, Any]) -> dict[str, Any]:
    """Save SAVES drafts, each with its own text; what was saved, refused and went wrong."""
    world = World(**world_fields)
    client = app.test_client()
    assert AuthActions(client).login(DEPT_EMAIL).status_code == 302
    saved: list[str] = []
    conflicts, problems = 0, []
    for n in range(SAVES):
        text = f"writer {os.getpid()} save {n}"
        for _attempt in range(50):
            page = client.get(world.form_url).get_data(as_text=True)
            found = VERSION_RE.search(page)
            version = next((g for g in found.groups() if g), "0") if found else "0"
            data = form_data(world, version=version, accomplishments=text)
            data["csrf_token"] = csrf_token(client, world.form_url)
            response = client.post(world.form_url, data=data)
            if response.status_code == 302:
                saved.append(text)
                break
            body = response.get_data(as_text=True)
            if response.status_code == 409:
                conflicts += 1
                continue
            problems.append(f"{response.status_code}: {body[:300]}")
            break
    return {"saved": saved, "conflicts": conflicts, "problems": problems}
