"""Pages of the resident ledger. Every row is fetched through the access helpers;
personal data leaves the server masked except through ``reveal`` (audited) and the
unmasked export (purpose recorded, audited)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Prefetch
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST, require_safe
from django_htmx.http import replace_url

from shouwang.areas.models import Area, Grid
from shouwang.core.access import get_for_user
from shouwang.core.permissions import require_capability
from shouwang.core.requests import AuthedRequest
from shouwang.core.xlsx import (
    XLSX_CONTENT_TYPE,
    SpreadsheetError,
    workbook_bytes,
    xlsx_response,
)

from . import actions, coverage, exporting, importing
from .documents import TYPE_NAMES_SHOWN
from .forms import (
    ExportPurposeForm,
    HouseholdForm,
    ImportForm,
    MoveToBuildingForm,
    PersonForm,
    SearchForm,
    StatusForm,
    TagForm,
)
from .models import (
    Change,
    ExportJob,
    Household,
    ImportJob,
    ImportProblem,
    Person,
    PersonQuerySet,
    Tag,
)

PAGE_SIZE = 25  # search-as-you-type on a phone: one screen or two


def _form_errors(form: forms.Form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc)


def _write_form(form: forms.Form, write: Callable[[], object]) -> int | None:
    """Save a posted edit with ``write`` (an action on ``version``): None when saved;
    else the status of the page showing why, the message on the form (409 saved by
    someone else meanwhile, 400 invalid or refused)."""
    if not form.is_valid():
        return 400
    try:
        write()
    except actions.ConflictError as exc:
        form.add_error(None, str(exc))
        return 409
    except ValidationError as exc:
        _form_errors(form, exc)
        return 400
    return None


def _search_form(request: AuthedRequest) -> SearchForm:
    """Filters come by POST from the search box (so a typed ID or phone never lands in
    a URL or an access log) or by GET from links (area, tag)."""
    data = request.POST if request.method == "POST" else request.GET
    areas = Area.objects.visible_to(request.user).exclude(kind=Area.Kind.BUILDING)
    if "area" in data and data.get("area"):
        areas = Area.objects.visible_to(request.user)
    return SearchForm(data or None, areas=areas)


def _ledger(request: AuthedRequest, form: SearchForm) -> PersonQuerySet:
    return form.apply(Person.objects.visible_to(request.user))


def _with_display(qs: PersonQuerySet) -> PersonQuerySet:
    return qs.select_related("household__area__parent", "area").prefetch_related("tags")


MAX_PAGE = 1_000_000  # an offset the databases take (a typed 10^20 would overflow)


@require_http_methods(["GET", "HEAD", "POST"])
@require_capability("people.view")
def index(request: AuthedRequest) -> HttpResponse:
    """Search and browse the ledger; htmx asks for the rows only."""
    form = _search_form(request)
    try:
        number = min(max(1, int((request.POST or request.GET).get("page", 1))), MAX_PAGE)
    except ValueError:
        number = 1
    offset = (number - 1) * PAGE_SIZE
    rows = list(_with_display(_ledger(request, form))[offset : offset + PAGE_SIZE + 1])
    context = {
        "form": form,
        "filters": [(k, form.data[k]) for k in SearchForm.base_fields if form.data.get(k)],
        "persons": rows[:PAGE_SIZE],
        "page": number,
        "has_next": len(rows) > PAGE_SIZE,
        "first": offset + 1,
        "last": offset + min(len(rows), PAGE_SIZE),
        # Links by prefix: reversing two URLs per row costs a fifth of the rendering.
        "person_url": reverse("people:person", args=[0])[:-2],
        "household_url": reverse("people:household", args=[0])[:-2],
    }
    if request.htmx:
        # The filters replace the address (a reload, a shared link); the text never does.
        params = form.link_params()
        if number > 1 and not form.data.get("q"):
            params["page"] = str(number)
        address = reverse("people:index") + (f"?{urlencode(params)}" if params else "")
        return replace_url(render(request, "people/index.html#rows", context), address)
    context["unplaced"] = Household.objects.visible_to(request.user).without_building().count()
    return render(request, "people/index.html", context)


def _export(
    request: AuthedRequest, form: SearchForm, *, unmasked: bool, purpose: str = ""
) -> HttpResponse:
    """Small exports in the request (one click); large ones in the background. An
    invalid filter exports nothing (the list shows everything in scope beside its error;
    a file must not)."""
    if form.is_bound and not form.is_valid():
        errors = "；".join(e for errs in form.errors.values() for e in errs)
        messages.error(request, f"筛选条件有误，未导出：{errors}")
        return redirect("people:index")
    qs = _ledger(request, form)
    count = qs.count()
    if count > exporting.MAX_ROWS:
        messages.error(request, exporting.too_many(count))
        return redirect("people:index")
    if count <= exporting.SYNC_ROWS:
        return exporting.export_response(
            qs,
            request=request,
            count=count,
            filters=form.describe(),
            unmasked=unmasked,
            purpose=purpose,
        )
    job = actions.start_export(
        request=request,
        filters=form.params(),
        scope=form.describe(),
        count=count,
        unmasked=unmasked,
        purpose=purpose,
        by=request.user,
    )
    return redirect("people:export_job", code=job.code)


@require_POST
@require_capability("people.view")
def export(request: AuthedRequest) -> HttpResponse:
    """The filtered ledger as xlsx, masked."""
    return _export(request, _search_form(request), unmasked=False)


@require_http_methods(["GET", "HEAD", "POST"])
@require_capability("people.export_unmasked")
def export_unmasked(request: AuthedRequest) -> HttpResponse:
    """Unmasked export: only with a stated purpose, which the audit log records."""
    form = _search_form(request)
    purpose = ExportPurposeForm(request.POST if "purpose" in request.POST else None)
    if purpose.is_bound and purpose.is_valid():
        return _export(request, form, unmasked=True, purpose=purpose.cleaned_data["purpose"])
    status = 400 if purpose.is_bound else 200
    return render(
        request,
        "people/export_unmasked.html",
        {
            "form": purpose,
            "filters": [(k, form.data[k]) for k in SearchForm.base_fields if form.data.get(k)],
            "described": form.describe(),
            "count": _ledger(request, form).count(),
            "sync_rows": exporting.SYNC_ROWS,
        },
        status=status,
    )


def _export_job(request: AuthedRequest, code: str) -> ExportJob:
    """One of the user's own exports (anyone else's: 404)."""
    return get_for_user(ExportJob.objects.of(request.user), request.user, code=code)


@require_safe
@require_capability("people.view")
def exports(request: AuthedRequest) -> HttpResponse:
    """The user's recent background exports."""
    jobs = ExportJob.objects.of(request.user)[:20]
    return render(request, "people/exports.html", {"jobs": jobs})


@require_safe
@require_capability("people.view")
def export_job(request: AuthedRequest, code: str) -> HttpResponse:
    """Progress (polled by htmx while running), then the download."""
    job = _export_job(request, code)
    template = "people/export_job.html"
    if request.htmx and request.htmx.target == "job-progress":
        if not job.running:  # finished: reload the whole page to show the result
            return HttpResponse(headers={"HX-Refresh": "true"})
        template += "#progress"
    return render(request, template, {"job": job})


@require_safe
@require_capability("people.view")
def export_download(request: AuthedRequest, code: str) -> HttpResponse:
    job = _export_job(request, code)
    if job.unmasked and not request.user.can("people.export_unmasked"):
        raise Http404("没有找到该记录")
    try:
        content = actions.open_export(job=job, request=request)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
        return redirect("people:export_job", code=job.code)
    return FileResponse(
        content, as_attachment=True, filename=job.filename, content_type=XLSX_CONTENT_TYPE
    )


@require_POST
@require_capability("people.view")
def export_delete(request: AuthedRequest, code: str) -> HttpResponse:
    job = _export_job(request, code)
    try:
        actions.delete_export(job=job, by=request.user)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
        return redirect("people:export_job", code=job.code)
    messages.success(request, "导出文件已删除")
    return redirect("people:exports")


@require_safe
@require_capability("people.view")
def area_households(request: AuthedRequest, pk: int) -> HttpResponse:
    """The households of one building (or of a compound without buildings), with persons."""
    area = get_for_user(Area.objects.select_related("parent"), request.user, pk=pk)
    if area.kind not in (Area.Kind.BUILDING, Area.Kind.COMPOUND):
        raise Http404("请选择楼栋或小区")
    households = (
        Household.objects.visible_to(request.user)
        .filter(area=area)
        .prefetch_related(
            Prefetch(
                "persons",
                queryset=Person.objects.order_by("moved_out", "id").prefetch_related("tags"),
            )
        )
        .order_by("unit", "room")
    )
    buildings = list(area.children.all()) if area.kind == Area.Kind.COMPOUND else []
    registered = len(households)
    # Registered here before the compound had buildings: 未分配楼栋, to be moved.
    unplaced = registered if buildings else 0
    return render(
        request,
        "people/area_households.html",
        {
            "area": area,
            "households": households,
            "buildings": buildings,
            "registered": registered,
            "unplaced": unplaced,
            "missing": (area.expected_households or 0) - registered,
            # A compound with buildings counts through them (as coverage does).
            "through_buildings": coverage.total(area) if buildings else None,
        },
    )


@require_http_methods(["GET", "HEAD", "POST"])
@require_capability("people.edit")
def household_create(request: AuthedRequest, pk: int) -> HttpResponse:
    area = get_for_user(Area, request.user, pk=pk)
    if area.kind not in (Area.Kind.BUILDING, Area.Kind.COMPOUND):
        raise Http404("户只能登记在楼栋或小区下")
    form = HouseholdForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            household = actions.create_household(
                area=area,
                fields=form.household_fields(),
                landlord_phone=form.cleaned_data["landlord_phone"],
                by=request.user,
            )
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, f"已登记 {household}")
            return redirect("people:household", pk=household.pk)
    status = 400 if form.errors else 200
    return render(
        request, "people/household_form.html", {"form": form, "area": area}, status=status
    )


@require_safe
@require_capability("people.view")
def household(request: AuthedRequest, pk: int) -> HttpResponse:
    obj = get_for_user(Household.objects.with_address(), request.user, pk=pk)
    persons = list(obj.persons.order_by("moved_out", "id").prefetch_related("tags"))
    changes = Change.objects.filter(household=obj).select_related("job")[:50]
    moved_out = sum(person.moved_out for person in persons)
    return render(
        request,
        "people/household.html",
        {
            "household": obj,
            "persons": persons,
            "living": len(persons) - moved_out,
            "moved_out": moved_out,
            "changes": changes,
        },
    )


@require_http_methods(["GET", "HEAD", "POST"])
@require_capability("people.edit")
def household_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    obj = get_for_user(Household.objects.with_address(), request.user, pk=pk)
    form = HouseholdForm(request.POST or None, household=obj)
    status: int | None = 200
    if request.method == "POST":
        status = _write_form(
            form,
            lambda: actions.update_household(
                household=obj,
                fields=form.household_fields(),
                landlord_phone=form.landlord_phone_change(),
                version=form.cleaned_data["version"],
                by=request.user,
            ),
        )
        if status is None:
            messages.success(request, "已保存")
            return redirect("people:household", pk=obj.pk)
    return render(
        request,
        "people/household_form.html",
        {"form": form, "household": obj, "area": obj.area},
        status=status,
    )


UNPLACED_SHOWN = 300  # a page a worker goes down; the count says how many in all


@require_safe
@require_capability("people.view")
def unplaced(request: AuthedRequest) -> HttpResponse:
    """未分配楼栋: households registered at a compound before it had buildings, each
    with a way into one of its buildings."""
    qs = Household.objects.visible_to(request.user).without_building()
    households = list(
        qs.with_address()
        .prefetch_related(
            Prefetch("persons", queryset=Person.objects.order_by("moved_out", "id")),
            Prefetch(
                "area__children",
                queryset=Area.objects.filter(kind=Area.Kind.BUILDING),
                to_attr="buildings",
            ),
        )
        .order_by("area__path", "unit", "room")[:UNPLACED_SHOWN]
    )
    can_edit = request.user.can("people.edit")
    rows = [(h, MoveToBuildingForm(household=h) if can_edit else None) for h in households]
    return render(
        request,
        "people/unplaced.html",
        {"rows": rows, "count": qs.count(), "shown": len(households)},
    )


@require_http_methods(["GET", "HEAD", "POST"])
@require_capability("people.edit")
def household_move(request: AuthedRequest, pk: int) -> HttpResponse:
    """Move one household without a building into a building of its compound."""
    obj = get_for_user(Household.objects.with_address().without_building(), request.user, pk=pk)
    form = MoveToBuildingForm(request.POST or None, household=obj)
    status: int | None = 200
    if request.method == "POST":
        status = _write_form(
            form,
            lambda: actions.move_to_building(
                household=obj,
                building=form.cleaned_data["building"],
                version=form.cleaned_data["version"],
                by=request.user,
            ),
        )
        if status is None:
            messages.success(request, f"已移到楼栋：{obj.address}")
            return redirect("people:household", pk=obj.pk)
    return render(
        request, "people/household_move.html", {"form": form, "household": obj}, status=status
    )


@require_POST
@require_capability("people.reveal")
def household_reveal(request: AuthedRequest, pk: int) -> HttpResponse:
    obj = get_for_user(Household, request.user, pk=pk)
    return _reveal(request, obj, "landlord_phone")


def _reveal(request: AuthedRequest, obj: Household | Person, field: str) -> HttpResponse:
    """The value alone for the htmx button; posted without htmx, a page with a way back."""
    try:
        context = {"value": actions.reveal(obj=obj, field=field, request=request)}
        status = 200
    except actions.TooManyReveals as exc:
        context, status = {"refused": str(exc)}, 429
    if request.htmx:
        return render(request, "people/revealed.html", context, status=status)
    if isinstance(obj, Household):
        context.update(
            label="房东电话", subject=obj.address, back=reverse("people:household", args=[obj.pk])
        )
    else:
        context.update(
            label=actions.REVEALABLE[field][0],
            subject=obj.name,
            back=reverse("people:person", args=[obj.pk]),
        )
    return render(request, "people/revealed_page.html", context, status=status)


def _registration(form: PersonForm) -> dict[str, Any]:
    """A valid registration form's person, as ``create_person`` and ``move_in`` take it."""
    data = form.cleaned_data
    return {
        "name": data["name"],
        "doc_type": data["doc_type"],
        "doc_number": data["doc_number"],
        "phone": data["phone"],
        "fields": form.person_fields(),
        "tags": data["tags"],
        "birth": form.birth(),
    }


@require_http_methods(["GET", "HEAD", "POST"])
@require_capability("people.edit")
def person_create(request: AuthedRequest, pk: int) -> HttpResponse:
    home = get_for_user(Household.objects.with_address(), request.user, pk=pk)
    form = PersonForm(request.POST or None, initial={"relation": home.newcomer_relation()})
    move_in = False
    if request.method == "POST" and form.is_valid():
        try:
            person = actions.create_person(household=home, by=request.user, **_registration(form))
        except actions.MoveInOffered as exc:
            _form_errors(form, exc)
            move_in = True
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, f"已登记 {person.name}")
            return redirect("people:household", pk=home.pk)
    status = 400 if form.errors else 200
    return render(
        request,
        "people/person_form.html",
        {"form": form, "household": home, "move_in": move_in},
        status=status,
    )


@require_POST
@require_capability("people.edit")
def person_move_in(request: AuthedRequest, pk: int) -> HttpResponse:
    """迁入: the registration form's data, confirmed as the arrival of a person who
    moved out elsewhere (offered by ``person_create``)."""
    home = get_for_user(Household.objects.with_address(), request.user, pk=pk)
    form = PersonForm(request.POST)
    move_in = True
    if form.is_valid():
        try:
            person = actions.move_in(
                household=home, by=request.user, request=request, **_registration(form)
            )
        except actions.ConflictError as exc:
            form.add_error(None, str(exc))
        except actions.MoveInOffered as exc:
            _form_errors(form, exc)
        except ValidationError as exc:  # not (or no longer) a moved-out person
            _form_errors(form, exc)
            move_in = False
        else:
            messages.success(request, f"已迁入 {person.name}（原有记录保留）")
            return redirect("people:household", pk=home.pk)
    return render(
        request,
        "people/person_form.html",
        {"form": form, "household": home, "move_in": move_in},
        status=400,
    )


@require_safe
@require_capability("people.view")
def person(request: AuthedRequest, pk: int) -> HttpResponse:
    obj = get_for_user(
        Person.objects.select_related("household__area__parent", "area"), request.user, pk=pk
    )
    # Their history in the user's jurisdiction: entries written in another community
    # before a move-in stay with the row, for those whose jurisdiction holds them.
    changes = Change.objects.visible_to(request.user).filter(person=obj).select_related("job")
    changes = changes[:100]
    return render(
        request,
        "people/person.html",
        {"person": obj, "changes": changes, "tags": obj.tags.all()},
    )


@require_http_methods(["GET", "HEAD", "POST"])
@require_capability("people.edit")
def person_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    obj = get_for_user(
        Person.objects.select_related("household__area__parent", "area"), request.user, pk=pk
    )
    form = PersonForm(request.POST or None, person=obj)
    status = 200
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            actions.update_person(
                person=obj,
                name=data["name"],
                doc_type=data["doc_type"],
                doc_number=form.document_change(),
                phone=form.phone_change(),
                fields=form.person_fields(),
                tags=data["tags"],
                version=data["version"],
                by=request.user,
                birth=form.birth(),
            )
        except actions.ConflictError as exc:
            form.add_error(None, str(exc))
            status = 409
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, "已保存")
            return redirect("people:person", pk=obj.pk)
    if form.errors and status == 200:
        status = 400
    return render(
        request,
        "people/person_form.html",
        {"form": form, "person": obj, "household": obj.household},
        status=status,
    )


def _change_status(request: AuthedRequest, pk: int, action: Callable[..., Person]) -> HttpResponse:
    obj = get_for_user(Person, request.user, pk=pk)
    form = StatusForm(request.POST)
    if not form.is_valid():
        messages.error(request, "请求无效，请刷新页面后重试")
        return redirect("people:person", pk=obj.pk)
    try:
        action(person=obj, version=form.cleaned_data["version"], by=request.user)
    except actions.ConflictError as exc:
        messages.error(request, str(exc))
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, "已迁出（记录保留）" if obj.moved_out else "已恢复在册")
    return redirect("people:person", pk=obj.pk)


@require_POST
@require_capability("people.edit")
def person_move_out(request: AuthedRequest, pk: int) -> HttpResponse:
    return _change_status(request, pk, actions.move_out)


@require_POST
@require_capability("people.edit")
def person_restore(request: AuthedRequest, pk: int) -> HttpResponse:
    return _change_status(request, pk, actions.restore)


@require_POST
@require_capability("people.reveal")
def person_reveal(request: AuthedRequest, pk: int, field: str) -> HttpResponse:
    if field not in actions.REVEALABLE:
        raise Http404("没有这一项")
    obj = get_for_user(Person, request.user, pk=pk)
    return _reveal(request, obj, field)


# Coverage -----------------------------------------------------------------------------


@require_safe
@require_capability("people.view")
def coverage_overview(request: AuthedRequest) -> HttpResponse:
    root = request.user.area
    if root is None:
        raise Http404("您还没有分配辖区")
    figures = coverage.Figures.for_areas(root)
    communities = coverage.per_community(root, figures=figures)
    grids = Grid.objects.visible_to(request.user).select_related("community")
    grid_rows = [(g, coverage.for_grid(g, figures=figures)) for g in grids]
    return render(
        request,
        "people/coverage.html",
        {
            "root": root,
            "total": coverage.total(root, figures=figures),
            "communities": communities,
            "grids": grid_rows,
        },
    )


@require_safe
@require_capability("people.view")
def grid_gaps(request: AuthedRequest, pk: int) -> HttpResponse:
    """The gaps of one grid, for its grid worker to work down."""
    grid = get_for_user(Grid.objects.select_related("community"), request.user, pk=pk)
    gaps = coverage.grid_gaps(grid)
    return render(request, "people/grid_gaps.html", {"grid": grid, "gaps": gaps})


# Tags ---------------------------------------------------------------------------------


@require_http_methods(["GET", "HEAD", "POST"])
@require_capability("people.manage_tags")
def tags(request: AuthedRequest) -> HttpResponse:
    form = TagForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.save_tag(tag=form.save(commit=False), by=request.user)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, f"已添加标签 {form.instance.name}")
            return redirect("people:tags")
    status = 400 if form.errors else 200
    return render(
        request,
        "people/tags.html",
        {"form": form, "tags": Tag.objects.annotate(n=Count("persons"))},
        status=status,
    )


@require_http_methods(["GET", "HEAD", "POST"])
@require_capability("people.manage_tags")
def tag_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    try:
        tag = Tag.objects.get(pk=pk)
    except Tag.DoesNotExist as exc:
        raise Http404("没有这个标签") from exc
    form = TagForm(request.POST or None, instance=tag)
    if request.method == "POST" and form.is_valid():
        try:
            actions.save_tag(tag=form.save(commit=False), by=request.user)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, "已保存")
            return redirect(reverse("people:tags"))
    status = 400 if form.errors else 200
    return render(request, "people/tag_form.html", {"form": form, "tag": tag}, status=status)


# Import -------------------------------------------------------------------------------


@require_safe
@require_capability("people.import")
def import_template(request: AuthedRequest) -> HttpResponse:
    return xlsx_response("人员台账导入模板.xlsx", importing.template_bytes())


@require_http_methods(["GET", "HEAD", "POST"])
@require_capability("people.import")
def import_upload(request: AuthedRequest) -> HttpResponse:
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            job = actions.start_import(
                request=request,
                upload=form.cleaned_data["file"],
                strict=form.cleaned_data["strict"],
                by=request.user,
            )
        except SpreadsheetError as exc:
            form.add_error("file", str(exc))
        else:
            return redirect("people:import_job", code=job.code)
    jobs = ImportJob.objects.visible_to(request.user).select_related("created_by")[:20]
    status = 400 if form.errors else 200
    return render(
        request,
        "people/import.html",
        {
            "form": form,
            "jobs": jobs,
            "headers": importing.TEMPLATE_HEADERS,
            "doc_types": TYPE_NAMES_SHOWN,
        },
        status=status,
    )


def _job_for(request: AuthedRequest, code: str) -> ImportJob:
    return get_for_user(ImportJob.objects.select_related("created_by"), request.user, code=code)


PROBLEMS_SHOWN = 500


@require_safe
@require_capability("people.import")
def import_job(request: AuthedRequest, code: str) -> HttpResponse:
    """Progress (polled by htmx while running), then the preview of problems."""
    job = _job_for(request, code)
    problems = job.problems.all()
    context = {
        "job": job,
        "problems": problems[:PROBLEMS_SHOWN] if not job.running else [],
        "move_ins": job.move_ins.all()[:PROBLEMS_SHOWN] if not job.running else [],
        "shown": PROBLEMS_SHOWN,
        "unmatched": problems.filter(kind=ImportProblem.Kind.ADDRESS).count()
        if not job.running
        else 0,
    }
    template = "people/import_job.html"
    if request.htmx and request.htmx.target == "job-progress":
        if not job.running:  # finished: reload the whole page to show the preview
            return HttpResponse(headers={"HX-Refresh": "true"})
        template += "#progress"
    return render(request, template, context)


@require_POST
@require_capability("people.import")
def import_commit(request: AuthedRequest, code: str) -> HttpResponse:
    job = _job_for(request, code)
    try:
        actions.confirm_import(job=job, by=request.user)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    return redirect("people:import_job", code=job.code)


@require_POST
@require_capability("people.import")
def import_cancel(request: AuthedRequest, code: str) -> HttpResponse:
    job = _job_for(request, code)
    try:
        actions.cancel_import(job=job, by=request.user)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
        return redirect("people:import_job", code=job.code)
    messages.success(request, "已取消，上传的文件已删除")
    return redirect("people:import")


@require_safe
@require_capability("people.import")
def import_problems(request: AuthedRequest, code: str) -> HttpResponse:
    """Every problem of an import as xlsx, for fixing the file."""
    job = _job_for(request, code)
    rows = job.problems.values_list("row", "column", "message").iterator(chunk_size=5000)
    content = workbook_bytes(["行", "列", "问题"], rows, title="导入问题", widths=[8, 14, 80])
    return xlsx_response(job.problems_filename, content)
