"""Plan documents as `plan export` writes them, and helpers to look at what an import stored."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import func, select

from tracker.extensions import db
from tracker.models import (
    Action,
    AuditEvent,
    Department,
    Milestone,
    MilestoneForecast,
    Plan,
    ProgressUpdate,
    ReportingPeriod,
    StrategicArea,
)
from tracker.services.plans.files import FORMAT

TABLES = (Plan, StrategicArea, Action, Milestone, Department, ReportingPeriod, AuditEvent)
LONG_EN = (
    "Move applications out of end-of-life hosting: first the non-sensitive systems, "
    'then "Protected B" workloads #2, with 50% of the effort in year one. '
    * 12
    + "\n\nA second paragraph, after a blank line.\n- not a list item\n  indented: not a key"
)
LONG_FR = (
    "Transférer les applications hébergées sur une infrastructure en fin de vie : d'abord "
    "les systèmes non sensibles, puis les charges « Protégé B » ; cœur, Œuvre, ÉTÉ, où, çà. "
    * 12
    + "\n\nUn deuxième paragraphe.\n\n    Avec un retrait."
)


def plan_document() -> dict[str, Any]:
    """A valid document, written exactly as export_plan writes it back."""

    def text(en: str, fr: str) -> dict[str, str]:
        return {"en": en, "fr": fr}

    def dept(acronym: str, en: str, fr: str) -> dict[str, Any]:
        return {"acronym": acronym, "name": text(en, fr)}

    return {
        "format": FORMAT,
        "plan": {
            "slug": "test-plan-2016",
            "title": text("Test IT Strategic Plan", "Plan stratégique de la TI d'essai"),
            "summary": text(LONG_EN, LONG_FR),
            "first_year": 2016,
            "last_year": 2019,
            "status": "archived",
            "owner": text("Treasury Board", "Conseil du Trésor"),
            "source_url": "https://www.canada.ca/en/treasury-board-secretariat/it-plan.html",
            "predecessor": None,
            "levels": {
                "area": text("Pillar", "Pilier"),
                "action": text("Priority", "Priorité"),
            },
        },
        "departments": [
            dept(
                "PSPC",
                "Public Services and Procurement Canada",
                "Services publics et Approvisionnement Canada",
            ),
            dept("SSC", "Shared Services Canada", "Services partagés Canada"),
            dept("TBS", "Treasury Board of Canada Secretariat", "Secrétariat du Conseil du Trésor"),
        ],
        "areas": [
            {
                "code": "SERVICE",
                "colour": "#1f6fb2",
                "name": text("Service IT", "TI au service"),
                "goal": text("Responsive services.", "Des services réactifs."),
                "actions": [
                    {
                        "code": "S1.1",
                        "title": text("Adopt cloud computing", "Adopter l'infonuagique"),
                        "description": text(LONG_EN, LONG_FR),
                        "illustrative": False,
                        "lead": "TBS",
                        "participants": ["PSPC", {"department": "SSC", "since": "2017-Q1"}],
                        "start": "2016-Q1",
                        "baseline_target": "2018-Q2",
                        "target": "2018-Q4",
                        "milestones": [
                            {
                                "code": "M1",
                                "title": text("Publish the strategy", "Publier la stratégie"),
                                "baseline_due": date(2017, 3, 31),
                                "current_due": None,
                                "completed": date(2017, 5, 12),
                                "retired": None,
                            },
                            {
                                "code": "M2",
                                "title": text("Open the broker", "Ouvrir le courtier"),
                                "baseline_due": date(2018, 6, 30),
                                "current_due": date(2018, 9, 30),
                                "completed": None,
                                "retired": None,
                            },
                        ],
                        "retired": None,
                    },
                    {
                        "code": "S1.2",
                        "title": text("Open data portal", "Portail des données ouvertes"),
                        "description": text("", ""),
                        "illustrative": True,
                        "lead": "SSC",
                        "participants": [],
                        "start": "2017-Q1",
                        "baseline_target": "2019-Q4",
                        "target": "2019-Q4",
                        "milestones": [],
                        "retired": None,
                    },
                ],
            },
            {
                "code": "SECURE",
                "colour": "#C62828",
                "name": text("Secure IT", "TI sécurisée"),
                "goal": text("", ""),
                "actions": [
                    {
                        "code": "C1.1",
                        "title": text("Secure the perimeter", "Sécuriser le périmètre"),
                        "description": text("Gateways.", "Passerelles."),
                        "illustrative": False,
                        "lead": "SSC",
                        "participants": ["TBS"],
                        "start": "2016-Q2",
                        "baseline_target": "2017-Q4",
                        "target": "2017-Q4",
                        "milestones": [],
                        "retired": None,
                    }
                ],
            },
        ],
    }


def row_counts() -> dict[str, int]:
    return {t.__name__: db.session.scalar(select(func.count()).select_from(t)) for t in TABLES}


def action_by_code(code: str) -> Action:
    return db.session.scalars(select(Action).where(Action.code == code)).one()


def add_update(action_code: str, milestone_code: str | None = None) -> None:
    """A progress update (with a milestone forecast) that must stay linked across imports."""
    action = action_by_code(action_code)
    period = db.session.scalars(select(ReportingPeriod).order_by(ReportingPeriod.quarter)).first()
    assert period is not None
    update = ProgressUpdate(
        action_id=action.id, department_id=action.lead_department_id, period_id=period.id
    )
    db.session.add(update)
    db.session.flush()
    if milestone_code is not None:
        milestone = next(m for m in action.milestones if m.code == milestone_code)
        db.session.add(MilestoneForecast(update_id=update.id, milestone_id=milestone.id))
    db.session.commit()
