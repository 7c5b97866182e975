"""Follow-ups: the grid worker's phone page 今日随访, one-tap recording, the overdue
list, and the key person's own self-report page (signed link, no login)."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.contrib import messages
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from shouwang.accounts.roles import Role
from shouwang.core.access import get_for_user
from shouwang.core.forms import recorded
from shouwang.core.permissions import require_capability
from shouwang.core.requests import AuthedRequest, PublicRequest
from shouwang.core.responses import bad_parameter

from .. import actions, figures, schedule
from ..alerting import masked_name
from ..api import MAX_BATCH
from ..forms import AttemptForm, BackfillForm, FollowUpForm, SelfReportForm
from ..models import DEFAULT_LOST_AFTER, ContactAttempt, FollowUp, KeyPerson, lists_own_only
from .records import records_for

CARDS_PER_PAGE = 40
OVERDUE_PER_PAGE = 50


def _cards(
    records: list[KeyPerson],
    *,
    now,
    policies: schedule.Policies | None = None,
    backfill: dict[int, list[schedule.DueSlot]] | None = None,
) -> list[dict]:
    sheet = schedule.today_sheet(records, now=now, policies=policies)
    lost = schedule.suspected_lost_of(records, policies=policies)
    if backfill is None:
        backfill = figures.to_backfill(records, now=now, policies=policies)
    today = schedule.local_day(now)
    cards = []
    for record in records:
        states = sheet[record.pk]
        cards.append(
            {
                "record": record,
                "today": today,
                "states": states,
                "day": record.day_number(today),
                "pending": any(s.can_record for s in states) or record.pk in backfill,
                "progress": schedule.progress(states),
                "lost": lost.get(record.pk),
                "backfill": backfill.get(record.pk, []),
                # No longer under control: only the 补录 of slots owed before is offered.
                "ended": record.status != KeyPerson.Status.ACTIVE,
            }
        )
    return cards


def _listed(request: AuthedRequest) -> tuple[bool, figures.FollowUpSheet]:
    """Whether the page lists the grid worker's own records (unless ``all=1``), and the
    sheet of what it lists: the page and each tap's header counts read it here alike."""
    user = request.user
    everyone = request.GET.get("all") == "1"
    yesterday = schedule.local_day(timezone.now()) - timedelta(days=1)
    return lists_own_only(user, everyone=everyone), figures.followup_sheet(
        KeyPerson.objects.on_followup_sheet(user, everyone=everyone),
        FollowUp.objects.visible_to(user),
        ended=KeyPerson.objects.ended_on_followup_sheet(
            user, since=schedule.day_start(yesterday), everyone=everyone
        ),
    )


@require_safe
@require_capability("watch.followup")
def today(request: AuthedRequest) -> HttpResponse:
    return _today_page(request)


def _today_page(request: AuthedRequest) -> HttpResponse:
    """今日随访; also the page a refused tap sent without htmx comes back to."""
    user = request.user
    mine, sheet = _listed(request)
    now, policies = sheet.now, sheet.policies
    page = Paginator(sheet.rows, CARDS_PER_PAGE).get_page(request.GET.get("page"))
    # (A record moved out of reach since the first read is left out, not a 500.)
    ended = sheet.ended if page.number == 1 else []
    shown = records_for(user).in_bulk([row.pk for row in [*page, *ended]])
    return render(
        request,
        "watch/today.html",
        {
            "cards": _cards(
                [shown[row.pk] for row in page if row.pk in shown],
                now=now,
                policies=policies,
                backfill=sheet.backfill,
            ),
            "ended_cards": _cards(
                [shown[row.pk] for row in ended if row.pk in shown],
                now=now,
                policies=policies,
                backfill=sheet.backfill,
            ),
            "page": page,
            "mine": mine,
            "can_switch": user.role == Role.GRID_WORKER,
            "total": sheet.total,
            "now": now,
            "methods": FollowUp.WORKER_METHODS,
            "symptoms": FollowUp.Symptom.choices,
            # The most items the phone sends in one batch of taps kept while offline.
            "max_batch": MAX_BATCH,
        },
    )


@require_POST
@require_capability("watch.followup")
def followup(request: AuthedRequest, pk: int) -> HttpResponse:
    record = get_for_user(records_for(request.user), request.user, pk=pk)
    # A tap is recorded as it arrives, for the page's day (the late-upload rule judges
    # a page left open past midnight).
    now = timezone.now()
    created, error = recorded(
        FollowUpForm(request.POST),
        lambda data: actions.record_followup(
            key_person=record,
            client_id=data["client_id"],
            day=data["day"],
            slot=data["slot"],
            method=data["method"],
            temperature=data["temperature"],
            symptoms=data["symptoms"],
            note=data["note"],
            by=request.user,
            recorded_at=now,
            now=now,
        ),
    )
    return _tapped(
        request,
        record,
        error=error,
        created=created,
        done="已记录",
        repeat="本时段已有记录，未重复保存",
    )


@require_POST
@require_capability("watch.followup")
def backfill(request: AuthedRequest, pk: int) -> HttpResponse:
    """补录: a follow-up of a missed slot (yesterday's; today's of a record ended
    since), done at the time the worker gives."""
    record = get_for_user(records_for(request.user), request.user, pk=pk)
    created, error = recorded(
        BackfillForm(request.POST),
        lambda data: actions.backfill_followup(
            key_person=record,
            client_id=data["client_id"],
            day=data["slot_day"],
            slot=data["slot"],
            done_at=data["done_at"],
            method=data["method"],
            temperature=data["temperature"],
            symptoms=data["symptoms"],
            note=data["note"],
            by=request.user,
        ),
    )
    return _tapped(
        request,
        record,
        error=error,
        created=created,
        done="已补录",
        repeat="该时段已有记录，未重复保存",
    )


@require_POST
@require_capability("watch.followup")
def attempt(request: AuthedRequest, pk: int) -> HttpResponse:
    """未联系上: a call nobody answered, nobody home. Kept, but the slot stays to do."""
    record = get_for_user(records_for(request.user), request.user, pk=pk)
    now = timezone.now()  # as a follow-up's tap: recorded as it arrives, for the page's day
    created, error = recorded(
        AttemptForm(request.POST),
        lambda data: actions.record_attempt(
            key_person=record, by=request.user, recorded_at=now, now=now, **data
        ),
    )
    return _tapped(
        request,
        record,
        error=error,
        created=created,
        done="已记录未联系上",
        repeat="已记录，未重复保存",
    )


def _tapped(
    request: AuthedRequest,
    record: KeyPerson,
    *,
    error: str,
    created: bool,
    done: str,
    repeat: str,
) -> HttpResponse:
    """The answer to a tap on a card: the card again (htmx, with the header counts when
    it was stored), or back to the page with a message (``done``; ``repeat`` when
    nothing new was stored)."""
    status = 400 if error else 200
    if not request.htmx:
        if error:
            messages.error(request, f"{record.person.name}：{error}")
            response = _today_page(request)
            response.status_code = status
            return response
        messages.success(request, f"{record.person.name}：{done}")
        return redirect("watch:today")
    card = _cards([record], now=timezone.now())[0]
    card["error"] = error
    card["repeat"] = repeat if not error and not created else ""
    card["done"] = done if created else ""
    if error and _detailed(request.POST):
        card["typed"] = _typed(request.POST)
    context = {
        "card": card,
        "methods": FollowUp.WORKER_METHODS,
        "symptoms": FollowUp.Symptom.choices,
    }
    if error:
        # A refused tap leaves the header counts as they were.
        return render(request, "watch/today.html#card", context, status=status)
    # The tap's URL carries the page's filter: the header counts what the page lists.
    _, sheet = _listed(request)
    context.update(total=sheet.total, now=sheet.now)
    return render(request, "watch/today.html#tapped", context)


def _detailed(data) -> bool:
    """Sent from the 异常 / 填写详情 form (not a one-tap 正常)."""
    return any(data.get(name) for name in ("temperature", "symptoms", "note"))


def _typed(data) -> dict:
    """What a refused 异常 form held, to show it again as it was typed."""
    slot = data.get("slot", "")
    return {
        "slot": int(slot) if slot.isascii() and slot.isdigit() and len(slot) < 4 else None,
        "method": data.get("method", ""),
        "temperature": data.get("temperature", "")[:5],
        "symptoms": data.getlist("symptoms"),
        "note": data.get("note", "")[:200],
    }


@require_safe
@require_capability("watch.view")
def overdue(request: AuthedRequest) -> HttpResponse:
    """Missed follow-up slots of records under control, computed on read."""
    text = request.GET.get("days", "").strip() or "3"
    days = int(text) if text.isascii() and text.isdigit() else 0
    if not 1 <= days <= 30:
        return bad_parameter(
            request,
            message=f"天数“{text[:30]}”无效：请填写 1 到 30 之间的整数",
            link=reverse("watch:overdue"),
            link_label="查看近 3 天的逾期随访",
        )
    now = timezone.now()
    user = request.user
    records = KeyPerson.objects.visible_to(user).active().schedule_rows()
    since = schedule.day_start(schedule.local_day(now) - timedelta(days=days - 1))
    filled = schedule.filled_slots(
        FollowUp.objects.visible_to(user),
        first=schedule.first_day_due_from(since),
        last=schedule.local_day(now),
    )
    missed = schedule.overdue_slots(records, now=now, since=since, filled=filled)
    by_id = {r.pk: r for r in records}
    grouped: dict[int, list] = {}
    for due in missed:
        grouped.setdefault(due.key_person_id, []).append(due)
    ordered = sorted(grouped.items(), key=lambda item: (-len(item[1]), by_id[item[0]].area_path))
    page = Paginator(ordered, OVERDUE_PER_PAGE).get_page(request.GET.get("page"))
    shown = records_for(user).in_bulk([pk for pk, _ in page])
    return render(
        request,
        "watch/overdue.html",
        {
            "rows": [(shown[pk], slots) for pk, slots in page if pk in shown],
            "page": page,
            "days": days,
            "total": len(missed),
            "now": now,
        },
    )


@require_safe
@require_capability("watch.view")
def lost(request: AuthedRequest) -> HttpResponse:
    """疑似失联: records under control whose follow-ups reached nobody in the
    community's number of slots (随访设置) with no follow-up since — for staff to find
    them, or set 失联 through the status change (its reasons offered)."""
    user = request.user
    found = schedule.suspected_lost(
        KeyPerson.objects.visible_to(user).active().schedule_rows(),
        attempts=ContactAttempt.objects.visible_to(user),
        followups=FollowUp.objects.visible_to(user),
    )
    page = Paginator(found, OVERDUE_PER_PAGE).get_page(request.GET.get("page"))
    shown = records_for(user).in_bulk([lost.key_person_id for lost in page])
    return render(
        request,
        "watch/lost.html",
        {
            "rows": [(shown[x.key_person_id], x) for x in page if x.key_person_id in shown],
            "page": page,
            "now": timezone.now(),
            "default_lost_after": DEFAULT_LOST_AFTER,
        },
    )


@require_http_methods(["GET", "HEAD", "POST"])
def self_report(request: PublicRequest, token: str) -> HttpResponse:
    """The key person's own page: temperature and symptoms, no login."""
    try:
        record = KeyPerson.objects.from_self_report_token(
            token, max_age_days=settings.WATCH_SELF_REPORT_LINK_DAYS
        )
    except signing.SignatureExpired:
        return _self_report_refused(request, "链接已过期，请联系社区重新获取", status=410)
    except (signing.BadSignature, KeyPerson.DoesNotExist):
        return _self_report_refused(request, "链接无效，请联系社区重新获取", status=404)
    if record.status != KeyPerson.Status.ACTIVE:
        return _self_report_refused(request, actions.self_report_ended_message(record), status=404)
    policies = schedule.Policies()
    if not policies.self_report_allowed(record.area.path):
        return _self_report_refused(request, "本社区暂未开通自报，请等待网格员联系", status=403)
    now = timezone.now()
    counted = actions.self_report_slot(policies.slots_for(record.area.path), now)
    slot = counted.slot if counted else None
    today = schedule.local_day(now)
    existing = (
        FollowUp.objects.filter(key_person=record, day=today, slot=slot.number).first()
        if slot
        else None
    )
    form = SelfReportForm(request.POST or None)
    status, refusal = 200, ""
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            try:
                actions.record_self_report(
                    key_person=record,
                    client_id=data["client_id"],
                    temperature=data["temperature"],
                    symptoms=data["symptoms"],
                    note=data["note"],
                    now=now,
                )
            except actions.SelfReportRefused as exc:  # the page says why, above the form
                status, refusal = 409, str(exc)
            except ValidationError as exc:  # keyed by API fields this form lacks
                form.add_error(None, exc.messages)
            else:
                return redirect(request.path)
    return render(
        request,
        "watch/self_report.html",
        {
            "record": record,
            "name": masked_name(record.person.name),
            "day": record.day_number(today),
            "slot": slot,
            "counted": counted,
            "existing": existing,
            "form": form,
            "refusal": refusal,
        },
        status=status,
    )


def _self_report_refused(request: PublicRequest, message: str, *, status: int) -> HttpResponse:
    return render(request, "watch/self_report.html", {"refused": message}, status=status)
