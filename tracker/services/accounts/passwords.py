"""Passwords: the argon2id hash, the rules a new password must pass, and the common-password list.

`common-passwords.txt` beside this module holds the 19,646 most common passwords of the leaked
password corpora as Django ships them (django/contrib/auth/common-passwords.txt.gz, BSD licence,
compiled by Royce Williams); no network is needed to check a password against it.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app
from flask_babel import gettext as _

MIN_PASSWORD_LENGTH = 12
MIN_DISTINCT_CHARACTERS = 5
COMMON_PASSWORDS = Path(__file__).with_name("common-passwords.txt")
# OWASP's minimum for argon2id (Password Storage Cheat Sheet): 19 MiB, two passes, one lane.
OWASP_MIN_MEMORY_KIB = 19 * 1024
OWASP_MIN_TIME_COST = 2
# Keyboard rows and counting: a password made of one run of these is no better than a word.
SEQUENCES = ("0123456789" * 2, "abcdefghijklmnopqrstuvwxyz", "qwertyuiop", "asdfghjkl", "zxcvbnm")
_EDGE_JUNK = re.compile(r"^[\d\W_]+|[\d\W_]+$")


class PasswordRejected(ValueError):
    """The new password breaks a rule; the message says which."""


def hasher() -> PasswordHasher:
    """An argon2id hasher with the configured parameters."""
    cfg = current_app.config
    return PasswordHasher(
        time_cost=cfg["ARGON2_TIME_COST"],
        memory_cost=cfg["ARGON2_MEMORY_COST"],
        parallelism=cfg["ARGON2_PARALLELISM"],
    )


def hash_password(password: str) -> str:
    """An argon2id hash of `password`."""
    return hasher().hash(password)


def verify_password(stored_hash: str, password: str) -> bool:
    """True when `password` matches `stored_hash`."""
    try:
        return hasher().verify(stored_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(stored_hash: str) -> bool:
    """True when `stored_hash` was made with weaker parameters than today's."""
    try:
        return hasher().check_needs_rehash(stored_hash)
    except InvalidHashError:
        return False


@cache
def _dummy_hash(time_cost: int, memory_cost: int, parallelism: int) -> str:
    return PasswordHasher(time_cost, memory_cost, parallelism=parallelism).hash("not a password")


def waste_a_check(password: str) -> None:
    """Verify `password` against a dummy hash: the same work as checking a real account."""
    cfg = current_app.config
    verify_password(
        _dummy_hash(cfg["ARGON2_TIME_COST"], cfg["ARGON2_MEMORY_COST"], cfg["ARGON2_PARALLELISM"]),
        password,
    )


def check_hashing_strength(time_cost: int, memory_cost: int) -> None:
    """Raise RuntimeError when the argon2 parameters are below OWASP's minimum."""
    if time_cost < OWASP_MIN_TIME_COST or memory_cost < OWASP_MIN_MEMORY_KIB:
        raise RuntimeError(
            "Refusing to start: ARGON2_TIME_COST must be at least "
            f"{OWASP_MIN_TIME_COST} and ARGON2_MEMORY_COST at least {OWASP_MIN_MEMORY_KIB} (KiB)."
        )


@cache
def common_passwords() -> frozenset[str]:
    """The shipped list of common and breached passwords, in lower case."""
    with COMMON_PASSWORDS.open(encoding="utf-8") as lines:
        return frozenset(line.strip().lower() for line in lines if line.strip())


def _fold(text: str) -> str:
    return unicodedata.normalize("NFKC", text).casefold()


def _is_guessable(password: str) -> bool:
    folded = _fold(password)
    if len(set(folded)) < MIN_DISTINCT_CHARACTERS:
        return True
    core = _EDGE_JUNK.sub("", folded)  # "password1234", "!!iloveyou!!" -> the word inside
    if not core or folded in common_passwords() or core in common_passwords():
        return True
    return any(core in run for run in SEQUENCES)


def _personal_words(email: str, name: str) -> set[str]:
    """The e-mail, its local part and the name, whole, squashed and word by word."""
    folded_email, folded_name = _fold(email), _fold(name)
    local = folded_email.split("@")[0]
    words = {folded_email, *re.split(r"[\W_]+", local), *re.split(r"[\W_]+", folded_name)}
    words |= {re.sub(r"[\W_]", "", local), re.sub(r"[\W_]", "", folded_name)}
    return {w for w in words if len(w) >= 4}


def check_password_rules(
    password: str, email: str = "", name: str = "", current_hash: str | None = None
) -> None:
    """Raise PasswordRejected unless `password` is long, uncommon, not the account's e-mail or
    name, and not the password it replaces (`current_hash`)."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise PasswordRejected(_("Use at least %(n)s characters.", n=MIN_PASSWORD_LENGTH))
    if _is_guessable(password):
        raise PasswordRejected(
            _("This password is too easy to guess: it is common or a simple pattern.")
        )
    squashed = re.sub(r"[\W_]", "", _fold(password))
    if any(word in _fold(password) or word in squashed for word in _personal_words(email, name)):
        raise PasswordRejected(_("The password must not contain your e-mail or name."))
    if current_hash is not None and verify_password(current_hash, password):
        raise PasswordRejected(_("Choose a password different from the current one."))
