"""Department users at quarter-end: the all-at-once burst and arrivals as they really come.

Each simulated user opens the update form, saves a draft, opens it again and submits it, all
through the real pages with their CSRF tokens. The burst starts every user in the same
millisecond (the length of the queue, kept as information); the arrival starts each user at a
random moment of a window, open loop (Poisson arrivals: the next user does not wait for the
previous one to finish). Afterwards the database must hold every intended submission with the
values that were sent: anything else is a lost update.
"""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import partial

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


@dataclass
class Tally:
    """Latencies of the answers that came as expected, and what went wrong, from many threads."""

    latencies: list[float] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def timed(self, label: str, call: Callable[[], tuple[int, str]], expected: int) -> str | None:
        """Run `call` (returning status and body), record it; the body, or None on failure."""
        started = time.perf_counter()
        try:
            status, body = call()
        except OSError as error:
            with self.lock:
                self.problems.append(f"{label}: {error}")
            return None
        took = time.perf_counter() - started
        with self.lock:
            if status == expected:
                self.latencies.append(took)
            else:
                self.problems.append(f"{label}: HTTP {status}")
        return body if status == expected else None


def form(page: str, slot: BurstSlot, n: int, quarter: FiscalQuarter, send: bool) -> dict[str, str]:
    """What the user types: distinct values per user so that a mix-up would show."""
    fields = hidden_fields(page)
    milestone_keys = [k for k in fields if k.endswith("-milestone_id")]
    values = dict(fields)
    for key in milestone_keys:
        values[key.replace("milestone_id", "forecast_on")] = quarter.start_date(4).isoformat()
    values.update({
        "status": "on_track", "percent_complete": str(50 + n % 50),
        "forecast_completion": str(quarter), "accomplishments": _text(slot, n),
        "risks": "None this quarter.", "next_steps": "Carry on.",
        "decrease_reason": "Re-baselined after the annual review.",
    })  # fmt: skip
    values["send" if send else "save"] = "1"
    return values


def _text(slot: BurstSlot, n: int) -> str:
    return f"Burst {n}: {slot.email} on action {slot.action_id}."


def form_path(quarter: FiscalQuarter, slot: BurstSlot) -> str:
    return f"/updates/{quarter}/actions/{slot.action_id}"


def one_user(client: Client, slot: BurstSlot, n: int, quarter: FiscalQuarter, tally: Tally) -> None:
    """Open the form, save a draft, open it again, submit; stop at the first failure."""
    path = form_path(quarter, slot)
    for send in (False, True):
        page = tally.timed(f"{slot.email} GET {path}", partial(_get, client, path), 200)
        if page is None:
            return
        values = form(page, slot, n, quarter, send)
        sent = tally.timed(f"{slot.email} POST {path}", partial(_post, client, path, values), 302)
        if sent is None:
            return


def _get(client: Client, path: str) -> tuple[int, str]:
    reply = client.get(path)
    return reply.status, reply.body


def _post(client: Client, path: str, values: dict[str, str]) -> tuple[int, str]:
    reply = client.post(path, values)
    return reply.status, reply.body


def signed_in(port: int, slots: list[BurstSlot]) -> list[Client]:
    """One signed-in client per slot (signing in is not timed)."""
    clients = [Client(port) for _ in slots]
    with ThreadPoolExecutor(max_workers=4) as pool:
        list(pool.map(lambda p: p[0].login(p[1].email, PASSWORD), zip(clients, slots, strict=True)))
    return clients


def _run(port: int, slots: list[BurstSlot], quarter: FiscalQuarter,
         start: Callable[[int, float], object]) -> Burst:  # fmt: skip
    """Every user in its own thread, each released by `start(n, origin)`: `origin` is a moment
    just after every thread has started, taken once the users are signed in (200 sign-ins hash
    200 passwords: on a slow machine they take longer than an arrival window)."""
    clients = signed_in(port, slots)
    tally = Tally()
    origin = time.perf_counter() + 1.0

    def user(n: int) -> None:
        start(n, origin)
        one_user(clients[n], slots[n], n, quarter, tally)

    threads = [threading.Thread(target=user, args=(n,)) for n in range(len(slots))]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    for client in clients:
        client.close()
    return Burst(len(slots), 4 * len(slots), len(tally.problems), -1, tally.latencies, elapsed,
                 tally.problems)  # fmt: skip


def run_burst(port: int, slots: list[BurstSlot], quarter: FiscalQuarter) -> Burst:
    """Sign the users in, then send every save and submit at once."""
    barrier = threading.Barrier(len(slots))
    return _run(port, slots, quarter, lambda _n, _origin: barrier.wait())


def run_arrival(port: int, slots: list[BurstSlot], quarter: FiscalQuarter,
                window: float, seed: int = 2016) -> Burst:  # fmt: skip
    """Users arriving at random over `window` seconds (a Poisson process of that mean rate,
    open loop), each doing the four steps as soon as it arrives."""
    rng = random.Random(seed)
    rate = len(slots) / window
    offsets, moment = [], 0.0
    for _ in slots:
        moment += rng.expovariate(rate)
        offsets.append(moment)

    def wait(n: int, origin: float) -> None:
        time.sleep(max(0.0, origin + offsets[n] - time.perf_counter()))

    return _run(port, slots, quarter, wait)


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
    """Remove what an earlier run stored for these slots, so that every run starts from the
    generated data. Bench data only: Core deletes bypass the ORM's append-only guard on purpose."""
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
            rollups.refresh_bypassed(db.session(), touched, quarter)
            db.session.commit()
        db.session.remove()
