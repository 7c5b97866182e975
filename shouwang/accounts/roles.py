"""Roles and what each may do.

A capability is a dotted string; views ask ``user.can("people.reveal")``. Reading is
scoped by area for everyone; capabilities say which pages, writes and sensitive reads
a role has. Each app's AppConfig declares its own as ``capabilities = {role: {...}}``.
"""

from __future__ import annotations

from functools import cache

from django.apps import apps
from django.db import models


class Role(models.TextChoices):
    HQ_ADMIN = "hq_admin", "指挥部管理员"
    COMMUNITY_STAFF = "community_staff", "社区工作人员"
    GRID_WORKER = "grid_worker", "网格员"
    CHECKPOINT_STAFF = "checkpoint_staff", "卡点值守"
    LEADER = "leader", "领导"
    AUDITOR = "auditor", "审计员"


# Who may answer for a grid (网格): its first active one takes the key persons registered
# in it (watch), whose follow-ups a read-only role or a checkpoint volunteer cannot do.
GRID_STAFF_ROLES = (Role.GRID_WORKER, Role.COMMUNITY_STAFF)


@cache
def capabilities() -> dict[str, frozenset[str]]:
    merged: dict[str, set[str]] = {role: set() for role in Role.values}
    for config in apps.get_app_configs():
        for role, caps in getattr(config, "capabilities", {}).items():
            merged[role].update(caps)
    return {role: frozenset(caps) for role, caps in merged.items()}


def role_can(role: str, capability: str) -> bool:
    return capability in capabilities().get(role, frozenset())
