from shouwang.core.tests.matrix import Route
from shouwang.watch.tests import factories as f


def _b_record(w):
    return {"pk": f.key_person(w.building_b, "赵六").pk}


def _b_released(w):
    record = f.key_person(w.building_b, "钱七")
    from shouwang.watch import actions
    from shouwang.watch.models import KeyPerson

    actions.change_status(
        key_person=record,
        status=KeyPerson.Status.RELEASED,
        reason=KeyPerson.Reason.ORDERED_RELEASE,
        by=w.staff_b,
    )
    return {"pk": record.pk}


def _b_task_not_here(w):
    from shouwang.watch.models import LocateTask

    task = f.locate_task(w.community_b)
    LocateTask.objects.filter(pk=task.pk).update(status=LocateTask.Status.NOT_HERE)
    return {"pk": task.pk}


def _b_dismissed_lead(w):
    from shouwang.watch import actions

    lead = f.lead(w.building_b)
    actions.dismiss_lead(lead=lead, by=w.staff_b, note="误报")
    return {"pk": lead.pk}


def _token(w):
    return {"token": f.key_person(w.building_b, "孙八").self_report_token()}


ROUTES = {
    "api:watch_today": Route(read_only=True, reader="grid_a"),
    "api:watch_followups_batch": Route(),
    "watch:index": Route(),
    "watch:export": Route(),
    "watch:create": Route(),
    "watch:detail": Route(kwargs=_b_record, in_b=True, read_only=True),
    "watch:edit": Route(kwargs=_b_record, in_b=True),
    "watch:status": Route(kwargs=_b_record, in_b=True),
    "watch:extend": Route(kwargs=_b_record, in_b=True),
    "watch:self_link": Route(kwargs=_b_record, in_b=True),
    "watch:call": Route(kwargs=_b_record, in_b=True),
    "watch:notice": Route(kwargs=_b_released, in_b=True, read_only=True),
    "watch:release": Route(read_only=True),
    "watch:release_bulk": Route(),
    "watch:notices": Route(read_only=True),
    "watch:today": Route(read_only=True, reader="grid_a"),
    "watch:followup": Route(kwargs=_b_record, in_b=True),
    "watch:attempt": Route(kwargs=_b_record, in_b=True),
    "watch:backfill": Route(kwargs=_b_record, in_b=True),
    "watch:overdue": Route(read_only=True),
    "watch:lost": Route(read_only=True),
    "watch:self_report": Route(kwargs=_token, public=True),
    "watch:alerts": Route(read_only=True),
    "watch:alert_handle": Route(kwargs=lambda w: {"pk": f.alert(w.building_b).pk}, in_b=True),
    "watch:leads": Route(read_only=True),
    "watch:lead_confirm": Route(kwargs=lambda w: {"pk": f.lead(w.building_b).pk}, in_b=True),
    "watch:lead_dismiss": Route(kwargs=lambda w: {"pk": f.lead(w.building_b).pk}, in_b=True),
    "watch:lead_reopen": Route(kwargs=_b_dismissed_lead, in_b=True),
    "watch:intake": Route(),
    "watch:intake_template": Route(read_only=True),
    "watch:intake_commit": Route(),
    "watch:locate": Route(read_only=True),
    "watch:locate_record": Route(
        kwargs=lambda w: {"pk": f.locate_task(w.community_b).pk}, in_b=True
    ),
    "watch:locate_reopen": Route(kwargs=_b_task_not_here, in_b=True),
    "watch:stats": Route(read_only=True),
    "watch:stats_export": Route(kwargs=lambda w: {"table": "observation"}, read_only=True),
    "watch:categories": Route(read_only=True),
    "watch:category_create": Route(),
    "watch:category_edit": Route(kwargs=lambda w: {"pk": f.category().pk}),
    "watch:policies": Route(read_only=True),
    "watch:policy_edit": Route(kwargs=lambda w: {"pk": w.community_b.pk}, in_b=True),
}
