"""Key-person records: list, registration, detail with history, status changes,
extensions, release (one by one and in bulk) and release notices."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from shouwang.accounts import audit
from shouwang.accounts.models import AuditEvent, User
from shouwang.accounts.roles import Role
from shouwang.areas.models import Area, AreaQuerySet
from shouwang.core.access import get_for_user
from shouwang.core.permissions import require_capability
from shouwang.core.requests import AuthedRequest
from shouwang.core.responses import TelRedirect, bad_parameter
from shouwang.core.xlsx import workbook_bytes, xlsx_response
from shouwang.people.models import Person

from .. import actions, notices, schedule
from ..actions import Identity
from ..forms import EditForm, ExtendForm, ListFilter, RegisterForm, StatusForm
from ..models import Alert, KeyPerson, KeyPersonQuerySet

EXPORT_LIMIT = 50_000
HISTORY_ROWS = 60  # follow-ups on a record's page


def records_for(user: User) -> KeyPersonQuerySet:
    return KeyPerson.objects.visible_to(user).select_related(
        "person__household__area__parent", "category", "area__parent", "responsible"
    )


def communities_for(user: User) -> AreaQuerySet:
    return Area.objects.visible_to(user).communities()


def _filtered(request: AuthedRequest) -> tuple[ListFilter, object]:
    """Filters come by POST from the search box and the pager (so a typed ID or phone
    number never lands in a URL or an access log) or by GET from links."""
    data = (request.POST if request.method == "POST" else request.GET).copy()
    data.setdefault("status", KeyPerson.Status.ACTIVE)  # "" (全部状态) stays all
    form = ListFilter(data, communities=communities_for(request.user))
    return form, form.filter(records_for(request.user), request.user)


@require_http_methods(["GET", "HEAD", "POST"])
@require_capability("watch.view")
def index(request: AuthedRequest) -> HttpResponse:
    form, qs = _filtered(request)
    page = Paginator(qs.order_by("planned_end", "pk"), 50).get_page(form.data.get("page"))
    today = timezone.localdate()
    for record in page:
        record.day = record.day_number(today)
    filters = [(name, form.data[name]) for name in ListFilter.base_fields if name in form.data]
    template = "watch/index.html#rows" if request.htmx else "watch/index.html"
    status = 400 if form.errors else 200
    return render(
        request, template, {"form": form, "page": page, "filters": filters}, status=status
    )


@require_http_methods(["GET", "HEAD", "POST"])
@require_capability("watch.export")
def export(request: AuthedRequest) -> HttpResponse:
    form, qs = _filtered(request)
    if form.errors:
        return index(request)
    today = timezone.localdate()
    rows = (
        [
            r.person.name,
            r.person.get_doc_type_display(),
            r.person.document_masked,
            r.person.phone_masked,
            r.category.name,
            r.get_source_display(),
            r.get_measure_display(),
            r.address,
            r.start_date,
            r.planned_end,
            r.day_number(today) if r.is_active and r.start_date <= today else "",
            r.get_status_display(),
            r.responsible_label,
            r.origin,
        ]
        for r in qs.order_by("area__path", "pk")[:EXPORT_LIMIT]
    )
    content = workbook_bytes(
        [
            "姓名",
            "证件类型",
            "证件号码（脱敏）",
            "手机号（脱敏）",
            "类别",
            "来源",
            "管控措施",
            "住址",
            "开始日期",
            "计划解除",
            "第几天",
            "状态",
            "责任网格员",
            "来源地",
        ],
        rows,
        title="重点人员",
    )
    audit.record(action=AuditEvent.Action.EXPORT, request=request, detail="导出重点人员名单")
    return xlsx_response(f"重点人员-{today:%Y%m%d}.xlsx", content)


def buildings_for(user: User) -> AreaQuerySet:
    return Area.objects.visible_to(user).buildings().select_related("parent")


@require_http_methods(["GET", "HEAD", "POST"])
@require_capability("watch.manage")
def create(request: AuthedRequest) -> HttpResponse:
    form = RegisterForm(request.POST or None, buildings=buildings_for(request.user))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            record = actions.register_with_person(
                persons=Person.objects.visible_to(request.user),
                identity=Identity(
                    area=data["building"],
                    name=data["name"],
                    number=data["document"],
                    doc_type=data["doc_type"],
                    phone=data["phone"],
                ),
                category=data["category"],
                source=data["source"],
                measure=data["measure"],
                start_date=data["start_date"],
                planned_end=data["planned_end"],
                origin=data["origin"],
                arrival_date=data["arrival_date"],
                notes=data["notes"],
                by=request.user,
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, f"已登记 {record.person.name}")
            return redirect("watch:detail", pk=record.pk)
    status = 400 if form.errors else 200
    return render(request, "watch/create.html", {"form": form}, status=status)


@require_safe
@require_capability("watch.view")
def detail(request: AuthedRequest, pk: int) -> HttpResponse:
    record = get_for_user(records_for(request.user), request.user, pk=pk)
    now = timezone.now()
    policies = schedule.Policies()
    done = schedule.completeness([record], now=now, policies=policies)[record.pk]
    overdue = schedule.overdue_slots([record], now=now, policies=policies)
    history = policies.history_for(record.area.path)
    # Follow-ups and attempts that reached nobody (未联系上), latest first.
    followups = sorted(
        [
            *record.followups.select_related("recorded_by")[:HISTORY_ROWS],
            *record.attempts.select_related("recorded_by")[:HISTORY_ROWS],
        ],
        key=lambda row: (row.day, row.slot, row.recorded_at),
        reverse=True,
    )[:HISTORY_ROWS]
    for followup in followups:
        labels = {s.number: s.label for s in history.on(followup.day)}
        followup.slot_label = labels.get(followup.slot, f"时段{followup.slot}")
    lost = schedule.suspected_lost(
        [record],
        attempts=record.attempts.all(),
        followups=record.followups.all(),
        policies=policies,
    )
    return render(
        request,
        "watch/detail.html",
        {
            "record": record,
            "person": record.person,
            "today": timezone.localdate(),
            "events": record.events.select_related("by"),
            "followups": followups,
            "alerts": Alert.objects.visible_to(request.user).filter(key_person=record)[:20],
            "completeness": done,
            "lost": lost[0] if lost else None,
            "overdue": overdue[:10],
            "self_report": policies.self_report_allowed(record.area.path),
            "status_form": StatusForm(record=record),
            "extend_form": ExtendForm(),
        },
    )


def _staff_for(record: KeyPerson):
    community = record.area.ancestor_of_kind(Area.Kind.COMMUNITY) or record.area
    return (
        User.objects.active()
        .within(community)
        .filter(role__in=[Role.GRID_WORKER, Role.COMMUNITY_STAFF])
        .order_by("role", "username")
    )


@require_http_methods(["GET", "HEAD", "POST"])
@require_capability("watch.manage")
def edit(request: AuthedRequest, pk: int) -> HttpResponse:
    record = get_for_user(records_for(request.user), request.user, pk=pk)
    initial = {
        "category": record.category_id,
        "measure": record.measure,
        "notes": record.notes,
        "responsible": record.responsible_id,
    }
    form = EditForm(request.POST or None, initial=initial, record=record, staff=_staff_for(record))
    if request.method == "POST" and form.is_valid():
        actions.update_key_person(key_person=record, by=request.user, **form.cleaned_data)
        messages.success(request, "已保存")
        return redirect("watch:detail", pk=record.pk)
    status = 400 if form.errors else 200
    return render(request, "watch/edit.html", {"form": form, "record": record}, status=status)


@require_http_methods(["GET", "HEAD", "POST"])
@require_capability("watch.manage")
def change_status(request: AuthedRequest, pk: int) -> HttpResponse:
    """The status form; its status select fetches the reason select for the status
    chosen (``?status=…``, htmx), and a link may open it with a status chosen (疑似失联
    → 失联)."""
    record = get_for_user(records_for(request.user), request.user, pk=pk)
    initial = {"status": request.GET.get("status", "")}
    form = StatusForm(request.POST or None, record=record, initial=initial)
    if request.method == "GET" and request.htmx:
        return render(request, "watch/status.html#reason", {"form": form})
    if request.method == "POST" and form.is_valid():
        try:
            actions.change_status(key_person=record, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, f"状态已变更为“{record.get_status_display()}”")
            return redirect("watch:detail", pk=record.pk)
    status = 400 if form.errors else 200
    return render(request, "watch/status.html", _form_page(record, form, "变更状态"), status=status)


@require_http_methods(["GET", "HEAD", "POST"])
@require_capability("watch.manage")
def extend(request: AuthedRequest, pk: int) -> HttpResponse:
    record = get_for_user(records_for(request.user), request.user, pk=pk)
    form = ExtendForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.extend_observation(key_person=record, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, f"观察期已延长至 {record.planned_end:%Y-%m-%d}")
            return redirect("watch:detail", pk=record.pk)
    status = 400 if form.errors else 200
    return render(
        request, "watch/form_page.html", _form_page(record, form, "延长观察期"), status=status
    )


def _form_page(record: KeyPerson, form, title: str) -> dict:
    return {"record": record, "form": form, "title": title}


#: Session key: record pk -> the self-report token last generated for it in this
#: session, shown again by the page's GET (a reload, the back button) without a reveal.
SELF_LINKS = "watch.self_links"
SELF_LINKS_KEPT = 20  # the latest records' links; older ones are pressed for again


@require_http_methods(["GET", "HEAD", "POST"])
@require_capability("watch.manage")
def self_link(request: AuthedRequest, pk: int) -> HttpResponse:
    """The key person's self-report link, Post/Redirect/Get. The POST (the button on
    the person's page) generates it — an audited reveal —, keeps it in this session and
    answers 303 to this address; the GET shows the link kept for this record, so a
    reload or the back button reveals nothing again and the signed link never lands in
    a URL or an access log. Without one (another browser, a new session) the GET sends
    back to the person's page. Both check scope, capability and policy alike."""
    record = get_for_user(records_for(request.user), request.user, pk=pk)
    if not record.is_active:
        raise Http404("该人员已不在管控中")
    if not schedule.Policies().self_report_allowed(record.area.path):
        messages.error(request, "本社区未开启本人自报，请在“随访设置”中开启")
        return redirect("watch:detail", pk=record.pk)
    links: dict[str, str] = request.session.get(SELF_LINKS, {})
    if request.method == "POST":
        links.pop(str(record.pk), None)
        links[str(record.pk)] = record.self_report_token()
        request.session[SELF_LINKS] = dict(list(links.items())[-SELF_LINKS_KEPT:])
        audit.record(
            action=AuditEvent.Action.REVEAL, request=request, obj=record, detail="生成本人自报链接"
        )
        return HttpResponseRedirect(reverse("watch:self_link", args=[record.pk]), status=303)
    token = links.get(str(record.pk), "")
    try:
        KeyPerson.objects.filter(pk=record.pk).from_self_report_token(
            token, max_age_days=settings.WATCH_SELF_REPORT_LINK_DAYS
        )
    except (signing.BadSignature, KeyPerson.DoesNotExist):
        messages.info(request, "请点击“本人自报链接”按钮生成链接（每次生成都记入审计日志）")
        return redirect("watch:detail", pk=record.pk)
    import segno

    url = request.build_absolute_uri(reverse("watch:self_report", kwargs={"token": token}))
    return render(
        request,
        "watch/self_link.html",
        {"record": record, "url": url, "qr": segno.make(url, error="m").svg_inline(scale=4)},
    )


@require_POST
@require_capability("watch.followup")
def call(request: AuthedRequest, pk: int) -> HttpResponse:
    """Dial the key person: the full number is revealed to the phone's dialler only,
    and the reveal is audited. A POST (the card's 拨打 button): a prefetch, a crawler
    or the back button repeating a GET would reveal it again."""
    record = get_for_user(records_for(request.user), request.user, pk=pk)
    number = record.person.phone
    if not number:
        messages.error(request, "台账中没有此人的手机号")
        return redirect("watch:today")
    audit.record(
        action=AuditEvent.Action.REVEAL,
        request=request,
        obj=record.person,
        detail="随访拨打电话（查看完整手机号）",
    )
    return TelRedirect(f"tel:{number}")


@require_safe
@require_capability("watch.manage")
def release(request: AuthedRequest) -> HttpResponse:
    """Records at or past their planned end: clean ones proposed for release, the
    others listed with what is missing."""
    now = timezone.now()
    today = schedule.local_day(now)
    records = list(records_for(request.user).ending_by(today).order_by("planned_end", "pk"))
    done = schedule.completeness(records, now=now)
    proposed = [(r, done[r.pk]) for r in records if done[r.pk].clean]
    held = [(r, done[r.pk]) for r in records if not done[r.pk].clean]
    released_today = list(
        records_for(request.user)
        .released_between(*schedule.day_window(today))
        .order_by("-ended_at")
    )
    n = len(released_today)
    return render(
        request,
        "watch/release.html",
        {
            "proposed": proposed,
            "held": held,
            "released_today": released_today,
            # The day's notices in PDFs of at most NOTICES_PER_PDF: (part, first, last).
            "notice_parts": [
                (i // NOTICES_PER_PDF + 1, i + 1, min(i + NOTICES_PER_PDF, n))
                for i in range(0, n, NOTICES_PER_PDF)
            ],
        },
    )


# WeasyPrint lays out a page in tens of milliseconds on a small server: a day's
# notices past this many are printed in parts.
NOTICES_PER_PDF = 500


def _ids(values: list[str]) -> list[int]:
    """Row ids from a form's list: ASCII digits short enough for a database integer
    (``str.isdigit`` alone also accepts "²")."""
    return [int(v) for v in values if v.isascii() and v.isdigit() and len(v) <= 18]


@require_POST
@require_capability("watch.manage")
def release_bulk(request: AuthedRequest) -> HttpResponse:
    ids = _ids(request.POST.getlist("ids"))
    if not ids:
        messages.error(request, "请至少勾选一人")
        return redirect("watch:release")
    records = list(records_for(request.user).active().filter(pk__in=ids))
    if len(records) != len(set(ids)):
        messages.error(request, "所选人员中有人已不在管控中或不在您的辖区，请刷新后重试")
        return redirect("watch:release")
    try:
        released = actions.release_many(key_persons=records, by=request.user)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
        return redirect("watch:release")
    messages.success(request, f"已解除 {len(released)} 人，可在下方打印解除告知书")
    return redirect("watch:release")


@require_safe
@require_capability("watch.manage")
def notice(request: AuthedRequest, pk: int) -> HttpResponse:
    record = get_for_user(records_for(request.user), request.user, pk=pk)
    if record.status != KeyPerson.Status.RELEASED:
        raise Http404("尚未解除，不能打印解除告知书")
    return _pdf(request, [record], f"解除告知书-{record.person.name}.pdf")


@require_safe
@require_capability("watch.manage")
def notices_bulk(request: AuthedRequest) -> HttpResponse:
    """Notices for the ``ids`` given, or for everyone released today; past
    ``NOTICES_PER_PDF`` of them, the ``part`` asked (1, 2, …), none left out unsaid."""
    qs = records_for(request.user).filter(status=KeyPerson.Status.RELEASED)
    ids = _ids(request.GET.getlist("ids"))
    if ids:
        qs = qs.filter(pk__in=ids)
    else:
        qs = qs.released_between(*schedule.day_window(timezone.localdate()))
    qs = qs.order_by("area__path", "pk")
    total = qs.count()
    if not total:
        messages.error(request, "没有可打印的解除告知书")
        return redirect("watch:release")
    parts = -(-total // NOTICES_PER_PDF)
    text = request.GET.get("part", "").strip()
    if not text and parts > 1:
        messages.error(
            request,
            f"共 {total} 份解除告知书，一个 PDF 最多 {NOTICES_PER_PDF} 份，"
            "请在“今日已解除”处分批打印",
        )
        return redirect("watch:release")
    part = int(text) if text.isascii() and text.isdigit() and len(text) <= 6 else 0
    if text and not 1 <= part <= parts:
        return bad_parameter(
            request,
            message=f"没有第 {text[:10]} 批：共 {total} 份解除告知书，"
            f"每批 {NOTICES_PER_PDF} 份，共 {parts} 批",
            link=reverse("watch:release"),
            link_label="返回待解除",
        )
    start = (max(part, 1) - 1) * NOTICES_PER_PDF
    records = list(qs[start : start + NOTICES_PER_PDF])
    suffix = f"-{part}" if parts > 1 else ""
    return _pdf(request, records, f"解除告知书-{timezone.localdate():%Y%m%d}{suffix}.pdf")


def _pdf(request: AuthedRequest, records: list[KeyPerson], filename: str) -> HttpResponse:
    from urllib.parse import quote

    content = notices.release_pdf(records)
    audit.record(
        action=AuditEvent.Action.EXPORT,
        request=request,
        detail=f"打印解除告知书 {len(records)} 份",
    )
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f"inline; filename*=UTF-8''{quote(filename)}"
    return response
