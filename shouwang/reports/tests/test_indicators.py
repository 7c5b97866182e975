from datetime import date, timedelta

import pytest
from django.db.models import Count

from shouwang.areas.tests.factories import child
from shouwang.reports import catalog
from shouwang.reports.days import window
from shouwang.reports.indicators import (
    FLOW,
    Indicator,
    by_community,
    by_community_and_hour,
    by_community_grouped,
    extra_indicators,
    registry,
    shared_reads,
)
from shouwang.reports.models import IndicatorDefinition
from shouwang.reports.rollup import auto_values
from shouwang.watch.models import Alert, KeyPerson

from . import data

DAY = date(2020, 2, 13)
CUTOFF = window(DAY).end  # 13 Feb 15:00 Asia/Shanghai
SECOND = timedelta(seconds=1)


def test_it_discovers_the_installed_apps_indicators():
    codes = set(registry())
    assert {"households_registered", "household_coverage", "key_in_observation"} <= codes
    assert {"fevers", "suspected_new"} <= codes
    assert {"persons_checked", "masks_on_hand"} <= codes


@pytest.mark.django_db
def test_a_figure_one_second_before_and_after_the_cutoff_lands_in_different_days(world):
    data.fever(world.building_a, at=CUTOFF - SECOND)
    data.fever(world.building_a, at=CUTOFF + SECOND)
    data.fever(world.building_a, at=CUTOFF)  # exactly at the cutoff: the next day
    assert auto_values(world.community_a, DAY)["fevers"] == 1
    assert auto_values(world.community_a, DAY + timedelta(days=1))["fevers"] == 2


@pytest.mark.django_db
def test_it_counts_key_persons_at_the_cutoff(world):
    data.key_person(world.building_a, at=CUTOFF - timedelta(days=3))
    data.key_person(world.building_a, at=CUTOFF - SECOND)
    data.key_person(world.building_a, at=CUTOFF + SECOND)
    released = data.key_person(
        world.building_a2, at=CUTOFF - timedelta(days=5), status=KeyPerson.Status.RELEASED
    )
    KeyPerson.objects.filter(pk=released.pk).update(ended_at=CUTOFF - timedelta(hours=2))
    values = auto_values(world.community_a, DAY)
    assert values["key_in_observation"] == 2
    assert values["key_new"] == 1
    assert values["key_released"] == 1
    assert auto_values(world.community_b, DAY)["key_in_observation"] == 0


@pytest.mark.django_db
def test_it_counts_the_ledger_and_its_coverage(world):
    data.household(world.building_a, persons=3, at=CUTOFF - timedelta(days=1))
    data.household(world.building_a2, persons=2, at=CUTOFF - timedelta(days=1))
    data.household(world.building_a2, persons=2, at=CUTOFF + SECOND)
    values = auto_values(world.community_a, DAY)
    assert values["households_registered"] == 2
    assert values["persons_registered"] == 5
    assert values["households_expected"] == 8


@pytest.mark.django_db
def test_it_counts_every_community_in_a_fixed_number_of_queries(world, django_assert_num_queries):
    more = [child(world.subdistrict, f"新社区{n}") for n in range(5)]
    for community in [world.community_a, world.community_b, *more]:
        data.fever(community, at=CUTOFF - SECOND)
    data.fever(world.building_a2, at=CUTOFF - SECOND)
    communities = [world.community_a, world.community_b, *more]
    rows = Alert.objects.filter(raised_at__lt=CUTOFF)
    with django_assert_num_queries(2):  # the areas under the communities, the counts
        counted = by_community(rows, communities)
    assert counted == {c.pk: 2 if c == world.community_a else 1 for c in communities}
    with shared_reads(), django_assert_num_queries(3):
        by_community(rows, communities)
        by_community(rows, communities)  # the same read: shared
        by_community(rows.filter(kind="fever"), communities)  # another read: one query
    assert by_community(rows, [world.community_b]) == {world.community_b.pk: 1}


@pytest.mark.django_db
def test_a_retired_or_uninstalled_indicator_is_not_offered(world):
    rows = catalog.all_definitions()
    fevers = next(r for r in rows if r.code == "fevers")
    fevers.active = False
    fevers.save()
    IndicatorDefinition.objects.create(code="gone_module", label="旧模块", source="auto")
    offered = {d.code for d in catalog.offered()}
    assert "fevers" not in offered
    assert "gone_module" not in offered
    assert "key_new" in offered


@pytest.mark.django_db
def test_a_module_indicator_takes_over_a_manual_one_of_the_same_code(world):
    IndicatorDefinition.objects.create(code="masks_on_hand", label="口罩库存", source="manual")
    computed = Indicator("masks_on_hand", "口罩库存", "个", FLOW, lambda w, c: {})
    with extra_indicators(computed):
        row = next(r for r in catalog.all_definitions() if r.code == "masks_on_hand")
    assert row.source == IndicatorDefinition.Source.AUTO


@pytest.mark.django_db
def test_the_day_in_progress_counts_the_current_state(world):
    from shouwang.reports.days import open_day

    data.household(world.building_a, persons=2)
    moved = data.household(world.building_a, persons=1).persons.get()
    moved.moved_out = True
    moved.save()
    data.key_person(world.building_a, at=CUTOFF)
    values = auto_values(world.community_a, open_day())
    assert values["households_registered"] == 2
    assert values["persons_registered"] == 2 + 1  # the key person is a registered person
    assert values["key_in_observation"] == 1


@pytest.mark.django_db
def test_it_groups_by_community_and_further_columns_in_one_query(world, django_assert_num_queries):
    data.fever(world.building_a, at=CUTOFF - SECOND)
    data.fever(world.building_a2, at=CUTOFF - SECOND)
    data.fever(world.community_b, at=CUTOFF - SECOND)
    Alert.objects.create(
        area=world.building_b, kind=Alert.Kind.OTHER, title="其他", raised_at=CUTOFF - SECOND
    )
    communities = [world.community_a, world.community_b]
    with django_assert_num_queries(2):  # the areas under the communities, the counts
        grouped = by_community_grouped(
            Alert.objects.all(), communities, values={"n": Count("pk")}, keys=["kind"]
        )
    assert grouped == {
        (world.community_a.pk, "fever"): (2,),
        (world.community_b.pk, "fever"): (1,),
        (world.community_b.pk, "other"): (1,),
    }
    kinds = by_community_grouped(Alert.objects.all(), communities, values={}, keys=["kind"])
    assert set(kinds) == set(grouped)


@pytest.mark.django_db
def test_hourly_counts_put_each_row_in_its_hour(world):
    span = window(DAY)
    hour = timedelta(hours=1)
    for at in (
        span.start - SECOND,  # the day before
        span.start,
        span.start + hour - SECOND,
        span.start + hour,
        span.start + 12 * hour,
        span.end - SECOND,
        span.end,  # the next day
    ):
        data.fever(world.building_a, at=at)
    rows = Alert.objects.all()
    series = by_community_and_hour(rows, [world.community_a], span, at="raised_at")
    expected = [0] * 24
    expected[0], expected[1], expected[12], expected[23] = 2, 1, 1, 1
    assert series == {world.community_a.pk: expected}
