"""Free text typed into a note lands in the audit log: an alert's 处置说明, a lead's
排除理由, a case's 变更原因. An ID or phone number typed there is masked in the log as
in the alert's own text (``pii.mask_in_text``): the audit page, its export and a dump
of the audit table hold no plaintext number."""

from __future__ import annotations

from datetime import timedelta
from io import BytesIO

from django.db import connection
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from shouwang.accounts.models import AuditEvent
from shouwang.cases.models import Case
from shouwang.cases.tests.factories import institution, make_case
from shouwang.watch.models import Alert, Lead
from shouwang.watch.tests.factories import alert, lead

ID_NUMBER = "410105199001011233"
PHONE = "13800138000"
NOTE = f"已联系家属，身份证{ID_NUMBER}，电话{PHONE}"
MASKED = "身份证410105********1233，电话138****8000"


def audit_table_dump() -> str:
    table = connection.ops.quote_name(AuditEvent._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {table}")  # noqa: S608 - the model's own table
        return "\n".join(str(row) for row in cursor.fetchall())


def export_cells(world) -> str:
    response = world.client("auditor").get(reverse("accounts:audit_export"))
    assert response.status_code == 200
    sheet = load_workbook(BytesIO(response.content)).active
    return "\n".join(str(cell) for row in sheet.iter_rows(values_only=True) for cell in row)


def assert_no_plaintext(world) -> None:
    page = world.client("auditor").get(reverse("accounts:audit"))
    assert page.status_code == 200
    for text in (audit_table_dump(), page.content.decode(), export_cells(world)):
        assert ID_NUMBER not in text
        assert PHONE not in text


def test_an_alerts_handling_note_is_masked_in_the_audit_log(world):
    raised = alert(world.building_a, title="发热预警")
    response = world.client("staff_a").post(
        reverse("watch:alert_handle", args=[raised.pk]), {"note": NOTE}
    )
    assert response.status_code == 302
    raised.refresh_from_db()
    assert raised.handled_at is not None
    row = AuditEvent.objects.get(object_type="watch.Alert", object_id=str(raised.pk))
    assert row.detail == f"预警已处置：已联系家属，{MASKED}"
    page = world.client("auditor").get(reverse("accounts:audit")).content.decode()
    assert MASKED in page
    assert MASKED in export_cells(world)
    assert_no_plaintext(world)
    assert Alert.objects.filter(handled_note__contains=PHONE).count() == 0


def test_a_leads_dismissal_note_is_masked_in_the_audit_log(world):
    found = lead(world.building_a)
    response = world.client("staff_a").post(
        reverse("watch:lead_dismiss", args=[found.pk]), {"note": NOTE}
    )
    assert response.status_code == 302
    assert Lead.objects.get(pk=found.pk).status == Lead.Status.DISMISSED
    row = AuditEvent.objects.get(object_type="watch.Lead", object_id=str(found.pk))
    assert MASKED in row.detail
    assert_no_plaintext(world)


def test_a_cases_change_reason_is_masked_in_the_audit_log(world):
    today = timezone.localdate()
    case = make_case(world.building_a, "suspected")
    data = {
        "classification": "excluded",
        "onset_date": "",
        "report_date": (today - timedelta(days=1)).isoformat(),
        "confirmed_date": "",
        "institution": institution("市第六人民医院").pk,
        "notes": "",
        "reason": f"核酸阴性，{NOTE}",
    }
    response = world.client("staff_a").post(reverse("cases:edit", args=[case.pk]), data)
    assert response.status_code == 302, response.content.decode()
    assert Case.objects.get(pk=case.pk).classification == "excluded"
    row = AuditEvent.objects.get(action=AuditEvent.Action.STATUS, object_id=str(case.pk))
    assert MASKED in row.detail
    assert_no_plaintext(world)
