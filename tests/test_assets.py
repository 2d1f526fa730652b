"""Chart.js from the CDN, safely: the pin, the SRI hash, the script tag, the CSP, local mode.

The hash is checked against the file of the npm package of the same version, installed by
`npm ci` (`make vendor` or `make e2e`; CI installs it before the test suites). Without it the
check is skipped on a workstation and fails in CI.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.conftest import AuthActions, make_user
from tests.factories import charts as sc
from tracker import assets, create_app
from tracker.models import Role
from tracker.security import content_security_policy

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "node_modules" / "chart.js"


def sri(path: Path) -> str:
    """The Subresource Integrity value of a file, as browsers compute it."""
    return "sha384-" + base64.b64encode(hashlib.sha384(path.read_bytes()).digest()).decode()


@pytest.fixture
def package() -> Path:
    """node_modules/chart.js, installed by `npm ci`."""
    if not (PACKAGE / "package.json").is_file():
        reason = "node_modules/chart.js is missing: run `make vendor` (npm ci)"
        if os.environ.get("CI", "").lower() in {"1", "true", "yes"}:
            pytest.fail(f"{reason} (CI=true: this check must run)", pytrace=False)
        pytest.skip(reason)
    return PACKAGE


def test_pin_matches_package_json_and_lock() -> None:
    pinned = json.loads((ROOT / "package.json").read_text())["devDependencies"]["chart.js"]
    lock = json.loads((ROOT / "package-lock.json").read_text())
    assert pinned == assets.CHARTJS_VERSION
    assert lock["packages"]["node_modules/chart.js"]["version"] == assets.CHARTJS_VERSION
    assert assets.CHARTJS_URL == (
        f"https://cdn.jsdelivr.net/npm/chart.js@{assets.CHARTJS_VERSION}/dist/chart.umd.min.js"
    )


def test_sri_is_the_hash_of_the_npm_file(package: Path) -> None:
    manifest = json.loads((package / "package.json").read_text())
    assert manifest["version"] == assets.CHARTJS_VERSION
    # The file the CDN serves by default for the package is the one the page names.
    assert manifest["jsdelivr"] == f"./{assets.CHARTJS_FILE}"
    assert sri(package / assets.CHARTJS_FILE) == assets.CHARTJS_SRI


def test_vendored_copy_is_the_same_file(package: Path) -> None:
    vendored = ROOT / "static" / assets.CHARTJS_VENDOR_FILE
    if vendored.exists():  # only after `make vendor`
        assert sri(vendored) == assets.CHARTJS_SRI


def test_script_tag_from_the_cdn(app: Flask) -> None:
    with app.test_request_context():
        tag = str(assets.chartjs_script())
    assert tag == (
        f'<script src="{assets.CHARTJS_URL}" integrity="{assets.CHARTJS_SRI}" '
        'crossorigin="anonymous" defer></script>'
    )
    assert app.config["CSP_SCRIPT_SOURCES"] == (assets.CHARTJS_URL,)  # that file, not the CDN


def local_app(tmp_path: Path) -> Flask:
    return create_app(
        {
            "DATABASE_URL": f"sqlite:///{tmp_path / 'local.db'}",
            "SECRET_KEY": "test-secret",
            "CHARTJS_LOCAL": True,
        },
        env="testing",
    )


def test_local_mode_serves_static_vendor_and_leaves_the_cdn_out(tmp_path: Path) -> None:
    app = local_app(tmp_path)
    with app.test_request_context():
        tag = str(assets.chartjs_script())
    assert 'src="/static/vendor/chart.umd.min.js"' in tag
    assert f'integrity="{assets.CHARTJS_SRI}"' in tag
    assert "https://cdn.jsdelivr.net" not in app.config["CSP_SCRIPT_SOURCES"]
    with app.test_request_context():
        assert "script-src 'self';" in content_security_policy()


def test_existing_sources_are_kept(tmp_path: Path) -> None:
    app = create_app(
        {
            "DATABASE_URL": f"sqlite:///{tmp_path / 'x.db'}",
            "SECRET_KEY": "test-secret",
            "CSP_SCRIPT_SOURCES": ["https://example.org"],
        },
        env="testing",
    )
    assert app.config["CSP_SCRIPT_SOURCES"] == ("https://example.org", assets.CHARTJS_URL)


def test_chart_page_loads_chartjs_with_its_hash(
    app: Flask, client: FlaskClient, auth: AuthActions
) -> None:
    sc.build(app)
    make_user(app, Role.PLANNER, "planner@example.gc.ca")
    auth.login("planner@example.gc.ca")
    response = client.get(f"/plans/{sc.SLUG}/roadmap")
    assert response.status_code == 200
    csp = response.headers["Content-Security-Policy"]
    assert f"script-src 'self' {assets.CHARTJS_URL};" in csp
    html = response.get_data(as_text=True)
    assert f'src="{assets.CHARTJS_URL}" integrity="{assets.CHARTJS_SRI}"' in html
