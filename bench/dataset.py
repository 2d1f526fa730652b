"""The bench dataset on disk: build it once, reuse it while its marker matches.

python -m bench.dataset [--small] [--force]   # SQLite in bench/data/ unless TRACKER_DATABASE_URL
"""

from __future__ import annotations

import argparse
import json
import os
import time
from dataclasses import asdict, dataclass
from pathlib import Path

from sqlalchemy import Engine, func, select, text
from sqlalchemy.exc import SQLAlchemyError

from bench.generate import SMALL, Scale, generate
from tracker.models import ProgressUpdate

DATA = Path(__file__).resolve().parent / "data"


@dataclass(frozen=True)
class Marker:
    """What a generated database holds; written beside it so that a later run can reuse it."""

    url: str
    scale: dict[str, int]
    counts: dict[str, int]
    seconds: float
    today: str


def default_url() -> str:
    """TRACKER_DATABASE_URL, else a SQLite file in bench/data/."""
    return os.environ.get("TRACKER_DATABASE_URL") or f"sqlite:///{DATA / 'bench.db'}"


def marker_path(url: str) -> Path:
    """Where the marker of the dataset at `url` is kept."""
    name = Path(url.rsplit("/", 1)[-1].split("?")[0]).stem
    name = f"sqlite-{name}" if url.startswith("sqlite") else f"postgresql-{name}"
    return DATA / f"marker-{name}.json"


def load_marker(url: str, scale: Scale) -> Marker | None:
    """The marker of a complete dataset at `url` built at `scale`, or None."""
    path = marker_path(url)
    if not path.exists():
        return None
    marker = Marker(**json.loads(path.read_text()))
    return marker if marker.url == url and marker.scale == asdict(scale) else None


def build(url: str, scale: Scale, force: bool = False) -> Marker:
    """Reuse the dataset at `url` when its marker matches and its rows are all there, else
    recreate the schema with the migrations and generate it."""
    from tracker import create_app
    from tracker.extensions import db
    from tracker.services.figures import rollups

    app = create_app({"DATABASE_URL": url, "SQLALCHEMY_ENGINE_OPTIONS": {}})
    marker = None if force else load_marker(url, scale)
    with app.app_context():
        if marker is not None and _present(db.engine, marker):
            _upgrade_and_analyze()  # a dataset built before a later migration
            return marker
        started = time.perf_counter()
        _fresh_schema(url)
        counts = generate(db.engine, scale)
        # Core inserts bypass the listeners that keep the rollups: computed once, from history.
        counts["rollups"] = rollups.rebuild()
        db.session.remove()
        with db.engine.begin() as conn:
            conn.execute(text("ANALYZE"))  # the rollups' statistics too
    marker = Marker(
        url, asdict(scale), counts, round(time.perf_counter() - started, 1), scale.today.isoformat()
    )
    DATA.mkdir(exist_ok=True)
    marker_path(url).write_text(json.dumps(asdict(marker), indent=2))
    return marker


def _present(engine: Engine, marker: Marker) -> bool:
    try:
        with engine.connect() as conn:
            found = conn.scalar(select(func.count()).select_from(ProgressUpdate.__table__))
    except SQLAlchemyError:  # no table: not there
        return False
    # An interrupted bench may have left its burst's updates behind (the next run removes them).
    expected = marker.counts["updates"]
    return found is not None and expected <= found <= expected + marker.scale["burst_users"]


def _upgrade_and_analyze() -> None:
    """Bring a reused dataset to the latest migration; new indexes get planner statistics."""
    from flask_migrate import upgrade

    from tracker.extensions import db

    with db.engine.connect() as conn:
        before = conn.scalar(text("SELECT version_num FROM alembic_version"))
    upgrade()
    with db.engine.begin() as conn:
        if conn.scalar(text("SELECT version_num FROM alembic_version")) != before:
            conn.execute(text("ANALYZE"))


def _fresh_schema(url: str) -> None:
    """Drop what is there and run the migrations, so the bench measures the real schema."""
    from flask_migrate import upgrade

    from tracker.extensions import db

    if url.startswith("sqlite:///"):
        db.session.remove()
        db.engine.dispose()
        for suffix in ("", "-wal", "-shm"):
            Path(url.removeprefix("sqlite:///") + suffix).unlink(missing_ok=True)
    else:
        with db.engine.begin() as conn:
            conn.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
    upgrade()


def main() -> None:
    """Command line: build (or reuse) the dataset and print its marker."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--small", action="store_true", help="a tiny dataset, for trying out")
    parser.add_argument("--force", action="store_true", help="regenerate even if present")
    args = parser.parse_args()
    scale = SMALL if args.small else Scale()
    url = default_url()
    if url.startswith("sqlite:///"):
        DATA.mkdir(exist_ok=True)
    marker = build(url, scale, force=args.force)
    print(json.dumps(asdict(marker), indent=2))


if __name__ == "__main__":
    main()
