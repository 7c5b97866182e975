"""收治机构 typed as free text becomes an entry of the list per distinct value (spaces
trimmed and collapsed), the cases point at it, and going back writes the names back as
text."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from shouwang.areas.tests.factories import AreaFactory, child
from shouwang.cases.models import Case, TreatmentInstitution

from .factories import institution, make_case

BEFORE = [("cases", "0011_treatment_institution")]
AFTER = [("cases", "0013_remove_case_treated_at")]


@pytest.mark.django_db(transaction=True)
def test_free_text_becomes_list_entries_and_goes_back():
    community = child(AreaFactory(), "社区")
    six = institution("市第六人民医院")
    cases = [make_case(community, institution=six) for _ in range(3)]
    at_home = make_case(community, "suspected")

    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps
    OldCase = old.get_model("cases", "Case")
    # Back: the names are text again.
    texts = dict(OldCase.objects.values_list("pk", "treated_at"))
    assert texts == {**{c.pk: "市第六人民医院" for c in cases}, at_home.pk: ""}
    # As a database made before the list held them: three spellings, one empty.
    OldCase.objects.update(institution=None)
    old.get_model("cases", "TreatmentInstitution").objects.all().delete()
    for case, text in zip(cases, ["市六院", " 市六院\u3000", "市第六人民医院"], strict=True):
        OldCase.objects.filter(pk=case.pk).update(treated_at=text)

    executor.loader.build_graph()
    executor.migrate(AFTER)
    entries = {i.name: i for i in TreatmentInstitution.objects.all()}
    assert set(entries) == {"市六院", "市第六人民医院"}
    assert {i.kind for i in entries.values()} == {TreatmentInstitution.Kind.OTHER}
    now = dict(Case.objects.values_list("pk", "institution__name"))
    assert now == {
        cases[0].pk: "市六院",
        cases[1].pk: "市六院",
        cases[2].pk: "市第六人民医院",
        at_home.pk: None,
    }
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())
