"""Key persons' daily-report indicators: in observation at the cutoff, new, released,
and fevers (alerts of kind fever).

KeyPerson has no closing timestamp: a record closed (released, to hospital …) is
taken to have closed when it was last updated (``updated_at``).
"""

from __future__ import annotations

from collections.abc import Sequence

from django.db.models import Q

from shouwang.areas.models import Area
from shouwang.reports.days import Window
from shouwang.reports.indicators import FLOW, STOCK, Indicator, by_community

from .models import Alert, KeyPerson

Status = KeyPerson.Status


def in_observation(window: Window, communities: Sequence[Area]) -> dict[int, int]:
    if window.is_open:  # the day in progress: the current state
        return by_community(KeyPerson.objects.active(), communities)
    rows = KeyPerson.objects.filter(created_at__lt=window.end).filter(
        Q(status=Status.ACTIVE) | Q(updated_at__gte=window.end)
    )
    return by_community(rows, communities)


def new(window: Window, communities: Sequence[Area]) -> dict[int, int]:
    rows = KeyPerson.objects.filter(created_at__gte=window.start, created_at__lt=window.end)
    return by_community(rows, communities)


def released(window: Window, communities: Sequence[Area]) -> dict[int, int]:
    rows = KeyPerson.objects.filter(
        status=Status.RELEASED, updated_at__gte=window.start, updated_at__lt=window.end
    )
    return by_community(rows, communities)


def fevers(window: Window, communities: Sequence[Area]) -> dict[int, int]:
    rows = Alert.objects.filter(
        kind=Alert.Kind.FEVER, raised_at__gte=window.start, raised_at__lt=window.end
    )
    return by_community(rows, communities)


INDICATORS = [
    Indicator("key_in_observation", "在管重点人员", "人", STOCK, in_observation, order=10),
    Indicator("key_new", "新增重点人员", "人", FLOW, new, incident=True, order=11),
    Indicator("key_released", "解除观察", "人", FLOW, released, order=12),
    Indicator("fevers", "发现发热人员", "人", FLOW, fevers, incident=True, order=20),
]
