"""Key persons' daily-report indicators: in observation at the cutoff, new, released,
and fevers (alerts of kind fever). Windows use the records' ``created_at`` and
``ended_at`` through KeyPersonQuerySet."""

from __future__ import annotations

from collections.abc import Sequence

from shouwang.areas.models import Area
from shouwang.reports.days import Window
from shouwang.reports.indicators import FLOW, STOCK, Indicator, by_community

from .models import Alert, KeyPerson


def in_observation(window: Window, communities: Sequence[Area]) -> dict[int, int]:
    if window.is_open:  # the day in progress: the current state
        return by_community(KeyPerson.objects.active(), communities)
    return by_community(KeyPerson.objects.in_observation_at(window.end), communities)


def new(window: Window, communities: Sequence[Area]) -> dict[int, int]:
    return by_community(KeyPerson.objects.new_between(window.start, window.end), communities)


def released(window: Window, communities: Sequence[Area]) -> dict[int, int]:
    rows = KeyPerson.objects.released_between(window.start, window.end)
    return by_community(rows, communities)


def fevers(window: Window, communities: Sequence[Area]) -> dict[int, int]:
    return by_community(Alert.objects.fevers().between(window.start, window.end), communities)


INDICATORS = [
    Indicator("key_in_observation", "在管重点人员", "人", STOCK, in_observation, order=10),
    Indicator("key_new", "新增重点人员", "人", FLOW, new, incident=True, order=11),
    Indicator("key_released", "解除观察", "人", FLOW, released, order=12),
    Indicator("fevers", "发现发热人员", "人", FLOW, fevers, incident=True, order=20),
]
