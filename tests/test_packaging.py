"""The installable package (pyproject.toml, setup.py) and the hash-locked requirements (make lock).

The wheel is built once, offline, from a copy of the sources (setuptools writes build/ and an
.egg-info into the tree it builds), in a few seconds.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import zipfile
from email.parser import Parser
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
# What the build reads: the metadata, the build step, and what the wheel carries.
SOURCES = (
    "pyproject.toml",
    "setup.py",
    "MANIFEST.in",
    "README.md",
    "requirements.txt",
    "config.py",
)
PACKAGED_FOLDERS = ("tracker", "templates", "static", "migrations")
# At the top of a checkout; inside the tracker package once built.
ROOT_FOLDERS = ("templates", "static", "migrations")
IGNORED = shutil.ignore_patterns("__pycache__", "*.pyc", "*.mo", "*.tmp")

REQUIREMENT = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)(?:\[[^\]]*\])?==([^\s;\\]+)")


def normalized(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def pins(path: Path) -> dict[str, str]:
    """name -> version for each `name==version` line of a requirements or lock file."""
    found = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        match = REQUIREMENT.match(line)
        if match:
            found[normalized(match[1])] = match[2]
    return found


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> zipfile.ZipFile:
    pytest.importorskip("setuptools", minversion="70.1", reason="run `make setup` (dev lock)")
    pytest.importorskip("babel")
    source = tmp_path_factory.mktemp("source")
    for name in SOURCES:
        shutil.copy2(ROOT / name, source / name)
    for name in PACKAGED_FOLDERS:
        shutil.copytree(ROOT / name, source / name, ignore=IGNORED)
    out = tmp_path_factory.mktemp("wheel")
    command = [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-index"]
    command += ["--no-build-isolation", "--wheel-dir", str(out), str(source)]
    subprocess.run(command, check=True, timeout=300, capture_output=True)
    (built,) = out.glob("roadmap_tracker-*.whl")
    return zipfile.ZipFile(built)


def test_wheel_carries_the_root_folders_inside_the_package(wheel: zipfile.ZipFile) -> None:
    names = set(wheel.namelist())
    for folder in ROOT_FOLDERS:
        files = [
            path.relative_to(ROOT).as_posix()
            for path in (ROOT / folder).rglob("*")
            if path.is_file() and "__pycache__" not in path.parts
        ]
        assert files, folder
        missing = sorted(f for f in files if f"tracker/{f}" not in names)
        assert not missing, f"not in the wheel: {missing}"
    for expected in ("templates/base.html", "static/css/app.css", "migrations/env.py"):
        assert f"tracker/{expected}" in names


def test_wheel_carries_config_demo_plans_and_compiled_french(wheel: zipfile.ZipFile) -> None:
    names = set(wheel.namelist())
    assert "config.py" in names
    plans = sorted(p.name for p in (ROOT / "tracker" / "demo" / "plans").glob("*.yaml"))
    assert plans
    for plan in plans:
        assert f"tracker/demo/plans/{plan}" in names
    assert "tracker/demo/narratives.yaml" in names
    catalogue = "tracker/translations/fr/LC_MESSAGES/messages"
    assert {f"{catalogue}.po", f"{catalogue}.mo"} <= names
    assert wheel.getinfo(f"{catalogue}.mo").file_size > 1000
    assert not [n for n in names if n.startswith("tests/") or "__pycache__" in n]


def test_wheel_requires_the_pinned_runtime_dependencies(wheel: zipfile.ZipFile) -> None:
    (metadata,) = [n for n in wheel.namelist() if n.endswith(".dist-info/METADATA")]
    message = Parser().parsestr(wheel.read(metadata).decode())
    assert message["Name"] == "roadmap-tracker"
    assert message["Requires-Python"] == ">=3.11"
    required = {}
    for line in message.get_all("Requires-Dist") or []:
        match = REQUIREMENT.match(line)
        assert match, line
        required[normalized(match[1])] = match[2]
    assert required == pins(ROOT / "requirements.txt")


def test_locks_pin_the_direct_requirements_with_hashes() -> None:
    """Fails when requirements*.txt changed without `make lock`."""
    runtime, dev = ROOT / "requirements.lock", ROOT / "requirements-dev.lock"
    direct = pins(ROOT / "requirements.txt")
    direct_dev = {**direct, **pins(ROOT / "requirements-dev.txt")}
    for lock, wanted in ((runtime, direct), (dev, direct_dev)):
        locked = pins(lock)
        stale = {name: v for name, v in wanted.items() if locked.get(name) != v}
        assert not stale, f"{lock.name} is out of date for {stale}: run `make lock`"
        entries = re.split(r"\n(?=[A-Za-z0-9])", lock.read_text(encoding="utf-8"))
        unhashed = [e.split()[0] for e in entries if "==" in e and "--hash=sha256:" not in e]
        assert not unhashed, unhashed
    runtime_pins, dev_pins = pins(runtime), pins(dev)
    assert {name: dev_pins.get(name) for name in runtime_pins} == runtime_pins
