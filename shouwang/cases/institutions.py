"""The list of treatment institutions (收治机构), kept by HQ: its page, the form of an
entry, and the merge of two spellings of one institution."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from shouwang.core.permissions import require_capability
from shouwang.core.requests import AuthedRequest

from . import actions
from .forms import InstitutionForm, InstitutionMergeForm
from .models import Case, TreatmentInstitution


@require_safe
@require_capability("cases.institutions")
def institutions(request: AuthedRequest) -> HttpResponse:
    """Each entry with its cases in the user's jurisdiction: open ones and all."""
    visible = Case.objects.visible_to(request.user)
    rows = TreatmentInstitution.objects.annotate(
        open_cases=Count("cases", filter=Q(cases__in=visible.open())),
        all_cases=Count("cases", filter=Q(cases__in=visible)),
    )
    return render(request, "cases/institutions.html", {"institutions": rows})


def _save(request: AuthedRequest, institution: TreatmentInstitution) -> HttpResponse:
    form = InstitutionForm(request.POST or None, instance=institution)
    if request.method == "POST" and form.is_valid():
        try:
            actions.save_institution(
                institution=form.save(commit=False), by=request.user, request=request
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, "收治机构已保存")
            return redirect("cases:institutions")
    return _form_page(request, institution, form=form)


def _form_page(
    request: AuthedRequest,
    institution: TreatmentInstitution,
    *,
    form: InstitutionForm | None = None,
    merge_form: InstitutionMergeForm | None = None,
) -> HttpResponse:
    form = form or InstitutionForm(instance=institution)
    if institution.pk and merge_form is None:
        merge_form = InstitutionMergeForm(institution=institution)
    status = 400 if form.errors or (merge_form is not None and merge_form.errors) else 200
    return render(
        request,
        "cases/institution_form.html",
        {"form": form, "merge_form": merge_form, "institution": institution},
        status=status,
    )


@require_http_methods(["GET", "HEAD", "POST"])
@require_capability("cases.institutions")
def institution_create(request: AuthedRequest) -> HttpResponse:
    return _save(request, TreatmentInstitution())


@require_http_methods(["GET", "HEAD", "POST"])
@require_capability("cases.institutions")
def institution_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    return _save(request, get_object_or_404(TreatmentInstitution, pk=pk))


@require_POST
@require_capability("cases.institutions")
def institution_merge(request: AuthedRequest, pk: int) -> HttpResponse:
    institution = get_object_or_404(TreatmentInstitution, pk=pk)
    form = InstitutionMergeForm(request.POST, institution=institution)
    if form.is_valid():
        into = form.cleaned_data["into"]
        try:
            moved = actions.merge_institution(
                institution=institution, into=into, by=request.user, request=request
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(
                request, f"已将“{institution.name}”并入“{into.name}”，病例 {moved} 例随之更改"
            )
            return redirect("cases:institutions")
    return _form_page(request, institution, merge_form=form)
