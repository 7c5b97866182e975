from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from functools import wraps

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from shouwang.accounts import audit
from shouwang.accounts.models import AuditEvent
from shouwang.areas.models import Area
from shouwang.core.access import get_for_user
from shouwang.core.permissions import require_capability
from shouwang.core.requests import AuthedRequest
from shouwang.core.responses import bad_parameter
from shouwang.core.text import day_label
from shouwang.core.xlsx import workbook_bytes, xlsx_response

from . import actions, catalog, days, live
from . import bulletin as bulletins
from .forms import (
    AmendForm,
    BulletinForm,
    BulletinTemplateForm,
    IndicatorForm,
    ReportForm,
    seen_figures,
)
from .models import (
    Bulletin,
    DailyReport,
    IndicatorDefinition,
    Reminder,
)
from .tables import day_sheet, day_table, trend_series


def _community(request: AuthedRequest, pk: int) -> Area:
    return get_for_user(Area.objects.communities(), request.user, pk=pk)


def _path_day(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """``view`` of a community's report day given in the URL as text (年-月-日): the
    view gets the date; text that is no date (2026-02-30, 2026-2-3, yesterday) is a 400
    saying what to fix, with a link to the community's reports — once the community is
    known to be the user's (404 otherwise), and before anything is read or written."""

    @wraps(view)
    def wrapped(request: AuthedRequest, pk: int, day: str) -> HttpResponse:
        try:
            parsed = days.parse(day)
        except ValueError:
            community = _community(request, pk)
            example = days.last_closed_day().isoformat()
            return bad_parameter(
                request,
                message=f"日期“{day[:30]}”无效：请按“年-月-日”填写，如 {example}",
                link=reverse("reports:community", args=[community.pk]),
                link_label=f"查看{community.name}的日报",
            )
        return view(request, pk, parsed)

    return wrapped


def _existing_report(request: AuthedRequest, community: Area, day: date) -> DailyReport:
    """The saved report, or an unsaved blank one (reading never writes); the day is
    one the community reports (``_unreportable_day`` answered the others)."""
    found = DailyReport.objects.visible_to(request.user).filter(community=community, day=day)
    found = found.first()
    return found or DailyReport(community=community, day=day)


def _unreportable_day(request: AuthedRequest, community: Area, day: date) -> HttpResponse | None:
    """A day before the community's first day (a typed or old link): 404 saying from
    which day it reports, before anything is read or written; a day after the day in
    progress: 404 saying it has not started, with a link to the day in progress; None
    for other days."""
    if day > days.open_day():
        today = days.open_day()
        return render(
            request,
            "reports/day_not_started.html",
            {
                "area": community,
                "day": day,
                "open_day": today,
                "link": reverse("reports:report", args=[community.pk, today]),
                "link_label": "日报",
            },
            status=404,
        )
    if days.is_expected(community, day):
        return None
    return render(
        request,
        "reports/day_before_first.html",
        {"area": community, "day": day, "first_day": days.first_day(community)},
        status=404,
    )


def _requested_day(request: AuthedRequest, area: Area, page: str) -> date | HttpResponse:
    """The report day the query asks for (none: the last closed day, the one reported
    now), or the answer when it cannot be shown: 400 for text that is not a report day,
    404 for a day not started yet; each links to ``page`` (the overview or the
    bulletin) as it opens by default."""
    text = request.GET.get("day", "").strip()
    if not text:
        return days.last_closed_day()
    try:
        day = days.parse(text)
    except ValueError:
        example = days.last_closed_day().isoformat()
        return bad_parameter(
            request,
            message=f"日期“{text[:30]}”无效：请按“年-月-日”填写，如 {example}",
            link=f"{reverse(page)}?area={area.pk}",
            link_label="查看最近一天的" + ("通报" if page == "reports:bulletin" else "日报汇总"),
        )
    if day > days.open_day():
        return _not_started(request, area, day, page)
    return day


def _area_param(request: AuthedRequest) -> Area:
    pk = request.GET.get("area")
    if not pk:
        if request.user.area is None:
            raise Http404("您尚未分配辖区")
        return request.user.area
    return get_for_user(Area, request.user, pk=pk)


def _below_community(
    request: AuthedRequest, area: Area, what: str, day: date | None = None
) -> HttpResponse:
    """A page made by communities and the levels above (the day's xlsx, the bulletin)
    asked for a compound or a building: 404 saying which community reports for it,
    with a link to the area's own figures on the overview."""
    return render(
        request,
        "reports/below_community.html",
        {"area": area, "what": what, "day": day, "community": live.reporting_community(area)},
        status=404,
    )


def _not_started(request: AuthedRequest, area: Area, day: date, page: str) -> HttpResponse:
    """A day after the day in progress (typed or bookmarked): 404 saying so, with a
    link to the same page for the day in progress."""
    today = days.open_day()
    return render(
        request,
        "reports/day_not_started.html",
        {
            "area": area,
            "day": day,
            "open_day": today,
            "link": f"{reverse(page)}?area={area.pk}&day={today.isoformat()}",
            "link_label": "通报" if page == "reports:bulletin" else "日报汇总",
        },
        status=404,
    )


@require_safe
@require_capability("reports.view")
def index(request: AuthedRequest) -> HttpResponse:
    # HQ and leaders read the reports rolled up; they submit none.
    if not request.user.can("reports.submit"):
        return redirect("reports:overview")
    communities = list(Area.objects.visible_to(request.user).communities()[:500])
    if len(communities) == 1:
        return redirect("reports:community", pk=communities[0].pk)
    # Bound to a compound or a building: its community reports, not this level.
    mine = request.user.area
    below = mine is not None and live.is_live(mine)
    return render(
        request,
        "reports/index.html",
        {
            "communities": communities,
            "below": below,
            "community": live.reporting_community(mine) if below else None,
        },
    )


@require_safe
@require_capability("reports.view")
def community(request: AuthedRequest, pk: int) -> HttpResponse:
    area = _community(request, pk)
    current, first_day = days.last_closed_day(), days.first_day(area)
    # The day in progress first (a draft before its cutoff), then 14 closed days
    # (those from the community's first day on).
    recent = [current - timedelta(days=i) for i in range(-1, 14)]
    recent = [day for day in recent if day >= first_day] or recent[:1]
    visible = DailyReport.objects.visible_to(request.user)
    reports = {r.day: r for r in visible.filter(community=area, day__gte=recent[-1])}
    rows = [(day, reports.get(day)) for day in recent]
    # The newest reminder of the day reported now: past the deadline, the overdue one
    # (the due one's "请于16:00前提交" is no longer true).
    reminders = Reminder.objects.visible_to(request.user).filter(community=area, day=current)
    return render(
        request,
        "reports/community.html",
        {
            "area": area,
            "rows": rows,
            "current": current,
            "current_report": reports.get(current),
            "first_day": first_day,
            "today": recent[0],
            "deadline": days.deadline(current),
            "overdue": days.is_late(current),
            "cutoff": days.cutoff_time(),
            "reminder": reminders.first(),
        },
    )


def _report_page(
    request: AuthedRequest, report: DailyReport, form: ReportForm | None = None, status: int = 200
) -> HttpResponse:
    lines = actions.lines(report)
    if form is None and not report.is_submitted:
        form = ReportForm(lines=lines, initial={"note": report.note})
    elif form is not None and form.is_bound:
        form.show_moved_counts()
    revisions = report.revisions.select_related("by") if report.pk else []
    return render(
        request,
        "reports/report.html",
        {
            "report": report,
            "area": report.community,
            "lines": lines,
            "retired": actions.retired_lines(report),
            "standing": actions.standing_figures(lines) if not report.is_submitted else [],
            "form": form,
            "closed": days.is_closed(report.day),
            "window": days.window(report.day),
            "deadline": days.deadline(report.day),
            "overdue": not report.is_submitted and days.is_late(report.day),
            "revisions": revisions,
            "can_submit": request.user.can("reports.submit"),
        },
        status=status,
    )


@require_http_methods(["GET", "HEAD", "POST"])
@require_capability("reports.view")
@_path_day
def report(request: AuthedRequest, pk: int, day: date) -> HttpResponse:
    """The report page; POST saves a draft (community staff)."""
    area = _community(request, pk)
    if (refused := _unreportable_day(request, area, day)) is not None:
        return refused
    existing = _existing_report(request, area, day)
    if request.method != "POST":
        return _report_page(request, existing)
    if not request.user.can("reports.submit"):
        raise PermissionDenied("您的角色不能填报日报")
    if existing.is_submitted:
        messages.error(request, "该日报已上报并锁定；如需修改请使用“更正”")
        return redirect("reports:report", pk=pk, day=day)
    form = ReportForm(request.POST, lines=actions.lines(existing))
    if not form.is_valid():
        return _report_page(request, existing, form, status=400)
    try:
        draft = actions.save_draft(
            community=area,
            day=day,
            values=form.values(),
            reasons=form.reasons(),
            shown=form.shown(),
            note=form.cleaned_data["note"],
            by=request.user,
        )
    except actions.ReportError as exc:
        form.add_error(None, str(exc))
        return _report_page(request, existing, form, status=400)
    messages.success(request, "已暂存，尚未上报")
    if draft.moved:
        messages.info(
            request,
            "打开页面后系统统计有更新，未改动的数字已按最新统计暂存："
            + "；".join(str(m) for m in draft.moved),
        )
    return redirect("reports:report", pk=pk, day=day)


def _already_submitted(request: AuthedRequest, report: DailyReport) -> HttpResponse:
    """Submitting twice stores once: the report stays as first submitted."""
    messages.warning(request, "该日报已上报，未重复上报；如需修改请使用“更正”")
    return redirect("reports:report", pk=report.community_id, day=report.day)


@require_POST
@require_capability("reports.submit")
@_path_day
def submit(request: AuthedRequest, pk: int, day: date) -> HttpResponse:
    area = _community(request, pk)
    if (refused := _unreportable_day(request, area, day)) is not None:
        return refused
    existing = _existing_report(request, area, day)
    if existing.is_submitted:  # a second tap, or another colleague was quicker
        return _already_submitted(request, existing)
    if not days.is_closed(day):
        messages.error(request, f"{days.cutoff_label(day)}统计截止后才能上报该日日报")
        return _report_page(request, existing, status=400)
    form = ReportForm(request.POST, lines=actions.lines(existing))
    if not form.is_valid():
        return _report_page(request, existing, form, status=400)
    try:
        with transaction.atomic():
            done = actions.submit_report(
                report=actions.report_for(community=area, day=day),
                values=form.values(),
                reasons=form.reasons(),
                shown=form.shown(),
                note=form.cleaned_data["note"],
                by=request.user,
                request=request,
            )
    except actions.CountsMoved as exc:
        # Nothing written: the form again, at the counts as they are now.
        form = ReportForm(request.POST, lines=actions.lines(existing))
        form.is_valid()
        form.held = True
        form.show_moved_counts()
        if not form.moved:
            form.add_error(None, str(exc))
        return _report_page(request, existing, form, status=409)
    except actions.ReportError as exc:
        form.add_error(None, str(exc))
        return _report_page(request, existing, form, status=400)
    late = "（迟报）" if done.late else ""
    messages.success(request, f"{day_label(done.day)}日报已上报{late}")
    return redirect("reports:report", pk=pk, day=day)


@require_POST
@require_capability("reports.submit")
@_path_day
def zero(request: AuthedRequest, pk: int, day: date) -> HttpResponse:
    area = _community(request, pk)
    if (refused := _unreportable_day(request, area, day)) is not None:
        return refused
    existing = _existing_report(request, area, day)
    if existing.is_submitted:
        return _already_submitted(request, existing)
    try:
        with transaction.atomic():
            done = actions.zero_report(
                report=actions.report_for(community=area, day=day),
                by=request.user,
                request=request,
                seen=seen_figures(request.POST, actions.lines(existing)),
            )
    except actions.CountsMoved as exc:
        # Nothing written: the page again, its zero report at the figures as they are now.
        messages.error(request, str(exc))
        return _report_page(request, existing, status=409)
    except actions.ReportError as exc:
        messages.error(request, str(exc))
        return _report_page(request, existing, status=400)
    messages.success(
        request, f"{day_label(done.day)}零报告已上报" + ("（迟报）" if done.late else "")
    )
    return redirect("reports:report", pk=pk, day=day)


@require_http_methods(["GET", "HEAD", "POST"])
@require_capability("reports.submit")
@_path_day
def amend(request: AuthedRequest, pk: int, day: date) -> HttpResponse:
    area = _community(request, pk)
    if (refused := _unreportable_day(request, area, day)) is not None:
        return refused
    existing = _existing_report(request, area, day)
    if not existing.is_submitted:
        messages.info(request, "该日报尚未上报，可直接修改后上报")
        return redirect("reports:report", pk=pk, day=day)
    lines = actions.lines(existing)
    form = AmendForm(request.POST or None, lines=lines)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                actions.amend_report(
                    report=existing,
                    values=form.values(),
                    reasons=form.reasons(),
                    reason=form.cleaned_data["reason"],
                    by=request.user,
                    request=request,
                )
            except actions.ReportError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, "已更正，原数字保留在修改记录中")
                return redirect("reports:report", pk=pk, day=day)
        status = 400
    return render(
        request,
        "reports/amend.html",
        {"report": existing, "area": area, "form": form},
        status=status,
    )


@require_safe
@require_capability("reports.overview")
def overview(request: AuthedRequest) -> HttpResponse:
    area = _area_param(request)
    day = _requested_day(request, area, "reports:overview")
    if isinstance(day, HttpResponse):
        return day
    table = day_table(area, day)
    return render(
        request,
        "reports/overview.html",
        {
            "area": area,
            "day": day,
            "prev": days.day_before(day),
            "next": day + timedelta(days=1) if day < days.open_day() else None,
            "table": table,
            # A community's compounds: their own figures, computed when opened.
            "below": list(area.children.order_by("path"))
            if area.kind == Area.Kind.COMMUNITY
            else [],
            "crumbs": [a for a in area.ancestors() if a.is_within(request.user.area)],
            "cutoff": days.cutoff_label(day),
            "as_of": days.as_of_label(day, table.total.computed_at if table.total else None),
            "deadline": days.deadline(day),
            "scheduled": days.is_scheduled(day),
        },
    )


@require_POST
@require_capability("reports.manage")
def rollup_now(request: AuthedRequest) -> HttpResponse:
    area = _area_param(request)
    day = _requested_day(request, area, "reports:overview")
    if isinstance(day, HttpResponse):
        return day
    try:
        result = actions.rollup_area(area=area, day=day)
    except actions.ReportError as exc:
        return render(
            request,
            "reports/nothing_to_roll_up.html",
            {"area": area, "day": day, "message": str(exc)},
            status=400 if isinstance(exc, actions.NotRolledUp) else 409,
        )
    messages.success(
        request,
        f"已重新汇总 {day_label(day)}：{result.communities} 个社区，用时 {result.seconds} 秒",
    )
    return redirect(f"{reverse('reports:overview')}?area={area.pk}&day={day.isoformat()}")


@require_safe
@require_capability("reports.export")
def export(request: AuthedRequest) -> HttpResponse:
    area = _area_param(request)
    day = _requested_day(request, area, "reports:overview")
    if isinstance(day, HttpResponse):
        return day
    if live.is_live(area):
        return _below_community(request, area, "日报汇总表", day)
    headers, rows, widths = day_sheet(area, day)
    content = workbook_bytes(headers, rows, title=f"{day_label(day, year=True)}日报", widths=widths)
    audit.record(
        action=AuditEvent.Action.EXPORT,
        request=request,
        obj=area,
        detail=f"导出{day.isoformat()}日报汇总（{len(rows)}行）",
    )
    return xlsx_response(f"{area.name}{day.isoformat()}日报汇总.xlsx", content)


TREND_DAYS, TREND_MIN, TREND_MAX = 14, 7, 180


@require_safe
@require_capability("reports.overview")
def trend(request: AuthedRequest, code: str) -> HttpResponse:
    """An indicator's figures day by day; one retired since keeps its history (marked
    已停用); a code no definition has is a 404 saying so."""
    catalogue = catalog.all_definitions()
    definition = next((d for d in catalogue if d.code == code), None)
    if definition is None:
        return render(request, "reports/no_indicator.html", {"code": code[:40]}, status=404)
    offered = catalog.offered(catalogue)
    area = _area_param(request)
    text = request.GET.get("days", "").strip() or str(TREND_DAYS)
    span = int(text) if text.isascii() and text.isdigit() and len(text) <= 3 else 0
    if not TREND_MIN <= span <= TREND_MAX:
        return bad_parameter(
            request,
            message=(
                f"天数“{text[:30]}”无效：请填 {TREND_MIN} 到 {TREND_MAX} 之间的整数，"
                "如 14、30 或 90"
            ),
            link=f"{reverse('reports:trend', args=[code])}?area={area.pk}",
            link_label=f"查看近{TREND_DAYS}天的{definition.label}",
        )
    end = days.open_day()
    series = trend_series(area, definition, end - timedelta(days=span - 1), end)
    return render(
        request,
        "reports/trend.html",
        {
            "area": area,
            "live": live.is_live(area),
            "community": live.reporting_community(area),
            "definition": definition,
            "retired": definition not in offered,
            "definitions": offered,
            "series": series,
            "span": span,
            "chart": {
                "days": [day_label(p.day) for p in series],
                "values": [p.value for p in series],
                "totals": [p.total for p in series] if definition.is_flow else [],
                "label": definition.label,
                "unit": definition.unit,
            },
        },
    )


@require_http_methods(["GET", "HEAD", "POST"])
@require_capability("reports.bulletin")
def bulletin(request: AuthedRequest) -> HttpResponse:
    area = _area_param(request)
    day = _requested_day(request, area, "reports:bulletin")
    if isinstance(day, HttpResponse):
        return day
    if live.is_live(area):
        return _below_community(request, area, "通报", day)
    saved = Bulletin.objects.visible_to(request.user).filter(area=area, day=day).first()
    fresh = request.GET.get("fresh") == "1" or saved is None
    error = ""
    if request.method == "POST":
        if not request.user.can("reports.manage"):
            raise PermissionDenied("您的角色只能查看和复制通报")
        form = BulletinForm(request.POST)
        status = 400
        if form.is_valid():
            try:
                actions.save_bulletin(
                    area=area,
                    day=day,
                    text=form.cleaned_data["text"],
                    by=request.user,
                    request=request,
                )
            except actions.ReportError as exc:
                form, error, status = None, str(exc), 409
            else:
                messages.success(request, "通报已保存")
                url = reverse("reports:bulletin")
                return redirect(f"{url}?day={day.isoformat()}&area={area.pk}")
    else:
        text = bulletins.generate(area, day) if fresh else saved.text
        form = BulletinForm(initial={"text": text})
        status = 200
        if text is None:  # not rolled up yet: nothing to copy
            form = None
    return render(
        request,
        "reports/bulletin.html",
        {
            "area": area,
            "day": day,
            "form": form,
            "saved": saved,
            "fresh": fresh,
            "error": error,
            "prev": days.day_before(day),
            "next": day + timedelta(days=1) if day < days.open_day() else None,
            "scheduled": days.is_scheduled(day),
        },
        status=status,
    )


@require_http_methods(["GET", "HEAD", "POST"])
@require_capability("reports.manage")
def bulletin_template(request: AuthedRequest) -> HttpResponse:
    area = _area_param(request)
    if live.is_live(area):
        return _below_community(request, area, "通报")
    form = BulletinTemplateForm(
        request.POST or None, initial={"text": bulletins.template_for(area)}
    )
    if request.method == "POST" and form.is_valid():
        actions.save_bulletin_template(
            area=area, text=form.cleaned_data["text"], by=request.user, request=request
        )
        messages.success(request, f"{area.name}的通报模板已保存")
        # The text the new template makes, not a day's text kept before it.
        return redirect(f"{reverse('reports:bulletin')}?area={area.pk}&fresh=1")
    return render(
        request,
        "reports/bulletin_template.html",
        {
            "area": area,
            "form": form,
            "default": bulletins.DEFAULT_TEMPLATE,
            "definitions": catalog.offered(),
            "builtins": sorted(bulletins.BUILTINS),
        },
        status=400 if request.method == "POST" else 200,
    )


@require_safe
@require_capability("reports.manage")
def indicators(request: AuthedRequest) -> HttpResponse:
    return render(request, "reports/indicators.html", {"rows": catalog.all_definitions()})


def _indicator_form(request: AuthedRequest, instance: IndicatorDefinition | None) -> HttpResponse:
    form = IndicatorForm(request.POST or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        try:
            definition = actions.save_definition(
                definition=form.save(commit=False), by=request.user, request=request
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, f"已保存指标“{definition.label}”")
            return redirect("reports:indicators")
    return render(
        request,
        "reports/indicator_form.html",
        {"form": form, "definition": instance},
        status=400 if request.method == "POST" else 200,
    )


def _definition(pk: int) -> IndicatorDefinition:
    # Indicators are HQ's configuration, shared by every area: not scoped rows.
    try:
        return IndicatorDefinition.objects.get(pk=pk)
    except IndicatorDefinition.DoesNotExist as exc:
        raise Http404("没有这个指标") from exc


@require_http_methods(["GET", "HEAD", "POST"])
@require_capability("reports.manage")
def indicator_new(request: AuthedRequest) -> HttpResponse:
    return _indicator_form(request, None)


@require_http_methods(["GET", "HEAD", "POST"])
@require_capability("reports.manage")
def indicator_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    return _indicator_form(request, _definition(pk))


@require_POST
@require_capability("reports.manage")
def indicator_move(request: AuthedRequest, pk: int) -> HttpResponse:
    definition = _definition(pk)
    direction = request.POST.get("direction", "")
    if direction not in ("up", "down"):
        return bad_parameter(
            request,
            message=f"移动方向“{direction[:30]}”无效：只能上移（up）或下移（down）",
            link=reverse("reports:indicators"),
            link_label="返回指标设置",
        )
    actions.move_definition(
        definition=definition, up=direction == "up", by=request.user, request=request
    )
    return redirect("reports:indicators")


@require_POST
@require_capability("reports.manage")
def indicator_toggle(request: AuthedRequest, pk: int) -> HttpResponse:
    """Retire (active=0) or re-enable (active=1) an indicator: the state is sent, so a
    second tap of the same button changes nothing."""
    definition = _definition(pk)
    active = request.POST.get("active", "")
    if active not in ("0", "1"):
        return bad_parameter(
            request,
            message=f"状态“{active[:30]}”无效：只能启用（1）或停用（0）",
            link=reverse("reports:indicators"),
            link_label="返回指标设置",
        )
    definition = actions.set_definition_active(
        definition=definition, active=active == "1", by=request.user, request=request
    )
    messages.success(request, f"已{'启用' if definition.active else '停用'}“{definition.label}”")
    return redirect("reports:indicators")
