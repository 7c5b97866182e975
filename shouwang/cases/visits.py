"""The daily follow-up of households in key areas (住户随访): the phone page listing the
day's households, one-tap recording, and the audited dial of a resident."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count, Exists, OuterRef, Prefetch, Q
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST, require_safe

from shouwang.accounts import audit
from shouwang.accounts.models import AuditEvent
from shouwang.accounts.roles import Role
from shouwang.core.access import get_for_user
from shouwang.core.forms import recorded
from shouwang.core.permissions import require_capability
from shouwang.core.requests import AuthedRequest
from shouwang.core.responses import TelRedirect
from shouwang.people.models import Household, HouseholdQuerySet
from shouwang.watch.models import FollowUp

from . import actions
from .forms import HouseholdUnreachedForm, HouseholdVisitForm
from .key_areas import active_key_areas, persons_in_key_areas, residents_at_home, visit_list
from .models import HouseholdFinding, HouseholdVisit, KeyArea

CARDS_PER_PAGE = 40


def _chosen_key_area(request: AuthedRequest, key_areas: list[KeyArea]) -> KeyArea | None:
    wanted = request.GET.get("key_area", "")
    return next((k for k in key_areas if str(k.pk) == wanted), None)


def _cards(households: list[Household], *, today) -> list[dict]:
    visits = {
        v.household_id: v
        for v in HouseholdVisit.objects.on(today)
        .filter(household__in=households)
        .select_related("recorded_by")
        .prefetch_related(
            Prefetch("findings", queryset=HouseholdFinding.objects.select_related("person"))
        )
    }
    return [{"household": h, "visit": visits.get(h.pk)} for h in households]


def _page_households(qs: HouseholdQuerySet, pks: list[int]) -> list[Household]:
    residents = residents_at_home().order_by("pk")
    shown = qs.model.objects.with_address().prefetch_related(
        Prefetch("persons", queryset=residents, to_attr="residents")
    )
    by_pk = shown.in_bulk(pks)
    return [by_pk[pk] for pk in pks if pk in by_pk]


def _context(card_households: list[Household], *, today) -> dict:
    return {
        "cards": _cards(card_households, today=today),
        "methods": HouseholdVisit.Method.choices,
        "symptoms": FollowUp.Symptom.choices,
    }


@dataclass(frozen=True)
class _Listing:
    """What the page lists for the request's filter (a grid worker's own grids unless
    ``all=1``, the chosen key area) and its header counts: the page and each tap's
    answer read them here alike."""

    key_areas: list[KeyArea]
    chosen: KeyArea | None
    mine: bool
    households: HouseholdQuerySet
    counts: dict[str, int]


def _listing(request: AuthedRequest, *, today) -> _Listing:
    user = request.user
    key_areas = list(active_key_areas(today).visible_to(user).select_related("area__parent"))
    chosen = _chosen_key_area(request, key_areas)
    mine = user.role == Role.GRID_WORKER and request.GET.get("all") != "1"
    households = visit_list(user, [chosen] if chosen else key_areas, own_grids=mine)
    counts = (
        HouseholdVisit.objects.on(today)
        .filter(household__in=households)
        .aggregate(
            visited=Count("pk", filter=Q(reached=True)),
            unreached=Count("pk", filter=Q(reached=False)),
            abnormal=Count("pk", filter=Q(abnormal=True)),
        )
    )
    return _Listing(key_areas, chosen, mine, households, {"due": households.count(), **counts})


@require_safe
@require_capability("cases.visit")
def household_visits(request: AuthedRequest) -> HttpResponse:
    return _visits_page(request)


def _visits_page(request: AuthedRequest) -> HttpResponse:
    """The day's households; also the page a refused tap sent without htmx comes back
    to."""
    user = request.user
    today = timezone.localdate()
    listing = _listing(request, today=today)
    households = listing.households
    by_address = ("area__path", "unit", "room", "pk")
    if listing.counts["due"] > CARDS_PER_PAGE:
        # Over several pages, by address only: a household visited on page 1 must not
        # pull the next page's households onto it, where the worker has been already.
        ordered = households.order_by(*by_address)
    else:
        # Not yet visited first, then those not reached earlier (联系不上), then done.
        today_visits = HouseholdVisit.objects.on(today).filter(household=OuterRef("pk"))
        ordered = households.annotate(
            visited=Exists(today_visits.reached()), tried=Exists(today_visits.unreached())
        ).order_by("visited", "tried", *by_address)
    page = Paginator(ordered.values_list("pk", flat=True), CARDS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "cases/visits.html",
        {
            **_context(_page_households(households, list(page)), today=today),
            "page": page,
            "key_areas": listing.key_areas,
            "chosen": listing.chosen,
            "mine": listing.mine,
            "can_switch": user.role == Role.GRID_WORKER,
            **listing.counts,
            "now": timezone.now(),
        },
    )


@require_POST
@require_capability("cases.visit")
def household_visit(request: AuthedRequest, pk: int) -> HttpResponse:
    household = get_for_user(Household.objects.with_address(), request.user, pk=pk)
    created, error = recorded(
        HouseholdVisitForm(request.POST, household=household),
        lambda data: actions.record_household_visit(household=household, by=request.user, **data),
    )
    posted = None
    if error and "person" in request.POST:
        # The details form refused: shown again open, as the worker filled it in.
        posted = {
            **{name: request.POST.get(name, "") for name in ("method", "person", "note")},
            "temperature": request.POST.get("temperature", "")[:6],
            "symptoms": request.POST.getlist("symptoms"),
        }
    return _answer(request, household, error=error, created=created, posted=posted)


@require_POST
@require_capability("cases.visit")
def household_unreached(request: AuthedRequest, pk: int) -> HttpResponse:
    """联系不上: today's attempt found nobody; the household stays on the list."""
    household = get_for_user(Household.objects.with_address(), request.user, pk=pk)
    created, error = recorded(
        HouseholdUnreachedForm(request.POST),
        lambda data: actions.record_household_unreached(
            household=household, by=request.user, **data
        ),
    )
    return _answer(request, household, error=error, created=created, done="已记录未联系上")


def _answer(
    request: AuthedRequest,
    household: Household,
    *,
    error: str,
    created: bool,
    posted: dict | None = None,
    done: str = "已记录",
) -> HttpResponse:
    """The household's card again (htmx), or the page with a message."""
    status = 400 if error else 200
    if not request.htmx:
        if error:
            messages.error(request, f"{household.address}：{error}")
            response = _visits_page(request)
            response.status_code = status
            return response
        messages.success(
            request, f"{household.address}：{done if created else '今天已有记录，未重复保存'}"
        )
        return redirect("cases:visits")
    today = timezone.localdate()
    context = _context(_page_households(Household.objects, [household.pk]), today=today)
    card = context["cards"][0] if context["cards"] else {"household": household, "visit": None}
    card.update(error=error, repeat=not error and not created, posted=posted)
    context["card"] = card
    if error:
        # A refused tap leaves the header counts as they were.
        return render(request, "cases/visits.html#card", context, status=status)
    # The tap's URL carries the page's filter: the header counts what the page lists.
    context.update(_listing(request, today=today).counts, now=timezone.now())
    return render(request, "cases/visits.html#tapped", context)


@require_POST
@require_capability("cases.visit")
def resident_call(request: AuthedRequest, pk: int) -> HttpResponse:
    """Dial a resident of a key area: the full number goes to the phone's dialler only,
    and the reveal is audited. A POST (the card's 拨打 button): a prefetch, a crawler
    or the back button repeating a GET would reveal it again."""
    person = get_for_user(persons_in_key_areas(), request.user, pk=pk)
    if not person.phone:
        messages.error(request, "台账中没有此人的手机号")
        return redirect("cases:visits")
    audit.record(
        action=AuditEvent.Action.REVEAL,
        request=request,
        obj=person,
        detail="重点区域住户随访拨打电话（查看完整手机号）",
    )
    return TelRedirect(f"tel:{person.phone}")
