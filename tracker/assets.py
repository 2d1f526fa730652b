"""Third-party browser assets: Chart.js, pinned, from the CDN with Subresource Integrity.

The version here, `package.json` and `package-lock.json` name the same release; a test proves
that `CHARTJS_SRI` is the SHA-384 of `node_modules/chart.js/dist/chart.umd.min.js` as that npm
package ships it. The browser refuses the file if the CDN ever serves other bytes.

Air-gapped servers set `CHARTJS_LOCAL = True` (`TRACKER_CHARTJS_LOCAL=true`) after `make vendor`,
which copies the same file into the git-ignored `static/vendor/`; the page then loads it from
our own origin (still with the integrity check) and the CDN is left out of the CSP.
"""

from __future__ import annotations

from flask import Flask, current_app, url_for
from markupsafe import Markup

CHARTJS_VERSION = "4.6.1"
CHARTJS_FILE = "dist/chart.umd.min.js"  # the UMD build: defines window.Chart, no module loader
CHARTJS_ORIGIN = "https://cdn.jsdelivr.net"
CHARTJS_URL = f"{CHARTJS_ORIGIN}/npm/chart.js@{CHARTJS_VERSION}/{CHARTJS_FILE}"
CHARTJS_SRI = "sha384-Emf5ZVIUiarAdhkgtqK+5/Z5qIvM6QoVrS+qAVtfyZVuD5lIHrac0me485+Antp0"
VENDOR_DIR = "vendor"  # under static/
CHARTJS_VENDOR_FILE = f"{VENDOR_DIR}/chart.umd.min.js"


def chartjs_src() -> str:
    """Where the page loads Chart.js from: the CDN, or our static folder when local."""
    if current_app.config.get("CHARTJS_LOCAL"):
        return url_for("static", filename=CHARTJS_VENDOR_FILE)
    return CHARTJS_URL


def chartjs_script() -> Markup:
    """The <script> tag that loads Chart.js with its integrity hash (deferred, in order)."""
    return Markup('<script src="{}" integrity="{}" crossorigin="anonymous" defer></script>').format(
        chartjs_src(), CHARTJS_SRI
    )


def init_app(app: Flask) -> None:
    """Expose `chartjs_script()` to templates and allow that one CDN file unless local."""
    app.jinja_env.globals["chartjs_script"] = chartjs_script
    sources = tuple(app.config.get("CSP_SCRIPT_SOURCES", ()))
    # The full URL, not the origin: the CSP then admits no other file from the CDN.
    if not app.config.get("CHARTJS_LOCAL") and CHARTJS_URL not in sources:
        sources = (*sources, CHARTJS_URL)
    app.config["CSP_SCRIPT_SOURCES"] = sources
