"""Typed SQLAlchemy models; importing this package registers every table."""

from tracker.models.audit import AuditEvent, JobRun
from tracker.models.base import Base
from tracker.models.changes import PlanChange
from tracker.models.data_version import DataVersion
from tracker.models.org import ApiToken, Department, IdempotencyKey, TokenScope, User
from tracker.models.plan import Action, Milestone, Plan, StrategicArea, action_participant
from tracker.models.progress import MilestoneForecast, ProgressUpdate, ReportingPeriod, Revision
from tracker.models.reminder import ReminderSent
from tracker.models.report import AnnualReport, ReportFile
from tracker.models.review import BaselineDue, BaselineTarget, BaselineVersion, PlanReview
from tracker.models.rollup import ActionFigure, ObligationFigure, ObligationTally
from tracker.vocab import (
    ActionStatus,
    ChangeKind,
    JobOutcome,
    PlanStatus,
    ReviewState,
    Role,
    WorkflowState,
)

__all__ = [
    "Action",
    "ActionFigure",
    "ActionStatus",
    "AnnualReport",
    "ApiToken",
    "AuditEvent",
    "Base",
    "BaselineDue",
    "BaselineTarget",
    "BaselineVersion",
    "ChangeKind",
    "DataVersion",
    "Department",
    "IdempotencyKey",
    "JobOutcome",
    "JobRun",
    "Milestone",
    "MilestoneForecast",
    "ObligationFigure",
    "ObligationTally",
    "Plan",
    "PlanChange",
    "PlanReview",
    "PlanStatus",
    "ProgressUpdate",
    "ReminderSent",
    "ReportFile",
    "ReportingPeriod",
    "Revision",
    "ReviewState",
    "Role",
    "StrategicArea",
    "TokenScope",
    "User",
    "WorkflowState",
    "action_participant",
]
