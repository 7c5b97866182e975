"""What each role's home page shows. Apps add their entry points through ``nav``."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q, Sum
from django.utils import timezone

from shouwang.accounts.models import AuditEvent, User
from shouwang.accounts.roles import Role
from shouwang.areas.models import Area, Grid, household_unit

from . import schedule, worker
from .todo import todo_for

FIGURES = [
    ("communities", "社区/村", Area.Kind.COMMUNITY),
    ("compounds", "小区", Area.Kind.COMPOUND),
    ("buildings", "楼栋", Area.Kind.BUILDING),
]


def _tree_figures(area: Area) -> list[tuple[str, int]]:
    """(label, count) of each kind below ``area``, then the expected households."""
    levels = list(Area.Kind)  # top down
    below = [f for f in FIGURES if levels.index(f[2]) > levels.index(area.kind)]
    counts = Area.objects.within(area).aggregate(
        **{key: Count("pk", filter=Q(kind=kind)) for key, _, kind in below},
        households=Sum("expected_households", filter=household_unit()),
    )
    return [(label, counts[key]) for key, label, _ in below] + [
        ("应有户数", counts["households"] or 0)
    ]


def _command(user: User) -> dict[str, Any]:
    users = User.objects.visible_to(user).active().count()
    return {"figures": [*_tree_figures(user.area), ("账号", users)]}


def _hq(user: User) -> dict[str, Any]:
    # Jobs run from cron record no run here: listed, they would all show as overdue.
    jobs = worker.job_status() if schedule.enabled() else []
    return {
        **_command(user),
        "worker": worker.status(),
        "jobs": jobs,
        "jobs_by_cron": not schedule.enabled(),
        "jobs_trouble": any(s.failed or s.late for s in jobs),
    }


def _community(user: User) -> dict[str, Any]:
    grids = (
        Grid.objects.visible_to(user)
        .select_related("community")
        .with_active_staff()
        .annotate(compound_count=Count("compounds"))
    )
    return {"figures": _tree_figures(user.area), "grids": grids}


def _grid_worker(user: User) -> dict[str, Any]:
    grids = Grid.objects.visible_to(user).filter(staff=user).prefetch_related("compounds")
    return {"my_grids": grids}


def _auditor(user: User) -> dict[str, Any]:
    events = AuditEvent.objects.visible_to(user)
    start = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
    today = events.filter(at__gte=start).aggregate(
        failed_logins=Count(
            "pk",
            filter=Q(action__in=[AuditEvent.Action.LOGIN_FAILED, AuditEvent.Action.LOCKED_OUT]),
        ),
        denied=Count("pk", filter=Q(action=AuditEvent.Action.DENIED)),
        exports=Count("pk", filter=Q(action=AuditEvent.Action.EXPORT)),
        reveals=Count("pk", filter=Q(action=AuditEvent.Action.REVEAL)),
    )
    return {"recent_events": list(events[:15]), "today": today}


PANELS = {
    Role.HQ_ADMIN: _hq,
    Role.LEADER: _command,
    Role.COMMUNITY_STAFF: _community,
    Role.GRID_WORKER: _grid_worker,
    Role.AUDITOR: _auditor,
}


def context_for(user: User) -> dict[str, Any]:
    """Today's work and the role's panel; nothing but the links for a user with no area."""
    if user.area is None:
        return {}
    panel = PANELS.get(user.role)
    return {"todo": todo_for(user), **(panel(user) if panel else {})}
