"""Every integer a form takes has a maximum the form states itself.

Django checks a column's integer range only on PostgreSQL (int4: 2,147,483,647; int2:
32,767); SQLite holds 64 bits, so without a form-level maximum the embedded database
stored 99,999,999,999 employees where the production one refused them. Each form now
refuses the same input on both, with the field's message in Chinese, and saves its
largest value on both.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django import forms
from django.db.backends.base.operations import BaseDatabaseOperations
from django.urls import reverse

import shouwang
from shouwang.areas.models import Area
from shouwang.areas.tests.factories import child
from shouwang.checkpoints.models import PassRule
from shouwang.core.tests.personas import World
from shouwang.people.models import Tag
from shouwang.reports.models import IndicatorDefinition
from shouwang.supplies.models import Item, Location, Purpose, Recipient
from shouwang.watch.models import Category

PG_INT_MAX = BaseDatabaseOperations.integer_field_ranges["IntegerField"][1]


@dataclass
class Case:
    route: str
    field: str
    maximum: int
    data: Callable[[World], dict[str, Any]]
    stored: Callable[[World], Any]  # the field's value in the database, None if no row
    args: Callable[[World], list[int]] = lambda world: []
    message: str = ""

    def __str__(self) -> str:
        return f"{self.route}.{self.field}"


CASES = [
    Case(
        "supplies:recipient_create",
        "employees",
        100_000,
        lambda w: {"name": "宇通客车", "area": w.community_a.pk, "active": "on"},
        lambda w: Recipient.objects.filter(name="宇通客车").values_list("employees").first(),
    ),
    *(
        Case(
            "supplies:item_create",
            field,
            maximum,
            lambda w, other=other: {
                "name": "丁腈手套",
                "category": "protection",
                "unit": "副",
                **other,
            },
            lambda w, field=field: Item.objects.filter(name="丁腈手套").values_list(field).first(),
        )
        for field, maximum, other in (
            ("alert_days", 365, {"order": 0}),
            ("order", 9999, {"alert_days": 5}),
        )
    ),
    Case(
        "supplies:location_create",
        "staff_count",
        100_000,
        lambda w: {"kind": "community", "name": "西城库房", "area": w.community_a.pk},
        lambda w: Location.objects.filter(name="西城库房").values_list("staff_count").first(),
    ),
    Case(
        "supplies:purposes",
        "order",
        9999,
        lambda w: {"name": "防疫宣传"},
        lambda w: Purpose.objects.filter(name="防疫宣传").values_list("order").first(),
    ),
    Case(
        "areas:node_edit",
        "expected_households",
        10_000_000,
        lambda w: {"name": "9号楼", "code": ""},
        lambda w: (
            Area.objects.filter(
                parent=w.compound_a, name="9号楼", expected_households__isnull=False
            )
            .values_list("expected_households")
            .first()
        ),
        # A building without a figure: coverage counts 应有户数 on buildings.
        args=lambda w: [child(w.compound_a, "9号楼").pk],
    ),
    Case(
        "checkpoints:rule_edit",
        "outing_quota",
        99,
        lambda w: {"visitors": "registered"},
        lambda w: PassRule.objects.filter(area=w.community_a).values_list("outing_quota").first(),
        args=lambda w: [w.community_a.pk],
    ),
    Case(
        "people:tags",
        "order",
        9999,
        lambda w: {"name": "外卖骑手"},
        lambda w: Tag.objects.filter(name="外卖骑手").values_list("order").first(),
    ),
    Case(
        "reports:indicator_new",
        "order",
        9999,
        lambda w: {"code": "masks_given", "label": "发放口罩", "unit": "个", "kind": "flow"},
        lambda w: (
            IndicatorDefinition.objects.filter(code="masks_given").values_list("order").first()
        ),
    ),
    Case(
        "watch:category_create",
        "order",
        9999,
        lambda w: {"name": "外省返回", "default_days": 14, "active": "on"},
        lambda w: Category.objects.filter(name="外省返回").values_list("order").first(),
    ),
    Case(
        "watch:category_create",
        "default_days",
        60,
        lambda w: {"name": "外省返回", "order": 0, "active": "on"},
        lambda w: Category.objects.filter(name="外省返回").values_list("default_days").first(),
        message="默认观察天数应在1到60天之间",
    ),
]


def _post(world: World, case: Case, value: int):
    url = reverse(case.route, args=case.args(world))
    return world.client("hq").post(url, {**case.data(world), case.field: str(value)})


@pytest.mark.parametrize("case", CASES, ids=str)
@pytest.mark.parametrize("beyond", ["next", PG_INT_MAX + 1, 99_999_999_999])
def test_it_refuses_a_number_beyond_the_maximum_on_any_database(
    world: World, case: Case, beyond: str | int
) -> None:
    response = _post(world, case, case.maximum + 1 if beyond == "next" else int(beyond))
    assert response.status_code == 400
    message = case.message or f"不能大于 {case.maximum}"
    assert message in response.content.decode()
    assert case.stored(world) is None


@pytest.mark.parametrize("case", CASES, ids=str)
def test_it_saves_the_maximum_on_any_database(world: World, case: Case) -> None:
    response = _post(world, case, case.maximum)
    assert response.status_code == 302, response.content.decode()[:3000]
    assert case.stored(world) == (case.maximum,)


def _form_classes() -> list[type[forms.BaseForm]]:
    found = []
    for module in pkgutil.iter_modules(shouwang.__path__):
        try:
            forms_module = importlib.import_module(f"shouwang.{module.name}.forms")
        except ModuleNotFoundError:
            continue
        found += [
            cls
            for _, cls in inspect.getmembers(forms_module, inspect.isclass)
            if issubclass(cls, forms.BaseForm) and cls.__module__ == forms_module.__name__
        ]
    return found


def test_every_integer_field_of_every_form_has_a_maximum_postgresql_holds() -> None:
    ranges = BaseDatabaseOperations.integer_field_ranges
    unbounded = []
    for cls in _form_classes():
        model = getattr(getattr(cls, "_meta", None), "model", None)
        for name, field in cls.base_fields.items():
            if not isinstance(field, forms.IntegerField) or isinstance(field, forms.DecimalField):
                continue
            column = PG_INT_MAX
            if model is not None and name in {f.name for f in model._meta.fields}:
                column = ranges[model._meta.get_field(name).get_internal_type()][1]
            if field.max_value is None or field.max_value > column:
                unbounded.append(f"{cls.__module__}.{cls.__name__}.{name}: {field.max_value}")
    assert not unbounded, "\n".join(unbounded)
