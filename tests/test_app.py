"""The application factory and its configuration."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from flask import Flask

import config as config_module
from tracker import ROOT, create_app, load_config


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests here control every TRACKER_* variable themselves."""
    for name in list(os.environ):
        if name.startswith("TRACKER_"):
            monkeypatch.delenv(name)


def bare_app(instance: Path) -> Flask:
    """A Flask app with its own instance folder, to load configuration into."""
    return Flask("config_test", instance_path=str(instance), instance_relative_config=True)


def test_precedence_class_then_instance_then_environment_then_overrides(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "config.py").write_text(
        "LOGIN_MAX_FAILURES = 7\nFISCAL_YEAR_START_MONTH = 1\nLOGIN_LOCKOUT_MINUTES = 20\n"
    )
    monkeypatch.setenv("TRACKER_FISCAL_YEAR_START_MONTH", "7")
    monkeypatch.setenv("TRACKER_LOGIN_LOCKOUT_MINUTES", "30")
    app = bare_app(tmp_path)
    load_config(app, {"LOGIN_LOCKOUT_MINUTES": 45}, "development")
    assert app.config["SQLITE_BUSY_TIMEOUT_MS"] == 30_000  # class default, untouched
    assert app.config["LOGIN_MAX_FAILURES"] == 7  # instance/config.py beats the class
    assert app.config["FISCAL_YEAR_START_MONTH"] == 7  # TRACKER_* beats instance/config.py
    assert app.config["LOGIN_LOCKOUT_MINUTES"] == 45  # explicit overrides beat everything


def test_environment_variables_reach_the_factory(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TRACKER_LOGIN_MAX_FAILURES", "9")
    monkeypatch.setenv("TRACKER_SECRET_KEY", "from-the-environment")
    app = create_app(env="testing")
    assert app.config["LOGIN_MAX_FAILURES"] == 9  # parsed as JSON: an int
    assert app.config["SECRET_KEY"] == "from-the-environment"
    assert create_app({"LOGIN_MAX_FAILURES": 3}, env="testing").config["LOGIN_MAX_FAILURES"] == 3


def test_database_url_from_the_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    url = f"sqlite:///{tmp_path / 'elsewhere.db'}"
    monkeypatch.setenv("TRACKER_DATABASE_URL", url)
    assert create_app(env="testing").config["SQLALCHEMY_DATABASE_URI"] == url


def test_default_database_is_sqlite_in_the_instance_folder() -> None:
    app = create_app(env="testing")
    assert app.instance_path == str(ROOT / "instance")
    expected = f"sqlite:///{ROOT / 'instance' / 'tracker.db'}"
    assert app.config["SQLALCHEMY_DATABASE_URI"] == expected


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("development", config_module.DevelopmentConfig),
        ("testing", config_module.TestingConfig),
    ],
)
def test_tracker_env_selects_the_config_class(
    monkeypatch: pytest.MonkeyPatch, name: str, expected: type[config_module.Config]
) -> None:
    monkeypatch.setenv("TRACKER_ENV", name)
    app = create_app()
    assert app.config["ENV_NAME"] == name
    assert app.config["TESTING"] is bool(getattr(expected, "TESTING", False))


def test_development_is_the_default() -> None:
    assert create_app().config["ENV_NAME"] == "development"


def test_unknown_tracker_env_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TRACKER_ENV", "staging")
    with pytest.raises(RuntimeError, match="staging"):
        create_app()


def test_unknown_env_argument_is_refused() -> None:
    with pytest.raises(RuntimeError, match="bogus"):
        create_app(env="bogus")


def test_the_factory_does_no_io(tmp_path: Path) -> None:
    target = tmp_path / "data" / "tracker.db"
    target.parent.mkdir()
    app = create_app({"DATABASE_URL": f"sqlite:///{target}"}, env="testing")
    with app.app_context():
        pass
    assert list(target.parent.iterdir()) == []  # no database file, no WAL, no journal
    assert app.config["SQLALCHEMY_DATABASE_URI"].endswith("tracker.db")


def test_testing_config_keeps_csrf_on() -> None:
    app = create_app(env="testing")
    assert app.testing
    assert app.config.get("WTF_CSRF_ENABLED", True) is True


def test_the_factory_registers_every_feature() -> None:
    app = create_app(env="testing")
    assert {"main", "auth", "plans", "admin"} <= set(app.blueprints)
    assert {"db", "users"} <= set(app.cli.commands)
