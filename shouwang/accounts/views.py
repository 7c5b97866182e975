from django.contrib import messages
from django.contrib.auth import logout, update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from shouwang.areas.models import Area
from shouwang.core.access import get_for_user
from shouwang.core.permissions import require_capability
from shouwang.core.requests import AuthedRequest, PublicRequest
from shouwang.core.xlsx import workbook_bytes, xlsx_response

from . import actions, audit
from .forms import AuditFilterForm, LoginForm, PasswordChangeForm, UserFilterForm, UserForm
from .models import AuditEvent, User


@require_http_methods(["GET", "HEAD", "POST"])
def login_view(request: PublicRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("core:home")
    form = LoginForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            actions.log_in(
                request=request,
                username=form.cleaned_data["username"],
                password=form.cleaned_data["password"],
            )
        except actions.LoginError as exc:
            form.add_error(None, str(exc))
            status = exc.status
        else:
            target = request.GET.get("next", "")
            # A session that ended on the sign-out page is not sent back to sign out.
            if target != reverse("accounts:logout") and url_has_allowed_host_and_scheme(
                target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
            ):
                return redirect(target)
            return redirect("core:home")
    if form.errors and status == 200:
        status = 400
    return render(request, "accounts/login.html", {"form": form}, status=status)


@require_POST
def logout_view(request: PublicRequest) -> HttpResponse:
    if request.user.is_authenticated:
        audit.record(action=AuditEvent.Action.LOGOUT, request=request)
    logout(request)
    return redirect("accounts:login")


def backoffice_login(request: PublicRequest, extra_context: dict | None = None) -> HttpResponse:
    """The back office signs in through the app's own login page: the Django admin's
    login form authenticates without the lockout, the per-IP limit and the audit rows,
    and its session is a session of the whole app."""
    target = request.GET.get("next") or reverse("admin:index")
    return redirect_to_login(target, login_url=reverse("accounts:login"))


def backoffice_password_change(
    request: AuthedRequest, extra_context: dict | None = None
) -> HttpResponse:
    """The back office changes a password on the app's own page (audited)."""
    return redirect("accounts:password_change")


@login_required
@require_safe
def me(request: AuthedRequest) -> HttpResponse:
    """The signed-in user's own account: who and where they are, their recent sign-ins."""
    sign_ins = AuditEvent.objects.sign_ins_of(request.user)[:ME_SIGN_INS]
    return render(request, "accounts/me.html", {"sign_ins": sign_ins, "shown": ME_SIGN_INS})


ME_SIGN_INS = 20


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def password_change(request: AuthedRequest) -> HttpResponse:
    form = PasswordChangeForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = form.save()
        update_session_auth_hash(request, user)
        audit.record(
            action=AuditEvent.Action.PASSWORD, request=request, obj=user, detail="修改密码"
        )
        messages.success(request, "密码已修改")
        # Back to the page that sent the user here (a phone's queue waiting on the
        # change: ``next`` from the 403 its upload got), if on this site.
        target = request.GET.get("next", "")
        if url_has_allowed_host_and_scheme(
            target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            return redirect(target)
        return redirect("core:home")
    return render(
        request, "accounts/password_change.html", {"form": form}, status=400 if form.errors else 200
    )


@require_safe
@require_capability("accounts.manage")
def users(request: AuthedRequest) -> HttpResponse:
    form = UserFilterForm(request.GET or None)
    qs = User.objects.visible_to(request.user).select_related("area")
    if form.is_valid():
        qs = qs.search(q=form.cleaned_data["q"], role=form.cleaned_data["role"])
    elif form.is_bound:
        qs = qs.none()  # a refused filter lists nothing rather than every account
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    managed = {u.pk for u in page if u.managed_by(request.user)}
    template = "accounts/users.html#rows" if request.htmx else "accounts/users.html"
    status = 400 if form.errors else 200
    context = {"form": form, "page": page, "managed": managed}
    return render(request, template, context, status=status)


def _area_choices(user: User):
    return Area.objects.visible_to(user).exclude(kind=Area.Kind.BUILDING)


@require_http_methods(["GET", "HEAD", "POST"])
@require_capability("accounts.manage")
def user_create(request: AuthedRequest) -> HttpResponse:
    form = UserForm(request.POST or None, areas=_area_choices(request.user))
    if request.method == "POST" and form.is_valid():
        try:
            user, password = actions.create_user(by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            return render(
                request, "accounts/password_shown.html", {"subject": user, "password": password}
            )
    return render(
        request,
        "accounts/user_form.html",
        {"form": form, "subject": None},
        status=400 if form.errors else 200,
    )


@require_http_methods(["GET", "HEAD", "POST"])
@require_capability("accounts.manage")
def user_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    subject = get_for_user(User, request.user, pk=pk)
    initial = {"full_name": subject.full_name, "role": subject.role, "area": subject.area}
    form = UserForm(
        request.POST or None,
        initial=initial,
        areas=_area_choices(request.user),
        editing=True,
        current_phone=subject.phone_masked,
        locked=subject.management_refusal(request.user),
    )
    if request.method == "POST" and form.is_valid():
        try:
            handovers = actions.update_user(by=request.user, user=subject, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, f"已保存账号 {subject.username}")
            for line in handovers:
                messages.info(request, line)
            return redirect("accounts:users")
    return render(
        request,
        "accounts/user_form.html",
        {"form": form, "subject": subject},
        status=400 if form.errors else 200,
    )


@require_POST
@require_capability("accounts.manage")
def user_toggle_active(request: AuthedRequest, pk: int) -> HttpResponse:
    subject = get_for_user(User, request.user, pk=pk)
    try:
        handovers = actions.set_active(by=request.user, user=subject, active=not subject.is_active)
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
    else:
        messages.success(request, f"已{'启用' if subject.is_active else '停用'} {subject.username}")
        for line in handovers:
            messages.info(request, line)
    return redirect("accounts:users")


@require_POST
@require_capability("accounts.manage")
def user_reset_password(request: AuthedRequest, pk: int) -> HttpResponse:
    subject = get_for_user(User, request.user, pk=pk)
    try:
        password = actions.reset_password(by=request.user, user=subject)
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
        return redirect("accounts:users")
    return render(
        request,
        "accounts/password_shown.html",
        {"subject": subject, "password": password, "reset": True},
    )


def _audit_queryset(request: AuthedRequest, form: AuditFilterForm):
    """The events the filter asks for; nothing at all when a filter is invalid, so a
    mistyped date never widens the answer to the whole log."""
    qs = AuditEvent.objects.visible_to(request.user)
    if not form.is_bound:
        return qs
    if not form.is_valid():
        return qs.none()
    data = form.cleaned_data
    qs = qs.search(
        q=data["q"],
        action=data["action"],
        result=data["result"],
        user=data["user"],
        object_type=data["object_type"],
        object_id=data["object_id"],
    )
    return qs.on_days(start=data["start"], end=data["end"])


@require_safe
@require_capability("audit.view")
def audit_log(request: AuthedRequest, *, too_many: int | None = None) -> HttpResponse:
    """The log, filtered; ``too_many``: an export of this many rows was refused (400).
    The page says so whenever the filtered rows exceed the export limit."""
    form = AuditFilterForm(request.GET or None)
    page = Paginator(_audit_queryset(request, form), 50).get_page(request.GET.get("page"))
    template = "accounts/audit.html#rows" if request.htmx else "accounts/audit.html"
    status = 400 if form.errors or too_many is not None else 200
    context = {
        "form": form,
        "page": page,
        "export_limit": AuditEvent.EXPORT_LIMIT,
        "export_refused": too_many is not None,
    }
    return render(request, template, context, status=status)


@require_safe
@require_capability("audit.view")
def audit_export(request: AuthedRequest) -> HttpResponse:
    """The filtered log as xlsx; more rows than ``AuditEvent.EXPORT_LIMIT`` is a 400
    on the log page asking to narrow the dates — nothing exported, nothing cut off."""
    form = AuditFilterForm(request.GET or None)
    if form.errors:
        return audit_log(request)
    qs = _audit_queryset(request, form)
    if (count := qs.count()) > AuditEvent.EXPORT_LIMIT:
        return audit_log(request, too_many=count)
    rows = (
        (
            e.at,  # a date-time cell, in local time
            e.username,
            e.get_role_display() if e.role else "",
            e.get_action_display(),
            e.object_kind,
            e.object_id,
            e.shown_object,
            e.get_result_display(),
            e.ip or "",
            e.shown_detail,
        )
        for e in qs.iterator()
    )
    content = workbook_bytes(
        ["时间", "用户", "角色", "操作", "对象类型", "对象编号", "对象", "结果", "来源IP", "说明"],
        rows,
        title="审计日志",
        widths=[20, 14, 14, 14, 18, 10, 30, 8, 16, 40],
    )
    audit.record(action=AuditEvent.Action.EXPORT, request=request, detail="导出审计日志")
    return xlsx_response(f"审计日志-{timezone.localdate():%Y%m%d}.xlsx", content)
