"""Resident pages: no login, a phone browser, small pages (no framework JS).

Scanning a checkpoint's poster opens ``/c/<code>/``. The first time, the phone gets the
registration form; afterwards its signed cookie names its pass and a scan is one tap.
A phone may remember family members too (添加家人, up to ``tokens.PHONE_PASSES``): then
a scan first asks whom it is for, and the tap records that person's passage with that
person's own declaration.
"""

from __future__ import annotations

import uuid
from datetime import date
from functools import cache as once

from django.conf import settings
from django.core.cache import cache
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from shouwang.accounts.audit import client_ip
from shouwang.areas.models import Area, AreaQuerySet
from shouwang.core import ratelimit
from shouwang.core.forms import error_text
from shouwang.core.requests import PublicRequest
from shouwang.core.text import day_label

from . import actions, declarations, printing, tokens
from .forms import ClientIdForm, RegistrationForm, TapForm
from .models import CheckIn, Checkpoint, Pass


def _unknown_code(request: PublicRequest) -> HttpResponse:
    """An old poster (its code replaced), a stopped checkpoint or a mistyped link: a
    phone page saying to scan the poster at the post, not the back office's 404."""
    return render(request, "checkin/unknown.html", status=404)


@once
def _pass_url() -> str:
    """The result page's link to 我的出入证, reversed once per process: ``{% url %}`` on
    every tap cost ~0.15 ms of the page."""
    return reverse("checkin:pass")


def _result(
    request: PublicRequest,
    checkin: CheckIn,
    checkpoint: Checkpoint,
    pass_: Pass,
    *,
    family: bool,
    add_url: str = "",
    said: str = "",
) -> HttpResponse:
    """The passage's verdict; on a family phone its 我的出入证 opens the pass of the
    person it was for, as staff then scan that pass. ``add_url``: 添加家人, offered
    after a registration (a one-tap page offers it before the tap; the tap's result,
    the hottest page, reverses no more URLs). ``said``: the part of the row's note the
    resident typed (自报体温), shown as said rather than among the verdict's reasons."""
    now = timezone.localtime()
    return render(
        request,
        "checkin/result.html",
        {
            "checkin": checkin,
            "checkpoint": checkpoint,
            "family": family,
            "pass_url": _pass_url(),
            "add_url": add_url,
            "who": pass_.code,
            "person_name": _masked_name(pass_.person.name, family=family),
            "reasons": [r for r in checkin.note.split("；") if r and r != said],
            "said": said,
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


def _masked_name(name: str, *, family: bool = False) -> str:
    """王** — or, on a phone for a family, who mostly share the family name, 王*明 and
    *芳 (the last character tells them apart)."""
    if not name:
        return ""
    if family and len(name) == 2:
        return "*" + name[1]
    if family and len(name) > 2:
        return name[0] + "*" * (len(name) - 2) + name[-1]
    return name[:1] + "*" * (len(name) - 1)


def _family_names(passes: list[Pass]) -> list[str]:
    """The family's masked names, numbered where two would read alike."""
    names = [_masked_name(p.person.name, family=True) for p in passes]
    return [
        f"{n}（{names[: i + 1].count(n)}）" if names.count(n) > 1 else n
        for i, n in enumerate(names)
    ]


@require_http_methods(["GET", "HEAD", "POST"])
@never_cache
def scan(request: PublicRequest, code: str) -> HttpResponse:
    """The poster's link: one tap for a remembered phone, else the registration form.
    A phone remembering several persons names whom the scan is for: the page's ``p``,
    the tap's ``who`` (one of the phone's own passes, never another's)."""
    checkpoint = actions.checkpoint_by_code(code)
    if checkpoint is None:
        return _unknown_code(request)
    codes = tokens.remembered_codes(request)
    if not codes:
        return redirect("checkin:register", code=code)
    posted = request.method == "POST"
    wanted = request.POST.get("who") if posted else request.GET.get("p")
    chosen = tokens.chosen_code(codes, wanted)
    if chosen is None:
        # Nothing is recorded for nobody in particular: the phone says whose scan it is.
        error = "所选人员已不在本机登记中，请重新选择" if wanted else "请先选择本次为谁扫码"
        return _family_page(request, checkpoint, codes, error=error if posted else "")
    pass_ = actions.remembered_pass(chosen)
    if pass_ is None:
        if len(codes) == 1:
            return redirect("checkin:register", code=code)
        error = "此人的出入证已失效（被吊销或过期），请选择其他人或重新登记"
        return _family_page(request, checkpoint, codes, error=error)
    family = len(codes) > 1
    if not posted:
        return _tap_page(request, checkpoint, pass_, family=family)
    # The hot path: the declaration travels in this POST and is stored on the passage's
    # own row; nothing here reads the last one.
    form = TapForm(request.POST, checkpoint=checkpoint)
    if not form.is_valid():
        return _tap_page(
            request, checkpoint, pass_, family=family, form=form, error=error_text(form)
        )
    if not _may_tap(pass_, form.cleaned_data["client_id"]):
        error = "扫码过于频繁，请1小时后再试，或请卡点工作人员登记"
        return _tap_page(
            request, checkpoint, pass_, family=family, form=form, error=error, status=429
        )
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
        return _tap_page(request, checkpoint, pass_, family=family, form=form, error=str(exc))
    return _result(request, recorded.checkin, checkpoint, pass_, family=family)


def _family_page(
    request: PublicRequest, checkpoint: Checkpoint, codes: list[str], *, error: str = ""
) -> HttpResponse:
    """Whom is this scan for: the persons this phone remembers, each a link to their
    own one-tap page (with their own last declaration)."""
    passes = actions.remembered_passes(codes)
    if not passes:
        return redirect("checkin:register", code=checkpoint.code)
    return render(
        request,
        "checkin/family.html",
        {
            "checkpoint": checkpoint,
            "error": error,
            "persons": [
                (p.code, name, p.visitor)
                for p, name in zip(passes, _family_names(passes), strict=True)
            ],
            "full": len(passes) >= tokens.PHONE_PASSES,
        },
        status=400 if error else 200,
    )


def _tap_page(
    request: PublicRequest,
    checkpoint: Checkpoint,
    pass_: Pass,
    *,
    family: bool,
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
    closed = ""
    if form is None:
        form = TapForm(initial=ClientIdForm.fresh(), checkpoint=checkpoint, shown=shown)
        try:  # said before the declaration is gone through and 进 tapped, not after
            actions.check_open(checkpoint)
        except actions.CheckInRefused as exc:
            closed = str(exc)
    return render(
        request,
        "checkin/tap.html",
        {
            "checkpoint": checkpoint,
            "form": form,
            "error": error,
            "closed": closed,
            "who": pass_.code,
            "family": family,
            "person_name": _masked_name(pass_.person.name, family=family),
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


def _day_label(day: date | None) -> str:
    return day_label(day) if day else ""


def _may_tap(pass_: Pass, client_id: uuid.UUID) -> bool:
    """At most SELF_CHECKINS_PER_PASS one-tap scans a pass in an hour (per pass, not per
    address: many phones share a carrier address). A tap sent again (a reload: the same
    client id) is not counted again; the cache remembers the ids counted, as the database
    would need a query more on the hot path to tell."""
    counted = f"checkin.tap.sent:{pass_.code}:{client_id}"
    if not cache.add(counted, 1, timeout=3600):
        return True
    if ratelimit.allow(
        "checkin.tap", pass_.code, limit=settings.SELF_CHECKINS_PER_PASS, window_seconds=3600
    ):
        return True
    cache.delete(counted)  # refused: sent again, it is refused again
    return False


def _buildings(community: Area | None, checkpoint: Checkpoint) -> AreaQuerySet:
    within = community or checkpoint.area
    return Area.objects.within(within).buildings().select_related("parent")


def _may_register(request: PublicRequest) -> bool:
    """A registration adds a person to the ledger: at most SELF_REGISTRATIONS_PER_IP
    from one address in 10 minutes, so a script cannot fill the ledger."""
    return ratelimit.allow(
        "checkin.register",
        client_ip(request) or "",
        limit=settings.SELF_REGISTRATIONS_PER_IP,
        window_seconds=600,
    )


def _after_registering(family: list[Pass], pass_: Pass, replacing: Pass | None) -> list[str]:
    """The phone's list once ``pass_`` is registered on it: someone it holds keeps their
    place; someone new takes the place of the pass given up (``replacing``), else comes
    last."""
    codes = [pass_.code if p.person_id == pass_.person_id else p.code for p in family]
    if pass_.code in codes:
        return list(dict.fromkeys(codes))
    if replacing is not None and replacing.code in codes:
        codes[codes.index(replacing.code)] = pass_.code
    else:
        codes.append(pass_.code)
    return codes


@require_http_methods(["GET", "HEAD", "POST"])
@never_cache
def register(request: PublicRequest, code: str) -> HttpResponse:
    """First scan on this phone: who you are, where you live, a health declaration. On a
    phone that already remembers someone, the same form adds a family member (prefilled
    with the first person's home) beside them. On a full phone the resident chooses
    whom the new registration replaces (``replace``, a pass code the phone holds)."""
    checkpoint = actions.checkpoint_by_code(code)
    if checkpoint is None:
        return _unknown_code(request)
    posted = request.method == "POST"
    status = 400 if posted else 200
    remembered = tokens.remembered_codes(request)
    family = actions.remembered_passes(remembered)
    names = dict(zip([p.code for p in family], _family_names(family), strict=True))
    full = len(family) >= tokens.PHONE_PASSES
    wanted = (request.POST if posted else request.GET).get("replace", "")
    replacing = next((p for p in family if p.code == wanted), None) if full else None
    context: dict = {
        "checkpoint": checkpoint,
        "adding": bool(family),
        "replacing": replacing,
        "replacing_name": names[replacing.code] if replacing is not None else "",
        # The phone's only pass was revoked or has expired: the scan sent it here.
        "lapsed": bool(remembered) and not family,
    }

    def full_page(error: str = actions.PHONE_FULL, status: int = status) -> HttpResponse:
        return render(
            request,
            "checkin/register.html",
            {
                **context,
                "error": error,
                "closed": True,
                "full": True,
                "persons": [(p.code, names[p.code], p.visitor) for p in family],
            },
            status=status,
        )

    # A full phone shows whom a new registration may replace, not the form; a form sent
    # to it without a replacement (sent again, or filled in before it was full) is taken
    # for someone it holds, refused for anyone else.
    if full and replacing is None and not posted:
        if wanted:  # removed from the phone meanwhile (another tab), or made up
            return full_page("所选人员已不在本机登记中，请重新选择要替换的人", status=400)
        return full_page()
    try:  # said before the form is filled in, not after
        actions.check_open(checkpoint)
    except actions.CheckInRefused as exc:
        return render(
            request,
            "checkin/register.html",
            {**context, "error": str(exc), "closed": True},
            status=status,
        )
    # A post in no community (a road post of the sub-district itself) registers residents
    # only: a visitor has no community to be added to, and is told so before filling in.
    community = checkpoint.area.ancestor_of_kind(Area.Kind.COMMUNITY)
    buildings = _buildings(community, checkpoint)
    initial = ClientIdForm.fresh()
    if family and not posted:
        home = actions.family_home(family[0], checkpoint=checkpoint)
        if home is not None:
            initial |= {"building": home.area_id, "unit": home.unit, "room": home.room}
    form = RegistrationForm(
        request.POST or None,
        initial=initial,
        checkpoint=checkpoint,
        buildings=buildings,
        visitors=community is not None,
    )
    form.fields["building"].label_from_instance = lambda b: f"{b.parent.name} {b.name}"
    error = ""
    if posted and not form.is_valid() and full and replacing is None:
        return full_page()
    if posted and form.is_valid():
        if not _may_register(request):
            error = "此网络的登记过于频繁，请10分钟后再试，或请卡点工作人员代为登记"
            status = 429
        else:
            reg = form.registration()
            try:
                pass_, recorded = actions.register(
                    checkpoint=checkpoint,
                    reg=reg,
                    client_id=form.cleaned_data["client_id"],
                    held=family,
                    replacing=replacing,
                )
            except actions.PhoneFull:
                return full_page()
            except actions.CheckInRefused as exc:
                error = str(exc)
            else:
                codes = _after_registering(family, pass_, replacing)
                response = _result(
                    request,
                    recorded.checkin,
                    checkpoint,
                    pass_,
                    family=len(codes) > 1,
                    add_url=reverse("checkin:register", args=[checkpoint.code]),
                    said=reg.note,
                )
                tokens.remember(response, codes, secure=request.is_secure())
                return response
    return render(
        request,
        "checkin/register.html",
        {
            **context,
            "form": form,
            "error": error,
            "no_visitors": actions.NO_VISITORS if community is None else "",
        },
        status=status,
    )


def _shown_pass(request: PublicRequest) -> tuple[list[Pass], Pass | None]:
    """The phone's passes, and the one a page shows: ``p`` if the phone holds it, else
    the first."""
    passes = actions.remembered_passes(tokens.remembered_codes(request))
    wanted = request.GET.get("p")
    shown = next((p for p in passes if p.code == wanted), None) if wanted else None
    return passes, shown or (passes[0] if passes else None)


@require_safe
@never_cache
def my_pass(request: PublicRequest) -> HttpResponse:
    """出入证 on the phone: a QR redrawn every minute, for staff to scan; with several
    persons on the phone, one at a time, chosen by name."""
    passes, pass_ = _shown_pass(request)
    return render(
        request,
        "checkin/pass.html",
        {
            "pass": pass_,
            "person_name": _masked_name(pass_.person.name, family=len(passes) > 1) if pass_ else "",
            "persons": list(zip([p.code for p in passes], _family_names(passes), strict=True))
            if len(passes) > 1
            else [],
            "seconds": tokens.PHONE_TOKEN_SECONDS,
        },
        status=200 if pass_ else 404,
    )


@require_safe
@never_cache
def pass_qr(request: PublicRequest) -> HttpResponse:
    codes = tokens.remembered_codes(request)
    chosen = request.GET.get("p") or (codes[0] if codes else None)
    pass_ = actions.remembered_pass(chosen if chosen in codes else None)
    if pass_ is None:
        raise Http404("本机没有出入证")
    svg = printing.qr_svg(tokens.phone_token(pass_.code), scale=6)
    return HttpResponse(svg, content_type="image/svg+xml")


@require_POST
def forget(request: PublicRequest) -> HttpResponse:
    """Forget this phone (e.g. a borrowed phone): the next scan asks to register. With
    ``who``, forget only that person; the others stay on the phone."""
    codes = tokens.remembered_codes(request)
    who = request.POST.get("who")
    if who:
        if who not in codes:
            return render(
                request,
                "checkin/pass.html",
                {"pass": None, "error": "该人员不在本机登记中，无需清除"},
                status=400,
            )
        codes.remove(who)
    if who and codes:
        response = redirect("checkin:pass")
        tokens.remember(response, codes, secure=request.is_secure())
        return response
    response = render(request, "checkin/forgotten.html")
    tokens.forget(response)
    return response
