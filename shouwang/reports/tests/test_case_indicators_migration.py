"""Databases made before the cases app counted new cases hold 新增疑似病例 and 新增确诊
病例 as manual definitions: the data migration makes them automatic, and back."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from shouwang.reports import catalog
from shouwang.reports.models import IndicatorDefinition

BEFORE = [("reports", "0002_figure_area_index")]
AFTER = [("reports", "0003_case_indicators_computed")]


@pytest.mark.django_db(transaction=True)
def test_the_stored_case_definitions_turn_automatic_and_back():
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps.get_model("reports", "IndicatorDefinition")
    stored = (("suspected_new", "新增疑似病例", 30), ("confirmed_new", "确诊", 31))
    for code, label, order in stored:
        old.objects.create(
            code=code,
            label=label,
            unit="例",
            kind="flow",
            source="manual",
            incident=True,
            order=order,
            description="社区填报",
        )
    old.objects.filter(code="confirmed_new").update(description="街道核定口径")
    old.objects.create(code="leaflets", label="发放宣传资料", source="manual")

    executor.loader.build_graph()
    executor.migrate(AFTER)
    rows = {row.code: row for row in IndicatorDefinition.objects.all()}
    assert rows["suspected_new"].source == rows["confirmed_new"].source == "auto"
    assert not rows["suspected_new"].manual
    assert rows["suspected_new"].description == "当日登记为疑似或改为疑似的病例"
    assert rows["confirmed_new"].description == "街道核定口径"  # HQ's own words stay
    assert rows["confirmed_new"].label == "确诊"
    assert rows["leaflets"].source == "manual"
    assert {"suspected_new", "confirmed_new", "leaflets"} <= {d.code for d in catalog.offered()}

    executor.loader.build_graph()
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps.get_model("reports", "IndicatorDefinition")
    back = {row.code: (row.source, row.description) for row in old.objects.all()}
    assert back["suspected_new"] == ("manual", "社区填报")
    assert back["confirmed_new"] == ("manual", "街道核定口径")
    assert back["leaflets"] == ("manual", "")
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())
