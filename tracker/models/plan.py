"""The plan itself: plans, strategic areas, actions, milestones and assignments."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    CheckConstraint,
    Column,
    ColumnElement,
    ForeignKey,
    String,
    Table,
    Text,
    UniqueConstraint,
    and_,
)
from sqlalchemy.orm import Mapped, declared_attr, mapped_column, relationship

from tracker.fiscal import FiscalQuarter, Schedule
from tracker.models.base import Base, QuarterType, UTCDateTime, one_of, utcnow
from tracker.models.org import Bilingual, Department
from tracker.vocab import PlanStatus

action_participant = Table(
    "action_participant",
    Base.metadata,
    Column("action_id", ForeignKey("action.id", ondelete="CASCADE"), primary_key=True),
    Column("department_id", ForeignKey("department.id"), primary_key=True, index=True),
    # The first quarter the department owes updates for; NULL: from the action's start. A
    # participant added in the browser takes part from the next open reporting period.
    Column("since_quarter", QuarterType(), nullable=True),
)

# What a plan calls its two levels when the planner does not say (the GC IT Strategic Plan's).
DEFAULT_LEVEL_NAMES = {
    "area_label_en": "Strategic area",
    "area_label_fr": "Domaine stratégique",
    "action_label_en": "Action",
    "action_label_fr": "Mesure",
}


class Retirable:
    """Actions and milestones that have progress updates are retired (cancelled, with a
    reason, who and when), never deleted: their history stays readable."""

    retired_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    retirement_reason: Mapped[str] = mapped_column(Text, default="")

    @declared_attr
    def retired_by_id(cls) -> Mapped[int | None]:
        return mapped_column(ForeignKey("user_account.id"))

    @property
    def retired(self) -> bool:
        """True once retired."""
        return self.retired_at is not None


class Plan(Bilingual, Base):
    __tablename__ = "plan"
    __table_args__ = (
        one_of("status", PlanStatus, "status"),
        CheckConstraint("first_year <= last_year", name="years"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    title_en: Mapped[str] = mapped_column(String(300))
    title_fr: Mapped[str] = mapped_column(String(300))
    summary_en: Mapped[str] = mapped_column(Text, default="")
    summary_fr: Mapped[str] = mapped_column(Text, default="")
    first_year: Mapped[int]
    last_year: Mapped[int]
    status: Mapped[str] = mapped_column(String(20), default=PlanStatus.DRAFT.value)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    owner_en: Mapped[str] = mapped_column(String(300), default="")
    owner_fr: Mapped[str] = mapped_column(String(300), default="")
    source_url: Mapped[str] = mapped_column(String(500), default="")
    predecessor_id: Mapped[int | None] = mapped_column(
        ForeignKey("plan.id", ondelete="SET NULL"), index=True
    )
    area_label_en: Mapped[str] = mapped_column(
        String(60), default=DEFAULT_LEVEL_NAMES["area_label_en"]
    )
    area_label_fr: Mapped[str] = mapped_column(
        String(60), default=DEFAULT_LEVEL_NAMES["area_label_fr"]
    )
    action_label_en: Mapped[str] = mapped_column(
        String(60), default=DEFAULT_LEVEL_NAMES["action_label_en"]
    )
    action_label_fr: Mapped[str] = mapped_column(
        String(60), default=DEFAULT_LEVEL_NAMES["action_label_fr"]
    )
    version: Mapped[int] = mapped_column(default=1)

    areas: Mapped[list[StrategicArea]] = relationship(
        back_populates="plan", order_by="StrategicArea.position", cascade="all, delete-orphan"
    )
    predecessor: Mapped[Plan | None] = relationship(remote_side=[id])

    __mapper_args__ = {"version_id_col": version}

    def __repr__(self) -> str:
        return f"<Plan {self.slug}>"


class StrategicArea(Bilingual, Base):
    __tablename__ = "strategic_area"
    __table_args__ = (
        UniqueConstraint("plan_id", "code"),
        CheckConstraint("colour LIKE '#%' AND length(colour) = 7", name="colour"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plan.id", ondelete="CASCADE"))
    code: Mapped[str] = mapped_column(String(20))
    position: Mapped[int] = mapped_column(default=0)
    colour: Mapped[str] = mapped_column(String(7), default="#1f6fb2")
    name_en: Mapped[str] = mapped_column(String(200))
    name_fr: Mapped[str] = mapped_column(String(200))
    goal_en: Mapped[str] = mapped_column(Text, default="")
    goal_fr: Mapped[str] = mapped_column(Text, default="")
    version: Mapped[int] = mapped_column(default=1)

    plan: Mapped[Plan] = relationship(back_populates="areas")
    actions: Mapped[list[Action]] = relationship(
        back_populates="area", order_by="Action.position", cascade="all, delete-orphan"
    )

    __mapper_args__ = {"version_id_col": version}


class Action(Retirable, Bilingual, Base):
    __tablename__ = "action"
    __table_args__ = (
        UniqueConstraint("plan_id", "code"),
        CheckConstraint("start_quarter <= baseline_target", name="baseline_after_start"),
        CheckConstraint("start_quarter <= current_target", name="target_after_start"),
        CheckConstraint("retired_at IS NULL OR retirement_reason <> ''", name="retired_reason"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # plan_id is denormalised from the area so that the code is unique per plan.
    plan_id: Mapped[int] = mapped_column(ForeignKey("plan.id", ondelete="CASCADE"), index=True)
    area_id: Mapped[int] = mapped_column(
        ForeignKey("strategic_area.id", ondelete="CASCADE"), index=True
    )
    code: Mapped[str] = mapped_column(String(20))
    position: Mapped[int] = mapped_column(default=0)
    title_en: Mapped[str] = mapped_column(String(300))
    title_fr: Mapped[str] = mapped_column(String(300))
    description_en: Mapped[str] = mapped_column(Text, default="")
    description_fr: Mapped[str] = mapped_column(Text, default="")
    illustrative: Mapped[bool] = mapped_column(default=False)
    # A draft's action may lack its lead, start and targets; activation refuses while any does
    # (`services.plans.readiness`), so an active or archived plan's actions have them all.
    lead_department_id: Mapped[int | None] = mapped_column(ForeignKey("department.id"), index=True)
    start_quarter: Mapped[FiscalQuarter | None] = mapped_column(QuarterType())
    baseline_target: Mapped[FiscalQuarter | None] = mapped_column(QuarterType())
    current_target: Mapped[FiscalQuarter | None] = mapped_column(QuarterType())
    version: Mapped[int] = mapped_column(default=1)

    area: Mapped[StrategicArea] = relationship(back_populates="actions")
    lead_department: Mapped[Department | None] = relationship()
    participants: Mapped[list[Department]] = relationship(
        secondary=action_participant, order_by=Department.acronym
    )
    milestones: Mapped[list[Milestone]] = relationship(
        back_populates="action", order_by="Milestone.position", cascade="all, delete-orphan"
    )

    __mapper_args__ = {"version_id_col": version}

    @property
    def schedule(self) -> Schedule | None:
        """The action's start and targets; None while one is not set (only in a draft)."""
        return Schedule.of(self.start_quarter, self.baseline_target, self.current_target)

    @classmethod
    def is_scheduled(cls) -> ColumnElement[bool]:
        """SQL: the action has its start and both targets (every action of an active plan)."""
        return and_(
            cls.start_quarter.is_not(None),
            cls.baseline_target.is_not(None),
            cls.current_target.is_not(None),
        )

    @property
    def slippage(self) -> int:
        """Quarters between the current and the baseline target (positive = late; 0 while
        either is not set)."""
        schedule = self.schedule
        return schedule.slippage if schedule is not None else 0

    def __repr__(self) -> str:
        return f"<Action {self.code}>"


class Milestone(Retirable, Bilingual, Base):
    __tablename__ = "milestone"
    __table_args__ = (
        UniqueConstraint("action_id", "code"),
        CheckConstraint("retired_at IS NULL OR retirement_reason <> ''", name="retired_reason"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    action_id: Mapped[int] = mapped_column(ForeignKey("action.id", ondelete="CASCADE"), index=True)
    code: Mapped[str] = mapped_column(String(20))
    position: Mapped[int] = mapped_column(default=0)
    title_en: Mapped[str] = mapped_column(String(300))
    title_fr: Mapped[str] = mapped_column(String(300))
    baseline_due: Mapped[date]
    # The due date as re-planned (with a reason, in the plan's change log); NULL: not moved.
    current_due: Mapped[date | None]
    completed_on: Mapped[date | None]
    version: Mapped[int] = mapped_column(default=1)

    action: Mapped[Action] = relationship(back_populates="milestones")

    __mapper_args__ = {"version_id_col": version}

    @property
    def due_on(self) -> date:
        """The current due date: as re-planned, else the baseline."""
        return self.current_due or self.baseline_due
