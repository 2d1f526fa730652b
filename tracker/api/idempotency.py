"""`Idempotency-Key` on POST: a retried request gets the first answer and changes nothing.

The successful answer to a POST sent with the header is stored per token, with a hash of the
request, for IDEMPOTENCY_KEY_HOURS (24 by default). The same key again with the same request
replays that answer (with `Idempotent-Replayed: true`); with a different request it is refused
(422). Failed requests are not stored: they changed nothing, so retrying them is safe.

The answer is stored after the service has committed its change. Should the process die in
between, a retry does the work again, and the services' own checks make that harmless: the
update's version has moved, and a request that repeats what is stored is "already done".
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import timedelta

from flask import current_app, request
from flask_babel import gettext as _
from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from werkzeug.wrappers import Response

from tracker.api.auth import current_token
from tracker.api.problems import FieldError, problem
from tracker.extensions import db
from tracker.models import IdempotencyKey
from tracker.services.calendar import clock

HEADER = "Idempotency-Key"
MAX_KEY_LENGTH = 255
DEFAULT_HOURS = 24


def _valid(key: str) -> bool:
    return 0 < len(key) <= MAX_KEY_LENGTH and key.isascii() and key.isprintable()


def _fingerprint() -> str:
    digest = hashlib.sha256(f"{request.method} {request.path}\n".encode())
    digest.update(request.get_data())
    return digest.hexdigest()


def answer(run: Callable[[], Response]) -> Response:
    """`run()`'s response, or the stored answer to an earlier request with the same key."""
    key = request.headers.get(HEADER)
    token = current_token()
    if key is None or token is None:
        return run()
    if not _valid(key):
        message = _("Use 1 to %(n)s visible ASCII characters.", n=MAX_KEY_LENGTH)
        return problem(400, None, [FieldError(HEADER, message)])
    now = clock.now()
    stored = db.session.scalar(
        select(IdempotencyKey).where(
            IdempotencyKey.token_id == token.id,
            IdempotencyKey.key == key,
            IdempotencyKey.expires_at > now,
        )
    )
    fingerprint = _fingerprint()
    if stored is not None:
        if stored.request_hash != fingerprint:
            message = _("This key was already used for a different request.")
            return problem(422, None, [FieldError(HEADER, message)])
        return _replay(stored)
    response = run()
    if 200 <= response.status_code < 300:
        _store(token.id, key, fingerprint, response)
    return response


def _replay(stored: IdempotencyKey) -> Response:
    response = current_app.response_class(
        stored.body, status=stored.status, mimetype="application/json"
    )
    response.headers["Idempotent-Replayed"] = "true"
    return response


def _store(token_id: int, key: str, fingerprint: str, response: Response) -> None:
    now = clock.now()
    hours = int(current_app.config.get("IDEMPOTENCY_KEY_HOURS", DEFAULT_HOURS))
    db.session.execute(
        delete(IdempotencyKey).where(
            IdempotencyKey.token_id == token_id, IdempotencyKey.expires_at <= now
        )
    )
    db.session.add(
        IdempotencyKey(
            token_id=token_id,
            key=key,
            method=request.method,
            path=request.path[:500],
            request_hash=fingerprint,
            status=response.status_code,
            body=response.get_data(as_text=True),
            created_at=now,
            expires_at=now + timedelta(hours=hours),
        )
    )
    try:
        db.session.commit()
    except IntegrityError:
        # A concurrent request with the same key stored its answer first: either will do.
        db.session.rollback()
