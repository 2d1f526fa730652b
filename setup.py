"""Wheel build step; the package's metadata is in pyproject.toml.

The client keeps `templates/`, `static/` and `migrations/` at the top of the repository, beside
the `tracker` package. A wheel carries them inside it (`tracker/templates`, ...), where
`tracker/__init__.py` looks first, and it carries the French catalogue compiled from its `.po`
(the `.mo` is not in Git), so that `pip install .` gives an application that runs anywhere.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

HERE = Path(__file__).resolve().parent
FOLDERS = ("templates", "static", "migrations")


class BuildPy(build_py):
    """The usual build, then the root-level folders and the compiled catalogues."""

    def run(self) -> None:
        super().run()
        if self.editable_mode:  # `pip install -e .` runs from the checkout, which has them
            return
        package = Path(self.build_lib) / "tracker"
        for name in FOLDERS:
            shutil.copytree(
                HERE / name,
                package / name,
                dirs_exist_ok=True,
                ignore=shutil.ignore_patterns("__pycache__", "*.pyc"),
            )
        compile_catalogues(package / "translations")


def compile_catalogues(translations: Path) -> None:
    """Each <lang>/LC_MESSAGES/*.po to its .mo, as `pybabel compile` does (fuzzy ones left out)."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    for po in sorted(translations.glob("*/LC_MESSAGES/*.po")):
        with po.open("rb") as source:
            catalog = read_po(source)
        with po.with_suffix(".mo").open("wb") as target:
            write_mo(target, catalog)


setup(cmdclass={"build_py": BuildPy})
