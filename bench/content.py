"""Deterministic text, the shared password of generated accounts, and the burst assignments."""

from __future__ import annotations

import random
from functools import cache
from typing import NamedTuple

from argon2 import PasswordHasher

PASSWORD = "bench-password-2016"

_WORDS = (
    "cloud migration of legacy workloads",
    "enterprise email consolidation",
    "network modernisation in regional offices",
    "identity and access management rollout",
    "data centre closure",
    "open data publication",
    "digital service standard assessments",
    "cyber security event management",
    "workplace Wi-Fi deployment",
    "application portfolio review",
    "procurement of shared collaboration tools",
    "records management in the new repository",
    "training of staff on secure practices",
    "vendor performance reviews",
    "privacy impact assessments",
    "accessibility testing of online services",
)
_VERBS = (
    "completed",
    "advanced",
    "started",
    "was delayed by procurement",
    "met its quarterly target",
    "needs more funding for",
    "was re-scoped after consultation on",
    "is waiting for approval of",
)


def narrative(rng: random.Random, sentences: int = 2) -> str:
    """A few plausible sentences about IT work, chosen by `rng`."""
    parts = []
    for _ in range(sentences):
        subject, verb, other = rng.choice(_WORDS), rng.choice(_VERBS), rng.choice(_WORDS)
        parts.append(f"The team {verb} {subject}; work on {other} continues.")
    return " ".join(parts)


@cache
def password_hash() -> str:
    """One argon2id hash of PASSWORD with the application's default cost, shared by every
    generated account (hashing 250 passwords one by one would take minutes)."""
    return PasswordHasher(time_cost=3, memory_cost=65536).hash(PASSWORD)


class BurstSlot(NamedTuple):
    """One simulated department user of the quarter-end burst and the update it will send."""

    email: str
    department_id: int
    action_id: int


def department_users(departments: int) -> list[tuple[str, int, int]]:
    """(email, department id, number within the department) of every generated department user:
    two per department, three in every third department."""
    return [
        (f"d{d:03d}-{k}@bench.example", d, k)
        for d in range(1, departments + 1)
        for k in range(1, 2 + (d % 3 == 0) + 1)
    ]


def burst_slots(departments: int, actions: int, users: int) -> list[BurstSlot]:
    """The first `users` department users, each with an action no colleague of theirs sends."""
    found = []
    for email, department, k in department_users(departments)[:users]:
        found.append(BurstSlot(email, department, (department + 37 * k) % actions + 1))
    return found
