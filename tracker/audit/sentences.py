"""One sentence template per kind of audit event (and per variant: why a sign-in failed, which
way an action moved), translated. `presenters` fills the named places with what people know:
%(actor)s, %(user)s, %(plan)s, %(area)s, %(action)s, %(milestone)s, %(update)s (the quarter of
an update), %(period)s, %(report)s, %(department)s, and values the event recorded."""

from __future__ import annotations

from collections.abc import Mapping

from flask_babel import lazy_gettext as _l
from flask_babel.speaklater import LazyString

SENTENCES: Mapping[str, LazyString] = {
    # sign-in and accounts
    "login.succeeded": _l("%(actor)s signed in."),
    "login.failed": _l("Sign-in failed for %(actor)s."),
    "login.failed:unknown": _l("Sign-in failed for %(actor)s: no account has this address."),
    "login.failed:password": _l("Sign-in failed for %(actor)s: wrong password."),
    "login.failed:inactive": _l("Sign-in failed for %(actor)s: the account is deactivated."),
    "login.failed:delayed": _l(
        "Sign-in failed for %(actor)s: sign-in was paused after earlier failures."
    ),
    "logout": _l("%(actor)s signed out."),
    "account.locked": _l(
        "Sign-in for %(actor)s paused until %(until)s after %(failures)s failed attempts."
    ),
    "account.unlocked": _l("%(actor)s lifted the sign-in pause of %(user)s."),
    "password.changed": _l("%(actor)s changed their password."),
    "password.reset": _l("%(actor)s set a new password for %(user)s."),
    "user.created": _l("%(actor)s created the account of %(user)s (%(role)s)."),
    "user.updated": _l("%(actor)s changed the account of %(user)s."),
    "api_token.created": _l(
        "%(actor)s created the API token %(name)s (%(scope)s), valid until %(expires)s."
    ),
    "api_token.revoked": _l("%(actor)s revoked the API token %(name)s."),
    "access.denied": _l("%(actor)s was refused the page %(path)s."),
    "access.not_found": _l(
        "%(actor)s asked for %(path)s, which is outside their access or does not exist."
    ),
    # progress updates
    "update.saved": _l(
        "%(actor)s saved a draft of the update on %(action)s (%(plan)s) for %(update)s."
    ),
    "update.saved:via": _l(
        "%(actor)s saved a draft of the update on %(action)s (%(plan)s) for %(update)s (%(via)s)."
    ),
    "update.submitted": _l(
        "%(actor)s submitted the update on %(action)s (%(plan)s) for %(update)s."
    ),
    "update.submitted:via": _l(
        "%(actor)s submitted the update on %(action)s (%(plan)s) for %(update)s (%(via)s)."
    ),
    "update.accepted": _l("%(actor)s accepted the update on %(action)s (%(plan)s) for %(update)s."),
    "update.returned": _l("%(actor)s returned the update on %(action)s (%(plan)s) for %(update)s."),
    "updates.imported": _l("%(actor)s imported the file %(file)s for %(department)s, %(period)s."),
    "updates.imported:api": _l(
        "%(actor)s sent updates through the API for %(department)s, %(period)s."
    ),
    "updates.import_refused": _l(
        "The file %(file)s that %(actor)s sent for %(period)s was refused: %(reason)s"
    ),
    # plans
    "plan.created": _l("%(actor)s created the plan %(plan)s."),
    "plan.edited": _l("%(actor)s edited the plan %(plan)s."),
    "plan.active": _l("%(actor)s activated the plan %(plan)s."),
    "plan.archived": _l("%(actor)s archived the plan %(plan)s."),
    "plan.draft": _l("%(actor)s returned the plan %(plan)s to draft."),
    "plan.copied": _l("%(actor)s created the plan %(plan)s as a copy of %(source)s."),
    "plan.imported": _l("%(actor)s updated the plan %(plan)s from a plan file."),
    "plan.imported:created": _l("%(actor)s created the plan %(plan)s from a plan file."),
    "plan.review_opened": _l("%(actor)s opened the %(year)s yearly review of %(plan)s."),
    "plan.review_closed": _l("%(actor)s closed the %(year)s yearly review of %(plan)s."),
    "plan.review_closed:baseline": _l(
        "%(actor)s closed the %(year)s yearly review of %(plan)s: baseline version %(version)s."
    ),
    "area.added": _l("%(actor)s added the area %(area)s to %(plan)s."),
    "area.edited": _l("%(actor)s edited the area %(area)s of %(plan)s."),
    "area.moved:up": _l("%(actor)s moved the area %(area)s of %(plan)s up."),
    "area.moved:down": _l("%(actor)s moved the area %(area)s of %(plan)s down."),
    "area.deleted": _l("%(actor)s deleted the area %(area)s."),
    "action.added": _l("%(actor)s added the action %(action)s to %(plan)s."),
    "action.edited": _l("%(actor)s edited the action %(action)s of %(plan)s."),
    "action.moved:up": _l("%(actor)s moved the action %(action)s of %(plan)s up."),
    "action.moved:down": _l("%(actor)s moved the action %(action)s of %(plan)s down."),
    "action.retired": _l("%(actor)s retired the action %(action)s of %(plan)s: %(reason)s"),
    "action.deleted": _l("%(actor)s deleted the action %(action)s."),
    "action.target_moved": _l(
        "%(actor)s moved the target of %(action)s (%(plan)s) from %(from)s to %(to)s: %(reason)s"
    ),
    "action.rebaselined": _l(
        "%(actor)s re-baselined the target of %(action)s (%(plan)s)"
        " from %(from)s to %(to)s: %(reason)s"
    ),
    "milestone.added": _l("%(actor)s added the milestone %(milestone)s to %(action)s (%(plan)s)."),
    "milestone.edited": _l(
        "%(actor)s edited the milestone %(milestone)s of %(action)s (%(plan)s)."
    ),
    "milestone.moved:up": _l(
        "%(actor)s moved the milestone %(milestone)s of %(action)s (%(plan)s) up."
    ),
    "milestone.moved:down": _l(
        "%(actor)s moved the milestone %(milestone)s of %(action)s (%(plan)s) down."
    ),
    "milestone.retired": _l(
        "%(actor)s retired the milestone %(milestone)s of %(action)s (%(plan)s): %(reason)s"
    ),
    "milestone.deleted": _l("%(actor)s deleted the milestone %(milestone)s."),
    "milestone.due_moved": _l(
        "%(actor)s moved the due date of the milestone %(milestone)s of %(action)s (%(plan)s)"
        " from %(from)s to %(to)s: %(reason)s"
    ),
    "milestone.rebaselined": _l(
        "%(actor)s re-baselined the due date of the milestone %(milestone)s"
        " of %(action)s (%(plan)s) from %(from)s to %(to)s: %(reason)s"
    ),
    # reporting calendar, reports, system
    "period.dates_changed": _l("%(actor)s changed the dates of %(period)s."),
    "period.reopened": _l("%(actor)s reopened %(period)s until %(until)s."),
    "period.closed": _l("%(actor)s locked %(period)s again."),
    "report.generate": _l(
        "%(actor)s generated version %(version)s of the %(year)s yearly report of %(plan)s."
    ),
    "reminder.sent": _l(
        "%(actor)s reminded %(department)s of the updates it owes for %(period)s "
        "(%(recipients)s recipients)."
    ),
    "mail.logged": _l(
        "An e-mail to %(to)s was kept instead of sent (no mail server is set): %(subject)s"
    ),
    "demo.seeded": _l("%(actor)s loaded the demo data."),
}

# Any other kind, and any event whose sentence cannot be filled.
GENERIC = _l("%(actor)s: %(kind)s.")
GENERIC_WITH_OBJECT = _l("%(actor)s: %(kind)s, on %(object)s.")
