"""The resident's health declaration (健康申报): fever, cough, other symptoms now;
travel to a risk area or contact with a case in the last 14 days.

Every self-scan carries one, made on the page the resident taps and stored on that
scan's own check-in row (the tap stays one INSERT). The one-tap page shows the last
one for the resident to keep or change; staff scans are judged on what still holds.
Symptoms hold for the local day they were declared on; risky travel and contact carry
the day they were first declared and lapse ``RISK_DAYS`` later.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from typing import Any

from django.db.models import F, Window
from django.db.models.functions import RowNumber
from django.utils import timezone

from .models import CheckIn, Pass

RISK_DAYS = 14
# How far back ``last_declaration`` looks before it reads every day kept.
RECENT = timedelta(days=2)
OTHER_UNSAID = "其他不适"  # 其他症状 ticked without saying which


def risk_holds(since: date | None, today: date) -> bool:
    """A risk first declared on ``since`` holds that day and the 13 after it."""
    return since is not None and since <= today < since + timedelta(days=RISK_DAYS)


@dataclass(frozen=True)
class Declaration:
    fever: bool = False
    cough: bool = False
    other_symptoms: str = ""
    travel_since: date | None = None
    contact_since: date | None = None
    made_on: date | None = None  # the local day it was made

    @classmethod
    def answered(cls, answers: Any, on: date) -> Declaration:
        """The declaration of a form's or a pass's answers (``fever``, ``cough``,
        ``other_symptoms``, ``risk_travel``, ``risk_contact``) made on ``on``."""
        return cls(
            fever=answers.fever,
            cough=answers.cough,
            other_symptoms=answers.other_symptoms,
            travel_since=on if answers.risk_travel else None,
            contact_since=on if answers.risk_contact else None,
            made_on=on,
        )

    @property
    def has_symptoms(self) -> bool:
        return self.fever or self.cough or bool(self.other_symptoms)

    @property
    def has_risk(self) -> bool:
        return self.travel_since is not None or self.contact_since is not None

    def risks_said(self) -> list[str]:
        return [
            text
            for since, text in (
                (self.travel_since, "14天内到过风险地区"),
                (self.contact_since, "接触过病例或疑似病例"),
            )
            if since is not None
        ]

    def without_lapsed_risks(self, today: date) -> Declaration:
        return replace(
            self,
            travel_since=self.travel_since if risk_holds(self.travel_since, today) else None,
            contact_since=self.contact_since if risk_holds(self.contact_since, today) else None,
        )

    def in_force(self, today: date) -> Declaration:
        """What still holds today when the resident is not asked (a staff scan): the
        risks within their 14 days, symptoms only if declared today."""
        held = self.without_lapsed_risks(today)
        if self.made_on == today:
            return held
        return replace(held, fever=False, cough=False, other_symptoms="")

    def store_on(self, row: CheckIn) -> None:
        row.fever, row.cough = self.fever, self.cough
        row.other_symptoms = self.other_symptoms
        row.travel_since, row.contact_since = self.travel_since, self.contact_since


def of_registration(pass_: Pass) -> Declaration:
    declared_at = pass_.declared_at
    if timezone.is_naive(declared_at):
        # The phone's pass comes from a hand-written join (actions.remembered_pass): on
        # SQLite its times arrive as stored, naive UTC.
        declared_at = declared_at.replace(tzinfo=UTC)
    return Declaration.answered(pass_, timezone.localdate(declared_at))


_ROW_FIELDS = ("fever", "cough", "other_symptoms", "travel_since", "contact_since", "at")


def _of_row(row: dict[str, Any]) -> Declaration:
    return Declaration(
        fever=bool(row["fever"]),
        cough=bool(row["cough"]),
        other_symptoms=row["other_symptoms"],
        travel_since=row["travel_since"],
        contact_since=row["contact_since"],
        made_on=timezone.localdate(row["at"]),
    )


def of_checkin(row: CheckIn) -> Declaration:
    """The declaration stored on a passage's row (none on a staff row: all False)."""
    return _of_row({name: getattr(row, name) for name in _ROW_FIELDS})


def last_declarations(passes: Iterable[Pass]) -> dict[int, Declaration]:
    """``last_declaration`` of each of these passes, by pass id, in at most two queries
    whatever their number (a page of the pass list): the latest self-scan of each pass,
    looked for in the last ``RECENT`` first and over every day kept only for the passes
    not found there."""
    passes = list(passes)
    found = _latest_self_scans([p.pk for p in passes], since=timezone.now() - RECENT)
    missing = [p.pk for p in passes if p.pk not in found]
    if missing:
        found |= _latest_self_scans(missing, since=None)
    return {p.pk: found[p.pk] if p.pk in found else of_registration(p) for p in passes}


def _latest_self_scans(pass_ids: list[int], since: datetime | None) -> dict[int, Declaration]:
    latest = Window(
        RowNumber(), partition_by=F("pass_used_id"), order_by=[F("at").desc(), F("id").desc()]
    )
    rows = CheckIn.objects.filter(
        pass_used_id__in=pass_ids, source=CheckIn.Source.SELF, fever__isnull=False
    )
    if since is not None:
        rows = rows.filter(at__gte=since)
    rows = rows.annotate(latest=latest).filter(latest=1).order_by()
    return {row["pass_used_id"]: _of_row(row) for row in rows.values("pass_used_id", *_ROW_FIELDS)}


def last_declaration(pass_: Pass) -> Declaration:
    """The last declaration made with this pass: its latest self-scan carrying one, else
    the registration's (a pass registered before declarations travelled with each scan,
    or whose scans are past retention). The last ``RECENT`` first: on PostgreSQL that
    reads the few newest day partitions, not every day kept (a pass scans most days)."""
    rows = (
        CheckIn.objects.filter(pass_used=pass_, source=CheckIn.Source.SELF, fever__isnull=False)
        .order_by("-at", "-id")
        .values(*_ROW_FIELDS)
    )
    row = rows.filter(at__gte=timezone.now() - RECENT).first() or rows.first()
    return _of_row(row) if row is not None else of_registration(pass_)
