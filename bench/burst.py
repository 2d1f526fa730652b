"""The quarter-end burst: department users saving and then submitting their update at once.

Each simulated user opens the update form, saves a draft, opens it again and submits it, all
through the real pages with their CSRF tokens. Afterwards the database must hold every intended
submission with the values that were sent: anything else is a lost update.
"""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from flask import Flask
from sqlalchemy import delete, select

from bench.client import Client, hidden_fields
from bench.content import PASSWORD, BurstSlot
from tracker.extensions import db
from tracker.fiscal import FiscalQuarter
from tracker.models import MilestoneForecast, ProgressUpdate, ReportingPeriod, Revision
from tracker.services.figures import rollups


@dataclass
class Burst:
    users: int
    requests: int
    errors: int
    lost: int
    latencies: list[float]
    elapsed: float
    problems: list[str]


def _form(page: str, slot: BurstSlot, n: int, quarter: FiscalQuarter, send: bool) -> dict[str, str]:
    """What the user types: distinct values per user so that a mix-up would show."""
    fields = hidden_fields(page)
    milestone_keys = [k for k in fields if k.endswith("-milestone_id")]
    form = {k: v for k, v in fields.items()}
    for key in milestone_keys:
        form[key.replace("milestone_id", "forecast_on")] = quarter.start_date(4).isoformat()
    form.update({
        "status": "on_track", "percent_complete": str(50 + n % 50),
        "forecast_completion": str(quarter), "accomplishments": _text(slot, n),
        "risks": "None this quarter.", "next_steps": "Carry on.",
        "decrease_reason": "Re-baselined after the annual review.",
    })  # fmt: skip
    form["send" if send else "save"] = "1"
    return form


def _text(slot: BurstSlot, n: int) -> str:
    return f"Burst {n}: {slot.email} on action {slot.action_id}."


def run_burst(port: int, slots: list[BurstSlot], quarter: FiscalQuarter) -> Burst:
    """Sign the users in (not timed), then send every save and submit at once."""
    clients = [Client(port) for _ in slots]
    with ThreadPoolExecutor(max_workers=4) as pool:
        list(pool.map(lambda p: p[0].login(p[1].email, PASSWORD), zip(clients, slots, strict=True)))
    latencies: list[float] = []
    problems: list[str] = []
    lock = threading.Lock()
    barrier = threading.Barrier(len(slots))

    def one(n: int) -> None:
        client, slot = clients[n], slots[n]
        path = f"/updates/{quarter}/actions/{slot.action_id}"
        barrier.wait()
        for send in (False, True):
            for method in ("GET", "POST"):
                started = time.perf_counter()
                try:
                    if method == "GET":
                        reply = client.get(path)
                        page, expected = reply.body, 200
                    else:
                        reply = client.post(path, _form(page, slot, n, quarter, send))
                        expected = 302
                except OSError as error:
                    with lock:
                        problems.append(f"{slot.email} {method}: {error}")
                    return
                took = time.perf_counter() - started
                with lock:
                    if reply.status == expected:
                        latencies.append(took)
                    else:
                        problems.append(f"{slot.email} {method} {path}: HTTP {reply.status}")
                if reply.status != expected:
                    return

    threads = [threading.Thread(target=one, args=(n,)) for n in range(len(slots))]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    for client in clients:
        client.close()
    return Burst(len(slots), 4 * len(slots), len(problems), -1, latencies, elapsed, problems)


def count_lost(app: Flask, slots: list[BurstSlot], quarter: FiscalQuarter) -> int:
    """Intended submissions missing from the database or stored with other values."""
    with app.app_context():
        period_id = db.session.scalar(
            select(ReportingPeriod.id).where(ReportingPeriod.quarter == quarter)
        )
        stored = {
            (u.action_id, u.department_id): u
            for u in db.session.scalars(
                select(ProgressUpdate).where(ProgressUpdate.period_id == period_id)
            )
        }
        lost = 0
        for n, slot in enumerate(slots):
            update = stored.get((slot.action_id, slot.department_id))
            if (
                update is None
                or update.state != "submitted"
                or update.percent_complete != 50 + n % 50
                or update.accomplishments != _text(slot, n)
                or update.version != 2
            ):
                lost += 1
        db.session.remove()
    return lost


def reset_burst(app: Flask, slots: list[BurstSlot], quarter: FiscalQuarter) -> None:
    """Remove what an earlier run's burst stored, so that every run starts from the generated
    data. Bench data only: Core deletes bypass the ORM's append-only guard on purpose."""
    pairs = {(s.action_id, s.department_id) for s in slots}
    with app.app_context():
        period_id = db.session.scalar(
            select(ReportingPeriod.id).where(ReportingPeriod.quarter == quarter)
        )
        rows = db.session.execute(
            select(ProgressUpdate.id, ProgressUpdate.action_id, ProgressUpdate.department_id)
            .where(ProgressUpdate.period_id == period_id)
        ).all()  # fmt: skip
        ids = [row.id for row in rows if (row.action_id, row.department_id) in pairs]
        if ids:
            db.session.execute(delete(Revision).where(Revision.update_id.in_(ids)))
            db.session.execute(
                delete(MilestoneForecast).where(MilestoneForecast.update_id.in_(ids))
            )
            db.session.execute(delete(ProgressUpdate).where(ProgressUpdate.id.in_(ids)))
            # Core deletes bypass the rollups' listener: recompute the actions it touched.
            touched = {row.action_id for row in rows if row.id in set(ids)}
            rollups.refresh(db.session(), touched, quarter)
            db.session.commit()
        db.session.remove()
