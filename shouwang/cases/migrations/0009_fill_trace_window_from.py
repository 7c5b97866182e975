"""Each trace's window start (the case's onset, or report, date less two days) as it
was when the trace ran: the case's dates now, with the changes recorded in its history
since the trace undone, newest first."""

from datetime import date, timedelta

from django.db import migrations

LEAD_DAYS = 2  # models.INFECTIOUS_LEAD_DAYS when this was written
LABELS = {"onset_date": "发病日期", "report_date": "报告日期"}


def _day(text):
    return None if text in ("", "—", None) else date.fromisoformat(text)


def fill(apps, schema_editor):
    Trace = apps.get_model("cases", "Trace")
    CaseEvent = apps.get_model("cases", "CaseEvent")
    for trace in Trace.objects.filter(window_from=None).select_related("case").iterator():
        dates = {name: getattr(trace.case, name) for name in LABELS}
        later = CaseEvent.objects.filter(case=trace.case_id, at__gt=trace.created_at)
        for event in later.order_by("-at", "-id"):
            for name, label in LABELS.items():
                if label in (event.changes or {}):
                    dates[name] = _day(event.changes[label][0])
        basis = dates["onset_date"] or dates["report_date"] or trace.case.report_date
        Trace.objects.filter(pk=trace.pk).update(window_from=basis - timedelta(days=LEAD_DAYS))


class Migration(migrations.Migration):
    dependencies = [("cases", "0008_trace_window_from")]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
