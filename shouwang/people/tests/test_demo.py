"""The demo ledger: valid IDs, exact seed-001 totals, idempotent."""

import random
from datetime import date
from io import StringIO

from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from shouwang.areas import demo as areas_demo
from shouwang.core.demo import SIZES, DemoContext
from shouwang.people import demo
from shouwang.people.documents import parse_id_card
from shouwang.people.models import Household, Person


def test_seed001_spreads_exactly_56149_households_and_161771_persons():
    targets = demo.building_targets(SIZES["seed001"], 10 * 8 * 6)
    assert sum(h for h, _ in targets) == 56_149
    assert sum(p for _, p in targets) == 161_771
    used: set[str] = set()
    plan = demo.plan_building("000001", *targets[0], today=date(2026, 1, 1), used=used)
    assert len(plan) == targets[0][0]
    assert sum(len(h.residents) for h in plan) == targets[0][1]


@given(st.integers(1, 200), st.integers(0, 600))
def test_household_sizes_add_up_exactly(households, persons):
    sizes = demo._sizes(random.Random(households * 1000 + persons), households, persons)
    assert len(sizes) == households
    assert sum(s for s in sizes if s > 0) == persons


def test_the_demo_ledger_is_valid_and_a_second_run_adds_nothing(db):
    ctx = DemoContext(size_name="tiny", rng=random.Random(1), out=StringIO())
    areas_demo.build(ctx)
    demo.build(ctx)
    households, persons = Household.objects.count(), Person.objects.count()
    assert households == 2 * 2 * 2 * 2
    assert persons == round(2 * 2.88) * 8
    for person in Person.objects.exclude(doc_enc=""):
        facts = parse_id_card(person.document_number)
        assert facts.birth_date == person.birth_date
        assert facts.sex == person.sex
        assert person.name_initials
    assert len(set(Person.objects.exclude(doc_hash="").values_list("doc_hash", flat=True))) == (
        Person.objects.exclude(doc_hash="").count()
    )
    demo.build(ctx)
    assert (Household.objects.count(), Person.objects.count()) == (households, persons)
    registered = demo.registration_time(timezone.now())
    assert set(Household.objects.values_list("created_at", flat=True)) == {registered}
    assert set(Person.objects.values_list("created_at", flat=True)) == {registered}
    assert "人员台账" in ctx.out.getvalue()
