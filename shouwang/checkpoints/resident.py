"""Resident pages: no login, a phone browser, small pages (no framework JS).

Scanning a checkpoint's poster opens ``/c/<code>/``. The first time, the phone gets the
registration form; afterwards its signed cookie names its pass and a scan is one tap.
"""

from __future__ import annotations

from django.conf import settings
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from shouwang.accounts.audit import client_ip
from shouwang.areas.models import Area
from shouwang.core import ratelimit
from shouwang.core.forms import error_text
from shouwang.core.requests import PublicRequest

from . import actions, declarations, printing, tokens
from .forms import ClientIdForm, RegistrationForm, TapForm
from .models import CheckIn, Checkpoint, Pass


def _unknown_code(request: PublicRequest) -> HttpResponse:
    """An old poster (its code replaced), a stopped checkpoint or a mistyped link: a
    phone page saying to scan the poster at the post, not the back office's 404."""
    return render(request, "checkin/unknown.html", status=404)


def _result(
    request: PublicRequest, checkin: CheckIn, checkpoint: Checkpoint, person
) -> HttpResponse:
    now = timezone.localtime()
    return render(
        request,
        "checkin/result.html",
        {
            "checkin": checkin,
            "checkpoint": checkpoint,
            "person_name": _masked_name(person.name if person else ""),
            "reasons": [r for r in checkin.note.split("；") if r],
            # Formatted here: three date filters cost more than the rest of the page.
            "clock": f"{now:%H:%M:%S}",
            # The live clock ticks from the server's time in its time zone, whatever the
            # phone's clock and time zone say (a phone set hours wrong shows the real time).
            "utc_offset_minutes": int(now.utcoffset().total_seconds() // 60),
            "now_ms": int(now.timestamp() * 1000),
            "today": f"{now.year}年{now.month}月{now.day}日",
            "recorded": f"{timezone.localtime(checkin.at):%H:%M:%S}",
        },
    )


def _masked_name(name: str) -> str:
    return name[:1] + "*" * (len(name) - 1) if name else ""


@never_cache
def scan(request: PublicRequest, code: str) -> HttpResponse:
    """The poster's link: one tap for a remembered phone, else the registration form."""
    checkpoint = actions.checkpoint_by_code(code)
    if checkpoint is None:
        return _unknown_code(request)
    pass_ = actions.remembered_pass(tokens.remembered_code(request))
    if pass_ is None:
        return redirect("checkin:register", code=code)
    if request.method != "POST":
        return _tap_page(request, checkpoint, pass_)
    # The hot path: the declaration travels in this POST and is stored on the passage's
    # own row; nothing here reads the last one.
    form = TapForm(request.POST, checkpoint=checkpoint)
    if not form.is_valid():
        return _tap_page(request, checkpoint, pass_, form=form, error=error_text(form))
    if not _may_tap(pass_):
        error = "扫码过于频繁，请1小时后再试，或请卡点工作人员登记"
        return _tap_page(request, checkpoint, pass_, form=form, error=error, status=429)
    declaration, risk_is_new = form.declaration()
    try:
        recorded = actions.self_checkin(
            checkpoint=checkpoint,
            pass_=pass_,
            direction=form.cleaned_data["direction"],
            client_id=form.cleaned_data["client_id"],
            declaration=declaration,
            risk_is_new=risk_is_new,
        )
    except actions.CheckInRefused as exc:
        return _tap_page(request, checkpoint, pass_, form=form, error=str(exc))
    return _result(request, recorded.checkin, checkpoint, pass_.person)


def _tap_page(
    request: PublicRequest,
    checkpoint: Checkpoint,
    pass_: Pass,
    *,
    form: TapForm | None = None,
    error: str = "",
    status: int | None = None,
) -> HttpResponse:
    """The one-tap page: the resident's last declaration, for them to keep or change.
    Symptoms declared on an earlier day are shown ticked with that day named (the
    resident must see them to carry them); a risk past its 14 days is shown lapsed."""
    today = timezone.localdate()
    last = declarations.last_declaration(pass_)
    shown = last.without_lapsed_risks(today)
    if form is None:
        form = TapForm(initial=ClientIdForm.fresh(), checkpoint=checkpoint, shown=shown)
    return render(
        request,
        "checkin/tap.html",
        {
            "checkpoint": checkpoint,
            "form": form,
            "error": error,
            "person_name": _masked_name(pass_.person.name),
            "symptoms_from": _day_label(last.made_on)
            if last.has_symptoms and last.made_on != today
            else "",
            "lapsed": [
                f"{_day_label(since)}申报的“{label}”已满14天，已取消勾选；如又有，请重新勾选"
                for since, held, label in (
                    (last.travel_since, shown.travel_since, "到过风险地区"),
                    (last.contact_since, shown.contact_since, "接触过病例"),
                )
                if since is not None and held is None
            ],
            "travel_since": _day_label(shown.travel_since),
            "contact_since": _day_label(shown.contact_since),
        },
        status=status or (400 if error else 200),
    )


def _day_label(day) -> str:
    return f"{day.month}月{day.day}日" if day else ""


def _may_tap(pass_: Pass) -> bool:
    """At most SELF_CHECKINS_PER_PASS one-tap scans a pass in an hour (per pass, not per
    address: many phones share a carrier address)."""
    return ratelimit.allow(
        "checkin.tap", pass_.code, limit=settings.SELF_CHECKINS_PER_PASS, window_seconds=3600
    )


def _buildings(checkpoint: Checkpoint):
    community = checkpoint.area.ancestor_of_kind(Area.Kind.COMMUNITY) or checkpoint.area
    return Area.objects.within(community).buildings().select_related("parent")


def _may_register(request: PublicRequest) -> bool:
    """A registration adds a person to the ledger: at most SELF_REGISTRATIONS_PER_IP
    from one address in 10 minutes, so a script cannot fill the ledger."""
    return ratelimit.allow(
        "checkin.register",
        client_ip(request) or "",
        limit=settings.SELF_REGISTRATIONS_PER_IP,
        window_seconds=600,
    )


@never_cache
def register(request: PublicRequest, code: str) -> HttpResponse:
    """First scan on this phone: who you are, where you live, a health declaration."""
    checkpoint = actions.checkpoint_by_code(code)
    if checkpoint is None:
        return _unknown_code(request)
    try:  # said before the form is filled in, not after
        actions.check_open(checkpoint)
    except actions.CheckInRefused as exc:
        return render(
            request,
            "checkin/register.html",
            {"checkpoint": checkpoint, "error": str(exc), "closed": True},
            status=400 if request.method == "POST" else 200,
        )
    buildings = _buildings(checkpoint)
    form = RegistrationForm(
        request.POST or None,
        initial=ClientIdForm.fresh(),
        checkpoint=checkpoint,
        buildings=buildings,
    )
    form.fields["building"].label_from_instance = lambda b: f"{b.parent.name} {b.name}"
    error = ""
    status = 400 if request.method == "POST" else 200
    if request.method == "POST" and form.is_valid():
        if not _may_register(request):
            error = "此网络的登记过于频繁，请10分钟后再试，或请卡点工作人员代为登记"
            status = 429
        else:
            try:
                pass_, recorded = actions.register(
                    checkpoint=checkpoint,
                    reg=form.registration(),
                    client_id=form.cleaned_data["client_id"],
                )
            except actions.CheckInRefused as exc:
                error = str(exc)
            else:
                response = _result(request, recorded.checkin, checkpoint, pass_.person)
                tokens.remember(response, pass_.code, secure=request.is_secure())
                return response
    return render(
        request,
        "checkin/register.html",
        {"checkpoint": checkpoint, "form": form, "error": error},
        status=status,
    )


def _my_pass(request: PublicRequest) -> Pass | None:
    return actions.remembered_pass(tokens.remembered_code(request))


@never_cache
def my_pass(request: PublicRequest) -> HttpResponse:
    """出入证 on the phone: a QR redrawn every minute, for staff to scan."""
    pass_ = _my_pass(request)
    return render(
        request,
        "checkin/pass.html",
        {
            "pass": pass_,
            "person_name": _masked_name(pass_.person.name) if pass_ else "",
            "seconds": tokens.PHONE_TOKEN_SECONDS,
        },
        status=200 if pass_ else 404,
    )


@never_cache
def pass_qr(request: PublicRequest) -> HttpResponse:
    pass_ = _my_pass(request)
    if pass_ is None:
        raise Http404("本机没有出入证")
    svg = printing.qr_svg(tokens.phone_token(pass_.code), scale=6)
    return HttpResponse(svg, content_type="image/svg+xml")


@require_POST
def forget(request: PublicRequest) -> HttpResponse:
    """Forget this phone (e.g. a borrowed phone): the next scan asks to register."""
    response = render(request, "checkin/forgotten.html")
    tokens.forget(response)
    return response
