from datetime import timedelta

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from shouwang.accounts import audit
from shouwang.accounts.models import AuditEvent
from shouwang.areas.models import Area
from shouwang.core.access import get_for_user
from shouwang.core.forms import error_text
from shouwang.core.permissions import require_capability
from shouwang.core.requests import AuthedRequest
from shouwang.people.models import Person
from shouwang.watch.models import KeyPerson

from . import actions, presence
from .chain import chain_for
from .forms import (
    CaseChangeForm,
    CaseFilterForm,
    CaseForm,
    ContactForm,
    KeyAreaForm,
    LiftForm,
    NewPersonForm,
    ObserveForm,
    SearchForm,
    TraceContactsForm,
    TraceForm,
)
from .key_areas import (
    key_area_of_case,
    not_at_home,
    persons_in_key_areas,
    unvisited,
    visit_progress,
)
from .lookup import find_persons
from .models import Case, Contact, KeyArea, Trace

PAGE_SIZE = 50
TRACE_ROWS_SHOWN = 500  # per hop, closest first
MISSED_SHOWN = 100  # households a key area missed yesterday, listed on its page
NAMES_SHOWN = 10  # persons named in a message, the others counted


def _person_areas(request: AuthedRequest):
    return Area.objects.visible_to(request.user).filter(
        kind__in=[Area.Kind.COMMUNITY, Area.Kind.COMPOUND, Area.Kind.BUILDING]
    )


def _posted(request: AuthedRequest):
    """The POST data for a form, even empty (an empty POST is a bound, invalid form)."""
    return request.POST if request.method == "POST" else None


def _status(form) -> int:
    return 400 if form.is_bound and form.errors else 200


def _found(request: AuthedRequest, form: SearchForm) -> list[Person]:
    """The ledger persons the user may see matching a valid search; none otherwise (a
    search too long, or with a NUL the database refuses, is answered by its error)."""
    if not form.is_valid():
        return []
    return find_persons(Person.objects.visible_to(request.user), form.cleaned_data["q"])


# Cases ------------------------------------------------------------------------------


@require_safe
@require_capability("cases.view")
def case_list(request: AuthedRequest) -> HttpResponse:
    form = CaseFilterForm(request.GET or None)
    visible = Case.objects.visible_to(request.user)
    qs = visible.select_related("person", "area__parent", "institution")
    if form.is_valid():
        qs = qs.search(form.cleaned_data["q"])
        if form.cleaned_data["classification"]:
            qs = qs.of_classification(form.cleaned_data["classification"])
        if form.cleaned_data["institution"]:
            qs = qs.treated_in(form.cleaned_data["institution"])
        if form.cleaned_data["status"] == "open":
            qs = qs.open()
        elif form.cleaned_data["status"] == "closed":
            qs = qs.closed()
    elif form.is_bound:  # a mistyped filter never widens the answer to every case
        qs = qs.none()
    counts = dict(visible.values_list("classification").annotate(n=Count("id")).order_by())
    cards = [(label, counts.get(value, 0)) for value, label in Case.Classification.choices]
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    template = "cases/case_list.html"
    if request.htmx:
        template += "#rows"
    return render(
        request, template, {"form": form, "page": page, "cards": cards}, status=_status(form)
    )


@require_http_methods(["GET", "HEAD", "POST"])
@require_capability("cases.edit")
def case_new(request: AuthedRequest) -> HttpResponse:
    # Searched by POST: a full ID or phone number never lands in a URL or access log.
    form = SearchForm(_posted(request))
    persons = _found(request, form)
    taken = set(Case.objects.filter(person__in=persons).values_list("person_id", flat=True))
    return render(
        request,
        "cases/case_new.html",
        {
            "form": form,
            "persons": persons,
            "taken": taken,
            "searched": form.is_valid() and bool(form.cleaned_data["q"]),
        },
        status=_status(form),
    )


@require_http_methods(["GET", "HEAD", "POST"])
@require_capability("cases.edit")
def case_create(request: AuthedRequest, person_pk: int) -> HttpResponse:
    person = get_for_user(Person, request.user, pk=person_pk)
    form = CaseForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            case = actions.create_case(
                person=person, by=request.user, request=request, **form.cleaned_data
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, f"已登记病例：{case}")
            return redirect("cases:detail", pk=case.pk)
    return render(
        request, "cases/case_form.html", {"form": form, "person": person}, status=_status(form)
    )


@require_http_methods(["GET", "HEAD", "POST"])
@require_capability("cases.edit")
def case_create_new(request: AuthedRequest) -> HttpResponse:
    person_form = NewPersonForm(_posted(request), areas=_person_areas(request))
    form = CaseForm(_posted(request))
    if request.method == "POST" and person_form.is_valid() and form.is_valid():
        try:
            case = actions.create_case(
                person=person_form.draft(), by=request.user, request=request, **form.cleaned_data
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, f"已登记病例：{case}")
            return redirect("cases:detail", pk=case.pk)
    status = 400 if request.method == "POST" else 200
    return render(
        request, "cases/case_form.html", {"form": form, "person_form": person_form}, status=status
    )


@require_safe
@require_capability("cases.view")
def case_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    case = get_for_user(
        Case.objects.select_related("person__area", "area__parent", "reported_by", "institution"),
        request.user,
        pk=pk,
    )
    contacts = list(
        case.contacts.visible_to(request.user)
        .with_own_case()
        .select_related("person__area__parent", "key_person", "via__person")
    )
    can_trace = request.user.can("cases.trace")
    before_window = set(case.contacts_before_window().values_list("pk", flat=True))
    ended = Contact.observation_over_among(contacts)
    own_cases = {c.own_case_id for c in contacts if c.own_case_id is not None}
    visible_own_cases = (
        set(
            Case.objects.visible_to(request.user)
            .filter(pk__in=own_cases)
            .values_list("pk", flat=True)
        )
        if own_cases
        else set()
    )
    review_contacts = [c for c in contacts if c.pk in before_window]
    review_traces = (
        list(case.traces_on_old_dates().select_related("requested_by"))
        if can_trace and case.needs_retrace()
        else []
    )
    return render(
        request,
        "cases/case_detail.html",
        {
            "case": case,
            "contacts": contacts,
            # A 次密接's close contact is named only if the viewer sees them too.
            "shown_contacts": {c.pk for c in contacts},
            "before_window": before_window,
            "ended": ended,
            "visible_cases": visible_own_cases,
            "review_contacts": review_contacts,
            "review_traces": review_traces,
            "events": case.events.select_related("by"),
            "chain": chain_for(case, request.user),
            "key_areas": case.key_areas.visible_to(request.user).select_related("area"),
            "home_key_area": key_area_of_case(case, request.user),
            "observed_after_exclusion": list(
                case.contacts_observed_after_exclusion()
                .visible_to(request.user)
                .select_related("person")
            ),
            "traces": case.traces.select_related("requested_by") if can_trace else None,
        },
    )


@require_http_methods(["GET", "HEAD", "POST"])
@require_capability("cases.edit")
def case_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    case = get_for_user(Case.objects.select_related("person"), request.user, pk=pk)
    form = CaseChangeForm(_posted(request), case=case)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            actions.change_case(case=case, by=request.user, request=request, **data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, "已保存变更")
            window_from = case.infectious_from()
            case.refresh_from_db()
            if case.infectious_from() != window_from and (
                case.contacts_before_window().exists() or case.traces_on_old_dates().exists()
            ):
                messages.warning(
                    request,
                    f"可传染期起点已由 {window_from} 改为 {case.infectious_from()}："
                    "已登记的密接和追踪结果均保留，请按页面提示复核",
                )
            return redirect("cases:detail", pk=case.pk)
    return render(
        request, "cases/case_edit.html", {"form": form, "case": case}, status=_status(form)
    )


# Contacts ---------------------------------------------------------------------------


def _via(request: AuthedRequest, case: Case) -> Contact | None:
    via_pk = request.GET.get("via") or request.POST.get("via")
    if not via_pk:
        return None
    return get_for_user(case.contacts.close().select_related("person"), request.user, pk=via_pk)


@require_safe
@require_capability("cases.view")
def contact_list(request: AuthedRequest) -> HttpResponse:
    qs = (
        Contact.objects.visible_to(request.user)
        .with_own_case()
        .select_related("person__area__parent", "case__person", "key_person")
    )
    pending = request.GET.get("pending") == "1"
    if pending:
        qs = qs.pending()
    page = Paginator(qs.order_by("-last_contact_date", "-id"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    ended = Contact.observation_over_among(page)
    visible_cases = set(
        Case.objects.visible_to(request.user)
        .filter(pk__in=[c.case_id for c in page] + [c.own_case_id for c in page if c.own_case_id])
        .values_list("pk", flat=True)
    )
    return render(
        request,
        "cases/contact_list.html",
        {"page": page, "pending": pending, "visible_cases": visible_cases, "ended": ended},
    )


@require_http_methods(["GET", "HEAD", "POST"])
@require_capability("cases.edit")
def contact_add(request: AuthedRequest, pk: int) -> HttpResponse:
    case = get_for_user(Case.objects.select_related("person"), request.user, pk=pk)
    if refusal := case.contact_refusal():
        messages.error(request, refusal)
        return redirect("cases:detail", pk=case.pk)
    via = _via(request, case)
    form = SearchForm(_posted(request))
    return render(
        request,
        "cases/contact_add.html",
        {
            "case": case,
            "via": via,
            "form": form,
            "persons": _found(request, form),
            "searched": form.is_valid() and bool(form.cleaned_data["q"]),
        },
        status=_status(form),
    )


def _save_contact(request: AuthedRequest, case: Case, person=None) -> HttpResponse:
    if request.method == "GET" and (refusal := case.contact_refusal()):
        messages.error(request, refusal)
        return redirect("cases:detail", pk=case.pk)
    via = _via(request, case)
    form = ContactForm(_posted(request))
    person_form = None
    if person is None:
        person_form = NewPersonForm(_posted(request), areas=_person_areas(request))
    if (
        request.method == "POST"
        and form.is_valid()
        and (person_form is None or person_form.is_valid())
    ):
        try:
            contact, created = actions.add_contact(
                case=case,
                person=person if person is not None else person_form.draft(),
                via=via,
                by=request.user,
                request=request,
                **form.cleaned_data,
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            verb = "已登记" if created else "已更新"
            messages.success(
                request, f"{verb}{contact.get_degree_display()}：{contact.person.name}"
            )
            return redirect("cases:detail", pk=case.pk)
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "cases/contact_form.html",
        {"case": case, "via": via, "person": person, "form": form, "person_form": person_form},
        status=status,
    )


@require_http_methods(["GET", "HEAD", "POST"])
@require_capability("cases.edit")
def contact_create(request: AuthedRequest, pk: int, person_pk: int) -> HttpResponse:
    case = get_for_user(Case.objects.select_related("person"), request.user, pk=pk)
    person = get_for_user(Person.objects.select_related("area"), request.user, pk=person_pk)
    return _save_contact(request, case, person)


@require_http_methods(["GET", "HEAD", "POST"])
@require_capability("cases.edit")
def contact_create_new(request: AuthedRequest, pk: int) -> HttpResponse:
    case = get_for_user(Case.objects.select_related("person"), request.user, pk=pk)
    return _save_contact(request, case)


@require_http_methods(["GET", "HEAD", "POST"])
@require_capability("cases.edit")
def contact_observe(request: AuthedRequest, pk: int) -> HttpResponse:
    contact = get_for_user(
        Contact.objects.select_related("person__area", "case__person", "key_person"),
        request.user,
        pk=pk,
    )
    initial = {
        "measure": KeyPerson.Measure.CENTRAL
        if contact.degree == Contact.Degree.CLOSE
        else KeyPerson.Measure.HOME
    }
    form = ObserveForm(_posted(request), initial=initial)
    # A contact living in the user's community may belong to another community's case.
    case_visible = Case.objects.visible_to(request.user).filter(pk=contact.case_id).exists()
    category = actions.watch_category(contact)  # once, for the checks and the dates
    refusal = actions.observe_refusal(contact, by=request.user, category=category)
    if request.method == "POST" and form.is_valid():
        try:
            key_person = actions.observe_contact(
                contact=contact,
                measure=form.cleaned_data["measure"],
                by=request.user,
                request=request,
            )
        except actions.AlreadyObserved as exc:
            messages.info(request, f"{contact.person.name} {exc.message}")
            if case_visible:
                return redirect("cases:detail", pk=contact.case_id)
            return redirect("cases:contacts")
        except actions.RecordInTheWay as exc:
            refusal = exc.refusal
            form.add_error(None, exc)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(
                request,
                f"{contact.person.name} 已纳入重点人员（{key_person.category.name}），"
                f"观察至 {key_person.planned_end:%Y-%m-%d}",
            )
            if case_visible:
                return redirect("cases:detail", pk=contact.case_id)
            return redirect("cases:contacts")
    return render(
        request,
        "cases/contact_observe.html",
        {
            "contact": contact,
            "case_visible": case_visible,
            "form": form,
            "planned_end": actions.observation_end(contact, category=category),
            "over": actions.observation_over(contact, category=category),
            "refusal": refusal and _refusal_html(refusal),
        },
        status=_status(form),
    )


# Key areas --------------------------------------------------------------------------


@require_safe
@require_capability("cases.view")
def key_area_list(request: AuthedRequest) -> HttpResponse:
    visible = KeyArea.objects.visible_to(request.user).select_related(
        "area__parent", "case__person"
    )
    active = list(visible.active())
    ended = visible.exclude(pk__in=[k.pk for k in active])[:PAGE_SIZE]
    residents = persons_in_key_areas().visible_to(request.user).count()
    # Today's visits and yesterday's misses of each key area in force.
    progress = visit_progress(active, days=2)
    rows = [(k, *(progress[k.pk] + [None, None])[:2]) for k in active]
    return render(
        request,
        "cases/key_area_list.html",
        {"rows": rows, "ended": ended, "residents": residents},
    )


@require_http_methods(["GET", "HEAD", "POST"])
@require_capability("cases.key_areas")
def key_area_new(request: AuthedRequest) -> HttpResponse:
    areas = (
        Area.objects.visible_to(request.user)
        .filter(kind__in=[Area.Kind.COMPOUND, Area.Kind.BUILDING])
        .select_related("parent")
    )
    case = None
    covered = None
    initial = {}
    # A case whose address is known only to its community: its compound is to be chosen.
    community_only = None
    if request.GET.get("case"):
        case = get_for_user(
            Case.objects.select_related("person", "area"), request.user, pk=request.GET["case"]
        )
        initial = {
            "reason": f"{case.get_classification_display()}病例 {case.person.name} 所在区域",
        }
        covered = key_area_of_case(case, request.user)
        target = case.area.ancestor_of_kind(Area.Kind.COMPOUND) or case.area
        if areas.filter(pk=target.pk).exists():
            initial["area"] = target
        else:
            community_only = case.area
    form = KeyAreaForm(_posted(request), areas=areas, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            key_area = actions.mark_key_area(
                case=case, by=request.user, request=request, **form.cleaned_data
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, f"已标记重点区域：{key_area.area.name}")
            inside = list(key_area.marks_inside().select_related("area")[:NAMES_SHOWN])
            if inside:
                names = "、".join(f"{k.area.name}（{k.get_level_display()}）" for k in inside)
                messages.info(
                    request,
                    f"区域内已另行标记的{names}仍按各自级别管控、各自解除，"
                    "并计为同一个重点区域；如已无需单独管控，请解除其标记",
                )
            return redirect("cases:key_area", pk=key_area.pk)
    return render(
        request,
        "cases/key_area_form.html",
        {"form": form, "case": case, "community_only": community_only, "covered": covered},
        status=_status(form),
    )


def _key_area_for(request: AuthedRequest, pk: int) -> KeyArea:
    return get_for_user(
        KeyArea.objects.select_related("area", "case__person", "marked_by", "lifted_by"),
        request.user,
        pk=pk,
    )


@require_safe
@require_capability("cases.view")
def key_area_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    return _key_area_page(request, _key_area_for(request, pk))


def _key_area_page(
    request: AuthedRequest, key_area: KeyArea, *, lift_form: LiftForm | None = None, status=200
) -> HttpResponse:
    persons = (
        Person.objects.visible_to(request.user)
        .current()
        .within(key_area.area)
        .select_related("area__parent", "household__area__parent")
        .order_by("area__path", "household_id", "id")
    )
    page = Paginator(persons, PAGE_SIZE).get_page(request.GET.get("page"))
    households = (
        Person.objects.visible_to(request.user)
        .current()
        .within(key_area.area)
        .exclude(household=None)
        .values("household")
        .distinct()
        .count()
    )
    # Residents with no household (e.g. added during an investigation) are on no visit
    # list: say so, so that staff enter their door in the ledger.
    unhoused = persons.filter(household=None).count()
    away = not_at_home(persons).count()
    days = visit_progress([key_area])[key_area.pk]
    yesterday = timezone.localdate() - timedelta(days=1)
    return render(
        request,
        "cases/key_area_detail.html",
        {
            "key_area": key_area,
            "page": page,
            "households": households,
            "active": key_area.is_active(),
            "can_lift": key_area.can_lift(),
            "lift_form": lift_form or LiftForm(),
            "days": days,
            "today": days[0] if days and key_area.is_active() else None,
            "missed": unvisited(key_area, yesterday)[:MISSED_SHOWN]
            if key_area.is_active(yesterday)
            else [],
            "yesterday": yesterday,
            "unhoused": unhoused,
            "away": away,
        },
        status=status,
    )


@require_POST
@require_capability("cases.key_areas")
def key_area_lift(request: AuthedRequest, pk: int) -> HttpResponse:
    key_area = _key_area_for(request, pk)
    form = LiftForm(request.POST)
    if form.is_valid():
        try:
            actions.lift_key_area(
                key_area=key_area,
                by=request.user,
                reason=form.cleaned_data["reason"],
                request=request,
            )
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
        else:
            messages.success(request, f"已解除重点区域：{key_area.area.name}")
            return redirect("cases:key_area", pk=key_area.pk)
    else:
        messages.error(request, "请填写解除原因")
    key_area.refresh_from_db()
    return _key_area_page(request, key_area, lift_form=form, status=400)


# Presence tracing (HQ only; every query and every look at results is audited) -------


@require_http_methods(["GET", "HEAD", "POST"])
@require_capability("cases.trace")
def trace_new(request: AuthedRequest, pk: int) -> HttpResponse:
    case = get_for_user(Case.objects.select_related("person"), request.user, pk=pk)
    form = TraceForm(_posted(request), case=case)
    if request.method == "POST" and form.is_valid():
        try:
            trace = actions.run_trace(
                case=case, by=request.user, request=request, **form.cleaned_data
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            return redirect("cases:trace", pk=trace.pk)
    return render(
        request,
        "cases/trace_form.html",
        {"case": case, "form": form, "available": presence.current_source() is not None},
        status=_status(form),
    )


def _trace_for(request: AuthedRequest, pk: int) -> Trace:
    return get_for_user(
        Trace.objects.select_related("case__person", "requested_by"), request.user, pk=pk
    )


@require_safe
@require_capability("cases.trace")
def trace_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    trace = _trace_for(request, pk)
    if request.htmx:
        response = render(
            request,
            "cases/trace_detail.html#status",
            {"trace": trace, "refusal": trace.case.trace_refusal()},
        )
        if trace.second_hop in (Trace.Status.DONE, Trace.Status.FAILED):
            response["HX-Refresh"] = "true"
        return response
    return _trace_page(request, trace)


def _trace_page(
    request: AuthedRequest, trace: Trace, *, form: TraceContactsForm | None = None, status=200
) -> HttpResponse:
    """The results page (a look at them, audited), also with a refused request's message."""
    audit.record(
        action=AuditEvent.Action.TRACE,
        request=request,
        obj=trace.case,
        detail=f"查看追踪结果（追踪 {trace.pk}）；目的：{trace.purpose}",
    )
    hits = (
        trace.hits.shown_to(request.user)
        .select_related("person__area__parent", "contact", "via__person")
        .with_via_shown(request.user)
    )
    return render(
        request,
        "cases/trace_detail.html",
        {
            "trace": trace,
            "hop1": hits.filter(hop=1)[:TRACE_ROWS_SHOWN],
            "hop2": hits.filter(hop=2)[:TRACE_ROWS_SHOWN],
            "counts": trace.counts_for(request.user),
            "rows_shown": TRACE_ROWS_SHOWN,
            "form": form or TraceContactsForm(trace=trace, user=request.user),
            # Neither hop 2 nor contacts are offered where they would be refused.
            "refusal": trace.case.trace_refusal(),
        },
        status=status,
    )


@require_POST
@require_capability("cases.trace")
def trace_second_hop(request: AuthedRequest, pk: int) -> HttpResponse:
    trace = _trace_for(request, pk)
    try:
        actions.request_second_hop(trace=trace, by=request.user, request=request)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
        trace.refresh_from_db()
        return _trace_page(request, trace, status=400)
    messages.success(request, "已提交第二跳追踪，后台完成后本页自动刷新")
    return redirect("cases:trace", pk=trace.pk)


@require_POST
@require_capability("cases.trace")
def trace_contacts(request: AuthedRequest, pk: int) -> HttpResponse:
    trace = _trace_for(request, pk)
    form = TraceContactsForm(request.POST, trace=trace, user=request.user)
    if not form.is_valid():
        messages.error(request, error_text(form))
        return _trace_page(request, trace, form=form, status=400)
    try:
        result = actions.contacts_from_trace(
            trace=trace,
            hits=list(form.cleaned_data["hits"].select_related("person")),
            observe=form.cleaned_data["observe"],
            measure=form.cleaned_data["measure"],
            by=request.user,
            request=request,
        )
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
        return _trace_page(request, trace, form=form, status=400)
    if result.beyond:
        names = "、".join(h.person.name for h in result.beyond[:NAMES_SHOWN])
        if len(result.beyond) > NAMES_SHOWN:
            names += f" 等 {len(result.beyond)} 人"
        messages.warning(request, f"{names} 经由的第一跳人员已是次密接，未登记为次密接")
    if not result.contacts:
        return redirect("cases:detail", pk=trace.case_id)
    if not (result.created or result.observed):  # sent again, or all listed before
        messages.info(request, f"所选 {len(result.contacts)} 人已登记为密接，未重复登记")
    else:
        suffix = ""
        left = (
            len(result.ended)
            + len(result.refused)
            + len(result.to_resume)
            + sum(map(len, result.cases.values()))
        )
        if form.cleaned_data["observe"] and not left:
            suffix = "，并已纳入重点人员管控"
        elif form.cleaned_data["observe"]:
            suffix = f"，其中 {len(result.contacts) - left} 人已纳入重点人员管控"
        messages.success(request, f"已登记密接 {len(result.contacts)} 人{suffix}")
    if result.ended:
        names = "、".join(c.person.name for c in result.ended[:NAMES_SHOWN])
        if len(result.ended) > NAMES_SHOWN:
            names += f" 等 {len(result.ended)} 人"
        messages.warning(request, f"{names} 的观察期（自末次接触起）已结束，未纳入管控")
    in_the_way = result.refused + result.to_resume
    if len(in_the_way) == 1:
        messages.warning(request, _refusal_html(in_the_way[0][1]))
    else:
        for skipped, reason in (
            (result.refused, "的管控记录已结束，末次接触不在其后，未重新纳入管控"),
            (result.to_resume, "已有失联/转医院的管控记录，未新建记录"),
        ):
            if skipped:
                messages.warning(request, _names_in_the_way(skipped, reason))
    for label, cases in result.cases.items():
        names = "、".join(c.person.name for c in cases[:NAMES_SHOWN])
        if len(cases) > NAMES_SHOWN:
            names += f" 等 {len(cases)} 人"
        messages.warning(
            request, f"{names} 本人已是病例（{label}），按病例管理，未作为密接纳入管控"
        )
    return redirect("cases:detail", pk=trace.case_id)


def _names_in_the_way(skipped: list[tuple[Contact, actions.Refusal]], reason: str) -> str:
    """Trace hits refused for one reason, named up to ``NAMES_SHOWN``, with where each
    one's state is shown: the contact list (the outcome of an ended record; a record to
    resume on the 纳入管控 page, linked)."""
    names = "、".join(c.person.name for c, _ in skipped[:NAMES_SHOWN])
    if len(skipped) > NAMES_SHOWN:
        names += f" 等 {len(skipped)} 人"
    return format_html(
        '{} {}；各人管控状态见<a href="{}">密切接触者</a>列表',
        names,
        reason,
        reverse("cases:contacts"),
    )


def _refusal_html(refusal: actions.Refusal) -> str:
    """A refusal's text, linked to the record in the way when the user may see it."""
    if refusal.record is None:
        return refusal.text
    url = reverse("watch:detail", args=[refusal.record.pk])
    return format_html('{} <a href="{}">查看该管控记录</a>', refusal.text, url)
