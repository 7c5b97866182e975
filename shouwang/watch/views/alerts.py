"""Alerts of every kind and from every app, for the community and HQ; leads from
check-ins and other sources for staff to confirm (→ a key person) or dismiss."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from shouwang.core.access import get_for_user
from shouwang.core.permissions import require_capability
from shouwang.core.requests import AuthedRequest
from shouwang.people.models import Person

from .. import actions
from ..actions import Identity
from ..forms import (
    AlertFilter,
    AttachLeadForm,
    ConfirmLeadForm,
    ConfirmUnknownLeadForm,
    DismissLeadForm,
    HandleAlertForm,
    ReopenLeadForm,
)
from ..models import Alert, AlertQuerySet, Lead, LeadEvent, LeadQuerySet
from .records import buildings_for, records_for


def alerts_for(request: AuthedRequest) -> AlertQuerySet:
    return (
        Alert.objects.visible_to(request.user)
        .with_record_shown_to(request.user)
        .select_related("area__parent", "handled_by")
    )


@require_safe
@require_capability("watch.alerts")
def alerts(request: AuthedRequest) -> HttpResponse:
    return _alerts_page(request)


def _alerts_page(request: AuthedRequest) -> HttpResponse:
    """The alerts list, filtered; also the page a refused 处置 comes back to."""
    form = AlertFilter(request.GET or None)
    qs = form.filter(alerts_for(request))
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    template = "watch/alerts.html#rows" if request.htmx else "watch/alerts.html"
    return render(
        request,
        template,
        {
            "form": form,
            "page": page,
            "open_count": alerts_for(request).open().count(),
            "handle_form": HandleAlertForm(),
        },
    )


@require_POST
@require_capability("watch.handle_alert")
def alert_handle(request: AuthedRequest, pk: int) -> HttpResponse:
    alert = get_for_user(alerts_for(request), request.user, pk=pk)
    form = HandleAlertForm(request.POST)
    error = ""
    if not form.is_valid():
        error = "处置说明最多200字"
    else:
        try:
            actions.handle_alert(alert=alert, by=request.user, note=form.cleaned_data["note"])
        except ValidationError as exc:
            error = "；".join(exc.messages)
    status = 400 if error else 200
    if request.htmx:
        return render(
            request,
            "watch/alerts.html#handled",
            {
                "a": alert,
                "handle_form": HandleAlertForm(),
                "error": error,
                "open_count": alerts_for(request).open().count(),
            },
            status=status,
        )
    if error:
        messages.error(request, error)
        response = _alerts_page(request)
        response.status_code = status
        return response
    messages.success(request, "已标记为已处置")
    return redirect("watch:alerts")


def leads_for(request: AuthedRequest) -> LeadQuerySet:
    return (
        Lead.objects.visible_to(request.user)
        .with_record_shown_to(request.user)
        .select_related("person__household__area", "area", "decided_by")
        .prefetch_related(Prefetch("events", LeadEvent.objects.select_related("by")))
    )


@require_safe
@require_capability("watch.manage")
def leads(request: AuthedRequest) -> HttpResponse:
    return _leads_page(request)


def _leads_page(request: AuthedRequest) -> HttpResponse:
    """The leads list; also the page a refused dismissal comes back to."""
    state = request.GET.get("state", "new")
    qs = leads_for(request)
    if state in Lead.Status.values:
        qs = qs.filter(status=state)
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "watch/leads.html",
        {"page": page, "state": state, "states": Lead.Status.choices},
    )


@require_http_methods(["GET", "HEAD", "POST"])
@require_capability("watch.manage")
def lead_confirm(request: AuthedRequest, pk: int) -> HttpResponse:
    """Confirm a lead: the person's category, measure and period (and who it is, for a
    lead naming nobody in the ledger) — or, for someone already under control, only a
    note: the lead is attached to that record."""
    lead = get_for_user(leads_for(request), request.user, pk=pk)
    if lead.status != Lead.Status.NEW:
        messages.error(request, lead.decided_message)
        return redirect("watch:leads")
    existing = actions.active_key_person(lead.person)
    if lead.person is None:
        form = ConfirmUnknownLeadForm(request.POST or None, buildings=buildings_for(request.user))
    elif existing is not None:
        form = AttachLeadForm(request.POST or None)
    else:
        form = ConfirmLeadForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        identity = None
        if lead.person is None:
            identity = Identity(
                area=data.pop("building"),
                name=data.pop("name"),
                number=data.pop("document"),
                doc_type=data.pop("doc_type"),
                phone=data.pop("phone"),
            )
        try:
            record, created = actions.confirm_lead_with_person(
                lead=lead,
                persons=Person.objects.visible_to(request.user),
                identity=identity,
                by=request.user,
                **data,
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            name = record.person.name
            messages.success(
                request,
                f"线索已确认，{name} 已列为重点人员"
                if created
                else f"{name} 已在管控中，线索已关联到现有记录，未重复登记",
            )
            if not records_for(request.user).filter(pk=record.pk).exists():
                return redirect("watch:leads")  # a record of another community
            return redirect("watch:detail", pk=record.pk)
    status = 400 if form.errors else 200
    return render(
        request,
        "watch/lead_confirm.html",
        {
            "lead": lead,
            "form": form,
            "existing": existing,
            # The record's page is linked only for a record in the user's area.
            "existing_shown": existing is not None
            and records_for(request.user).filter(pk=existing.pk).exists(),
            "today": timezone.localdate(),
        },
        status=status,
    )


@require_POST
@require_capability("watch.manage")
def lead_dismiss(request: AuthedRequest, pk: int) -> HttpResponse:
    lead = get_for_user(leads_for(request), request.user, pk=pk)
    form = DismissLeadForm(request.POST)
    error = "" if form.is_valid() else "请填写排除理由（最多200字）"
    if not error:
        try:
            actions.dismiss_lead(lead=lead, by=request.user, note=form.cleaned_data["note"])
        except ValidationError as exc:
            error = "；".join(exc.messages)
    if error:
        messages.error(request, error)
        response = _leads_page(request)
        response.status_code = 400
        return response
    messages.success(request, "线索已排除")
    return redirect("watch:leads")


@require_http_methods(["GET", "HEAD", "POST"])
@require_capability("watch.manage")
def lead_reopen(request: AuthedRequest, pk: int) -> HttpResponse:
    """A lead dismissed by mistake: back to 待核实 (恢复待核实), with a reason."""
    lead = get_for_user(leads_for(request), request.user, pk=pk)
    form = ReopenLeadForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            lead = actions.reopen_lead(
                lead=lead, reason=form.cleaned_data["reason"], by=request.user
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            who = lead.person.name if lead.person else "该线索"
            messages.success(request, f"{who}：线索已恢复为待核实，请重新核实后确认或排除")
            return redirect("watch:leads")
    status = 400 if form.errors else 200
    return render(request, "watch/lead_reopen.html", {"lead": lead, "form": form}, status=status)
