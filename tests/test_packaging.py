"""The installable package (pyproject.toml, setup.py) and the hash-locked requirements (make lock).

The wheel is built once, offline, from a copy of the sources (setuptools writes build/ and an
.egg-info into the tree it builds), in a few seconds; one test, so that parallel workers don't
each build it.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import zipfile
from email.message import Message
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


def build_wheel(tmp_path: Path) -> Path:
    """The wheel that `pip install .` builds, from a copy of the sources, offline."""
    source = tmp_path / "source"
    source.mkdir()
    for name in SOURCES:
        shutil.copy2(ROOT / name, source / name)
    for name in PACKAGED_FOLDERS:
        shutil.copytree(ROOT / name, source / name, ignore=IGNORED)
    out = tmp_path / "wheel"
    command = [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-index"]
    command += ["--no-build-isolation", "--wheel-dir", str(out), str(source)]
    done = subprocess.run(command, timeout=300, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    (built,) = out.glob("roadmap_tracker-*.whl")
    return built


def test_the_wheel_carries_the_whole_app(tmp_path: Path) -> None:
    """One build (a few seconds), then what `pip install .` would put in site-packages."""
    pytest.importorskip("setuptools", minversion="70.1", reason="run `make setup` (dev lock)")
    with zipfile.ZipFile(build_wheel(tmp_path)) as wheel:
        names = set(wheel.namelist())
        metadata = next(n for n in names if n.endswith(".dist-info/METADATA"))
        message = Parser().parsestr(wheel.read(metadata).decode())
        mo_size = wheel.getinfo("tracker/translations/fr/LC_MESSAGES/messages.mo").file_size
    check_root_folders(names)
    check_package_data(names)
    check_config_demo_and_french(names, mo_size)
    check_metadata(message)


def check_root_folders(names: set[str]) -> None:
    """templates/, static/ and migrations/, whole, inside the tracker package."""
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


def check_package_data(names: set[str]) -> None:
    """Every data file inside tracker/ (a password list, YAML, a catalogue) is in the wheel."""
    data = [
        path.relative_to(ROOT).as_posix()
        for path in (ROOT / "tracker").rglob("*")
        if path.is_file()
        and path.suffix not in {".py", ".pyc", ".pot"}
        and "__pycache__" not in path.parts
    ]
    missing = sorted(f for f in data if f not in names)
    assert not missing, f"not in the wheel: {missing}"


def check_config_demo_and_french(names: set[str], mo_size: int) -> None:
    assert "config.py" in names
    plans = sorted(p.name for p in (ROOT / "tracker" / "demo" / "plans").glob("*.yaml"))
    assert plans
    for plan in plans:
        assert f"tracker/demo/plans/{plan}" in names
    assert "tracker/demo/narratives.yaml" in names
    assert "tracker/translations/fr/LC_MESSAGES/messages.po" in names
    assert mo_size > 1000  # compiled by setup.py: the copy built from has no .mo
    assert not [n for n in names if n.startswith("tests/") or "__pycache__" in n]


def check_metadata(message: Message) -> None:
    """Installable on Python 3.11+, requiring exactly the pins of requirements.txt."""
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
