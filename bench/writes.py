"""Writes while planners read: a steady stream of department updates, and the cost of a save.

Both use (action, department) pairs of the open quarter that the generated data left empty and
that the burst does not use, so that they start from nothing and can be removed afterwards
(`reset_burst`). Every department writes as its first user, signed in once.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from flask import Flask
from sqlalchemy import select

from bench.burst import Tally, form, form_path, one_user
from bench.client import Client, Load
from bench.content import PASSWORD, BurstSlot
from tracker.extensions import db
from tracker.fiscal import FiscalQuarter
from tracker.models import ProgressUpdate, ReportingPeriod


def free_slots(app: Flask, quarter: FiscalQuarter, taken: set[tuple[int, int]], count: int,
               departments: int, actions: int) -> list[BurstSlot]:  # fmt: skip
    """`count` (action, department) pairs with no update in `quarter`, outside `taken`, taken
    round-robin over the departments so that consecutive writes come from different ones."""
    with app.app_context():
        period_id = db.session.scalar(
            select(ReportingPeriod.id).where(ReportingPeriod.quarter == quarter)
        )
        used = set(
            db.session.execute(
                select(ProgressUpdate.action_id, ProgressUpdate.department_id)
                .where(ProgressUpdate.period_id == period_id)
            ).tuples()
        )  # fmt: skip
        db.session.remove()
    used |= taken
    free = {
        department: [a for a in range(1, actions + 1) if (a, department) not in used]
        for department in range(1, departments + 1)
    }
    found: list[BurstSlot] = []
    while len(found) < count and any(free.values()):
        for department, left in free.items():
            if left and len(found) < count:
                found.append(BurstSlot(_email(department), department, left.pop(0)))
    return found


def _email(department: int) -> str:
    return f"d{department:03d}-1@bench.example"


def clients_by_department(port: int, slots: list[BurstSlot]) -> dict[int, Client]:
    """One signed-in client per department of `slots` (signing in is not timed)."""
    clients = {slot.department_id: Client(port) for slot in slots}
    with ThreadPoolExecutor(max_workers=4) as pool:
        list(pool.map(lambda d: clients[d].login(_email(d), PASSWORD), clients))
    return clients


class WriteStream:
    """Department updates (open, save a draft, open, submit) started `rate` times a second in
    the background, open loop, until stopped or out of slots."""

    def __init__(self, port: int, slots: list[BurstSlot], quarter: FiscalQuarter, rate: float):
        self.slots, self.quarter, self.rate = slots, quarter, rate
        self.clients = clients_by_department(port, slots)
        self.tally = Tally()
        self.started = 0
        self._stop = threading.Event()
        self._pool = ThreadPoolExecutor(max_workers=16)
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._began = 0.0
        self.elapsed = 0.0

    def __enter__(self) -> WriteStream:
        self._began = time.perf_counter()
        self._thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self._pool.shutdown(wait=True)
        self.elapsed = time.perf_counter() - self._began

    def _run(self) -> None:
        for n, slot in enumerate(self.slots):
            due = self._began + n / self.rate
            if self._stop.wait(max(0.0, due - time.perf_counter())):
                return
            self.started = n + 1
            client = self.clients[slot.department_id]
            self._pool.submit(one_user, client, slot, n, self.quarter, self.tally)

    @property
    def used(self) -> list[BurstSlot]:
        return self.slots[: self.started]


@dataclass
class Saves:
    form: Load
    save: Load


def measure_saves(port: int, slots: list[BurstSlot], quarter: FiscalQuarter,
                  seconds: float) -> Saves:  # fmt: skip
    """The update form page and a draft save, each loaded by one thread per slot: the form page
    is read again and again; the draft is saved again and again, each save at the version the
    previous one left (so no save is a conflict)."""
    clients = clients_by_department(port, slots)
    pages = {slot: clients[slot.department_id].get(form_path(quarter, slot)).body for slot in slots}
    form_load = _threads(slots, seconds, lambda slot, _i: _status(
        clients[slot.department_id].get(form_path(quarter, slot)).status, 200))  # fmt: skip

    def save(slot: BurstSlot, i: int) -> bool:
        values = form(pages[slot], slot, i, quarter, send=False)
        values["version"] = str(i)
        reply = clients[slot.department_id].post(form_path(quarter, slot), values,
                                                 keep_cookies=False)  # fmt: skip
        return _status(reply.status, 302)

    return Saves(form_load, _threads(slots, seconds, save))


def _status(got: int, expected: int) -> bool:
    return got == expected


Attempt = Callable[[BurstSlot, int], bool]


def _threads(slots: list[BurstSlot], seconds: float, call: Attempt) -> Load:
    """Each slot's thread repeats `call(slot, i)` (i = 0, 1, ...) for `seconds`, stopping at
    its first failure (a failed save would make every later version stale)."""
    lock = threading.Lock()
    latencies: list[float] = []
    errors = [0]
    deadline = time.perf_counter() + seconds

    def worker(slot: BurstSlot) -> None:
        i = 0
        while time.perf_counter() < deadline:
            began = time.perf_counter()
            try:
                ok = call(slot, i)
            except OSError:
                ok = False
            with lock:
                if ok:
                    latencies.append(time.perf_counter() - began)
                else:
                    errors[0] += 1
            if not ok:
                return
            i += 1

    threads = [threading.Thread(target=worker, args=(slot,)) for slot in slots]
    began = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return Load(latencies, errors[0], time.perf_counter() - began)
