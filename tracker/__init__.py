"""Roadmap Tracker: a Flask application to track a multi-year strategic plan."""

from __future__ import annotations

from collections.abc import Mapping
from importlib import import_module
from pathlib import Path
from typing import Any

from flask import Flask

import config as config_module
from tracker import access, assets, cache, errors, i18n, labels, requests, security, urls, widgets
from tracker import db as database
from tracker.api import auth as api_auth
from tracker.extensions import csrf, db, limiter, login_manager, migrate
from tracker.services.accounts.passwords import check_hashing_strength
from tracker.services.figures import rollup_writes

PACKAGE = Path(__file__).resolve().parent
# A checkout keeps templates/, static/, migrations/ and instance/ at its top, beside the package.
# An installed wheel carries the first three inside the package (setup.py); its instance folder
# is then Flask's default for an installed package, <prefix>/var/tracker-instance.
INSTALLED = (PACKAGE / "migrations" / "env.py").is_file()
ROOT = PACKAGE if INSTALLED else PACKAGE.parent


def create_app(config: Mapping[str, Any] | None = None, env: str | None = None) -> Flask:
    """Build the application: configuration, extensions, blueprints, handlers, commands."""
    app = Flask(
        __name__,
        instance_path=None if INSTALLED else str(ROOT / "instance"),
        instance_relative_config=True,
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
    )
    load_config(app, config, env)
    register_extensions(app)
    register_blueprints(app)
    register_hooks(app)
    register_commands(app)
    return app


def load_config(app: Flask, overrides: Mapping[str, Any] | None, env: str | None) -> None:
    """Class defaults, then instance/config.py, then TRACKER_* variables, then overrides."""
    name = env or config_module.config_name()
    if name not in config_module.CONFIGS:
        raise RuntimeError(f"TRACKER_ENV={name!r} is not one of {sorted(config_module.CONFIGS)}.")
    app.config.from_object(config_module.CONFIGS[name])
    app.config.from_pyfile("config.py", silent=True)
    app.config.from_prefixed_env("TRACKER")
    app.config.update(overrides or {})
    app.config["ENV_NAME"] = name
    url = app.config.get("DATABASE_URL")
    if not url:
        instance = Path(app.instance_path)
        instance.mkdir(parents=True, exist_ok=True)  # an installed app's is not there at first
        url = f"sqlite:///{instance / 'tracker.db'}"
    app.config["SQLALCHEMY_DATABASE_URI"] = url
    # Flask-Limiter's counters: Redis (or any `limits` storage URL) shared by every server.
    app.config["RATELIMIT_STORAGE_URI"] = app.config.get("RATELIMIT_STORAGE_URL") or "memory://"
    if name == "production":
        secret = app.config.get("SECRET_KEY")
        if not secret or secret == config_module.DEV_SECRET_KEY or len(str(secret)) < 32:
            raise RuntimeError(
                "Refusing to start: set TRACKER_SECRET_KEY to a random value of 32+ characters."
            )
        check_hashing_strength(app.config["ARGON2_TIME_COST"], app.config["ARGON2_MEMORY_COST"])


def register_extensions(app: Flask) -> None:
    """Bind the extensions and the database behaviour."""
    db.init_app(app)
    database.init_app(app)
    cache.init_app(app)
    rollup_writes.register_listeners()
    migrate.init_app(app, db, directory=str(ROOT / "migrations"), render_as_batch=True)
    csrf.init_app(app)
    limiter.init_app(app)
    login_manager.init_app(app)
    i18n.init_app(app)
    labels.init_app(app)
    assets.init_app(app)
    widgets.init_app(app)


# Each feature package declares `bp` in its __init__.py; these modules attach the views to it.
VIEW_MODULES = {
    "main": ("routes",),
    "auth": ("routes",),
    "plans": ("routes", "charts", "monitoring"),
    "planfiles": ("routes",),
    "admin": ("routes",),
    "audit": ("routes",),
    "operations": ("routes",),
    "updates": ("routes", "spreadsheet_routes"),
    "review": ("routes",),
    "reports": ("routes",),
    "tokens": ("routes",),
    "api": ("limits", "routes", "writes", "plan_routes", "replan"),
    "authoring": (
        "routes",
        "action_routes",
        "milestone_routes",
        "change_routes",
        "review_routes",
        "copy_routes",
    ),
}


def register_blueprints(app: Flask) -> None:
    """One blueprint per feature, with the views of its modules."""
    urls.init_app(app)  # the bounded `int` converter, before any rule is added
    for feature, modules in VIEW_MODULES.items():
        for module in modules:
            import_module(f"tracker.{feature}.{module}")
        app.register_blueprint(import_module(f"tracker.{feature}").bp)


def register_hooks(app: Flask) -> None:
    """Request hooks: transaction mode, access rules, security headers, error pages."""
    requests.init_app(app)
    api_auth.init_app(app)
    access.init_app(app)
    security.init_app(app)
    errors.init_app(app)


def register_commands(app: Flask) -> None:
    """The `flask --app tracker ...` command groups."""
    from tracker.cli import register

    register(app)
