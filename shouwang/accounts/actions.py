"""Account workflows: login with lockout, user management."""

from __future__ import annotations

import re
import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import login, password_validation
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest

from shouwang.areas import actions as area_actions
from shouwang.areas.models import Area
from shouwang.core import pii
from shouwang.core.text import mobile_in, visible
from shouwang.core.unique import unique_write

from . import audit
from .backends import UsernameOrPhoneBackend
from .models import (
    AUDITOR_CREATED_MESSAGE,
    PEER_ADMIN_CREATED_MESSAGE,
    PEER_ADMIN_MADE_MESSAGE,
    USERNAME_MESSAGE,
    USERNAME_PATTERN,
    AuditEvent,
    LoginThrottle,
    User,
)
from .roles import Role


class LoginError(Exception):
    """A refused sign-in; ``status`` is the HTTP status the page answers with: 400 for
    a wrong name or password, 429 while the account or address is locked."""

    def __init__(self, message: str, *, status: int = 400) -> None:
        super().__init__(message)
        self.status = status


def _logged_name(identifier: str) -> str:
    """A login name nobody holds, as the audit log keeps it: a phone masked, as every
    phone is kept (the log is append-only and read by auditors)."""
    phone = mobile_in(identifier)
    return pii.mask_phone(phone) if phone else identifier


def _throttle_keys(identifier: str, known: User | None, ip: str | None) -> list[str]:
    """The account's key first (one per account, whether typed as name or phone); a
    phone nobody holds by its keyed hash, never in clear."""
    if known is not None:
        keys = [f"user:{known.pk}"]
    elif phone := mobile_in(identifier):
        keys = [f"phone:{pii.lookup_hash(phone)}"]
    else:
        keys = [f"name:{identifier.strip().lower()[:150]}"]
    if ip:
        keys.append(f"ip:{ip}")
    return keys


def _register_failure(keys: list[str]) -> bool:
    """Count a failure against each key; returns True when a key became locked."""
    window = timedelta(minutes=settings.LOGIN_LOCKOUT_MINUTES)
    locked = False
    for key in keys:
        throttle, _ = LoginThrottle.objects.get_or_create(key=key)
        limit = (
            settings.LOGIN_MAX_FAILURES_PER_IP
            if key.startswith("ip:")
            else settings.LOGIN_MAX_FAILURES
        )
        locked = throttle.register_failure(limit=limit, window=window) or locked
    return locked


def log_in(*, request: HttpRequest, username: str, password: str) -> User:
    """Check the lockout, authenticate, rotate the session and audit either way."""
    known = UsernameOrPhoneBackend.find_user(username)
    keys = _throttle_keys(username, known, audit.client_ip(request))
    if LoginThrottle.objects.locked(keys).exists():
        audit.record(
            action=AuditEvent.Action.LOGIN_FAILED,
            request=request,
            user=known,
            username=_logged_name(username),
            result=AuditEvent.Result.DENIED,
            detail="账号或IP已锁定",
        )
        raise LoginError(
            f"登录失败次数过多，已锁定{settings.LOGIN_LOCKOUT_MINUTES}分钟，请稍后再试",
            status=429,
        )
    user = UsernameOrPhoneBackend().authenticate(request, username=username, password=password)
    if user is None:
        # Said only to whoever typed the account's own password: a reset would not help.
        disabled = known is not None and not known.is_active and known.check_password(password)
        with transaction.atomic():
            locked = _register_failure(keys)
            audit.record(
                action=AuditEvent.Action.LOCKED_OUT if locked else AuditEvent.Action.LOGIN_FAILED,
                request=request,
                user=known,
                username=_logged_name(username),
                result=AuditEvent.Result.FAILED,
                detail="账号已停用" if known is not None and not known.is_active else "",
            )
        if locked:
            raise LoginError(
                "用户名/手机号或密码不正确；失败次数过多，"
                f"已锁定{settings.LOGIN_LOCKOUT_MINUTES}分钟，请稍后再试",
                status=429,
            )
        if disabled:
            raise LoginError("该账号已停用，请联系指挥部管理员")
        raise LoginError("用户名/手机号或密码不正确")
    LoginThrottle.objects.filter(key=keys[0]).delete()
    user.backend = "shouwang.accounts.backends.UsernameOrPhoneBackend"
    login(request, user)  # rotates the session key
    audit.record(action=AuditEvent.Action.LOGIN, request=request, user=user)
    return user


def generate_password() -> str:
    """A random password that passes the policy, for new accounts and resets."""
    alphabet = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    return "".join(secrets.choice(alphabet) for _ in range(12))


def _check_phone_free(phone: str, *, user: User | None = None) -> None:
    """A phone logs in its account: it may be neither another account's phone nor
    another account's username (an account named by a number, from before they were
    refused), which the login would take first."""
    others = User.objects.exclude(pk=user.pk) if user is not None else User.objects.all()
    if others.with_phone(phone).exists():
        raise ValidationError("该手机号已绑定其他账号")
    if others.filter(username=phone).exists():
        raise ValidationError("该手机号已是其他账号的用户名，不能再绑定")


def clean_full_name(typed: str) -> str:
    """The name as shown: without unseen characters (a zero-width space pasted from a
    chat made an account whose name shows as nothing). One of unseen characters only is
    refused; none at all is left to the form (bootstrap names no one: the username is
    shown)."""
    name = visible(typed).strip()
    if typed.strip() and not name:
        raise ValidationError("姓名不能为空（只有空格或不可见字符）")
    return name


def _check_username_free(username: str) -> None:
    if User.objects.filter(username__iexact=username).exists():
        raise ValidationError(f"用户名“{username}”已被使用")


def _check_can_manage(by: User, area: Area) -> None:
    if not area.is_within(by.area):
        raise ValidationError("只能管理本辖区内的账号")


def _refuse(*, by: User, what: str, message: str, user: User | None = None) -> None:
    """Record the refusal of an account change ``by`` may not make (``what``: which
    change), then raise its message. Called before the change's transaction opens, so
    the audit row stays."""
    audit.record(
        action=AuditEvent.Action.DENIED,
        user=by,
        obj=user,
        result=AuditEvent.Result.DENIED,
        detail=f"{what}：{message}"[:2000],
    )
    raise ValidationError(message)


def _check_manages(*, by: User, user: User, what: str) -> None:
    """Refuse (audited) a change of password, status, role or area of an account
    ``by`` does not manage (``User.management_refusal``)."""
    if message := user.management_refusal(by):
        _refuse(by=by, user=user, what=what, message=message)


def create_user(
    *,
    by: User | None,
    username: str,
    full_name: str,
    role: str,
    area: Area,
    phone: str = "",
    password: str | None = None,
    temporary: bool | None = None,
) -> tuple[User, str]:
    """Create a staff account; returns it with its initial password, temporary (to be
    changed at the first sign-in) when an administrator sets it, or when ``temporary``
    says so (an account created on the server for someone else). ``by`` None: the
    server's console. Nobody creates an account they would not manage
    (``User.management_refusal``): they would know its first password and could sign in
    before its holder — an HQ admin creates neither the auditor nor a peer admin; the
    refusal is audited."""
    if by is not None and User(role=role, area=area).management_refusal(by):
        message = AUDITOR_CREATED_MESSAGE if role == Role.AUDITOR else PEER_ADMIN_CREATED_MESSAGE
        _refuse(by=by, what=f"新建账号：{Role(role).label} {username}", message=message)
    with transaction.atomic():
        return _create_user(
            by=by,
            username=username,
            full_name=full_name,
            role=role,
            area=area,
            phone=phone,
            password=password,
            temporary=by is not None if temporary is None else temporary,
        )


def _create_user(
    *,
    by: User | None,
    username: str,
    full_name: str,
    role: str,
    area: Area,
    phone: str,
    password: str | None,
    temporary: bool,
) -> tuple[User, str]:
    if by is not None:
        _check_can_manage(by, area)
    if not re.fullmatch(USERNAME_PATTERN, username):
        raise ValidationError(USERNAME_MESSAGE)
    if mobile_in(username):
        # The login takes a username before a phone: this one would take over the phone
        # login of the account whose number it is.
        raise ValidationError("用户名不能是手机号；手机号请填在“手机号”一栏，同样可用于登录")
    _check_username_free(username)
    if phone:
        _check_phone_free(phone)
    full_name = clean_full_name(full_name)
    password = password or generate_password()
    user = User(username=username, full_name=full_name, role=role, area=area)
    password_validation.validate_password(password, user)
    user.is_staff = role == "hq_admin"
    user.set_phone(phone)
    if temporary:
        user.set_temporary_password(password)
    else:  # the first administrator, from the server's console
        user.set_password(password)
    with unique_write(lambda: _check_username_free(username)):
        user.save()
    audit.record(action=AuditEvent.Action.CREATE, user=by, obj=user, area=area, username="system")
    return user, password


def update_user(
    *,
    by: User,
    user: User,
    full_name: str,
    role: str,
    area: Area,
    phone: str,
    clear_phone: bool = False,
) -> list[str]:
    """Change name, role and area; a blank ``phone`` keeps the current number, and
    ``clear_phone`` takes it off the account (the login by that number stops). Moved
    out of part of their former area, or given a role that no longer does the work
    (a leader follows nobody up), the user hands over what they can no longer see or
    do, as a move of the node would (``areas.actions.hand_over_unseen``); returns those
    handovers, one Chinese line each. An admin
    changes neither their own role nor their own area (as they cannot disable their own
    account): either could lock them out of what they manage, with no way back."""
    _check_can_manage(by, area)
    full_name = clean_full_name(full_name)
    if user.pk == by.pk and (role != user.role or area.pk != user.area_id):
        raise ValidationError("不能修改自己的角色或辖区，请由上级或其他管理员修改")
    if role != user.role or area.pk != user.area_id:
        _check_manages(by=by, user=user, what="修改角色或辖区")
        if role == Role.HQ_ADMIN and User(role=role, area=area).management_refusal(by):
            _refuse(by=by, user=user, what="修改角色或辖区", message=PEER_ADMIN_MADE_MESSAGE)
    with transaction.atomic():
        return _update_user(
            by=by,
            user=user,
            full_name=full_name,
            role=role,
            area=area,
            phone=phone,
            clear_phone=clear_phone,
        )


def _update_user(
    *,
    by: User,
    user: User,
    full_name: str,
    role: str,
    area: Area,
    phone: str,
    clear_phone: bool,
) -> list[str]:
    if role == Role.AUDITOR and user.role != Role.AUDITOR and not by.is_superuser:
        raise ValidationError(
            "不能把已有账号改为审计员：其密码可能已由管理员重置过。请新建审计员账号，"
            "由审计员在首次登录时设置自己的密码"
        )
    if phone and clear_phone:
        raise ValidationError("填写了新手机号又勾选了清除：请只选其中一项")
    if phone:
        _check_phone_free(phone, user=user)
    changes = []
    if user.role != role:
        changes.append(
            f"角色 {user.get_role_display()}→{dict(user._meta.get_field('role').choices)[role]}"
        )
    old_area, old_role = user.area, user.role
    if user.area_id != area.pk:
        changes.append(f"辖区 {user.area}→{area}")
    user.full_name = full_name
    user.role = role
    user.area = area
    user.is_staff = role == "hq_admin"
    if phone:
        changes.append("手机号")
        user.set_phone(phone)
    elif clear_phone and user.phone_hash:
        changes.append("清除手机号")
        user.set_phone("")
    user.save(update_fields=["full_name", "role", "area", "is_staff", "phone_enc", "phone_hash"])
    area_actions.leave_grids_not_answered_for(user=user)
    handovers = []
    if old_area is not None and not old_area.is_within(area):
        handovers += area_actions.hand_over_unseen(area=old_area, by=by)
    if old_role != role:
        handovers += area_actions.hand_over_unseen(area=area, by=by)
    detail = "；".join([*changes, *handovers])[:2000]
    audit.record(action=AuditEvent.Action.UPDATE, user=by, obj=user, detail=detail)
    return handovers


def set_active(*, by: User, user: User, active: bool) -> list[str]:
    """Enable or disable ``user``. A disabled account sees nothing, so it hands over
    what it answered for below its area, as a move does (``areas.actions.
    hand_over_unseen``: key persons to their grid's next active worker or to nobody,
    checkpoint rosters). Enabling hands nothing back. Returns the handovers, one
    Chinese line each; the audit entry lists them."""
    if user.pk == by.pk and not active:
        raise ValidationError("不能停用自己的账号")
    _check_manages(by=by, user=user, what="启用" if active else "停用")
    with transaction.atomic():
        return _set_active(by=by, user=user, active=active)


def _set_active(*, by: User, user: User, active: bool) -> list[str]:
    user.is_active = active
    user.save(update_fields=["is_active"])
    handovers = []
    if not active and user.area is not None:
        handovers = area_actions.hand_over_unseen(area=user.area, by=by)
    audit.record(
        action=AuditEvent.Action.STATUS,
        user=by,
        obj=user,
        detail="；".join(["启用" if active else "停用", *handovers])[:2000],
    )
    return handovers


def reset_password(*, by: User, user: User) -> str:
    """A new random password for another account. One's own is changed on the password
    page, which asks for the current one: a reset would pass that check and, through
    the session's password hash, sign the admin out with the new one on screen. Not
    for an account ``by`` does not manage (``User.management_refusal``: the auditor's,
    a peer HQ admin's); that refusal is audited."""
    if user.pk == by.pk:
        raise ValidationError("不能重置自己的密码，请通过“改密码”修改")
    _check_manages(by=by, user=user, what="重置密码")
    with transaction.atomic():
        return _reset_password(by=by, user=user)


def reset_password_on_server(*, user: User) -> str:
    """The recovery route when nobody above can reset a password (``shouwang
    resetpassword``): a new random temporary password, audited as done by "system"."""
    with transaction.atomic():
        return _reset_password(by=None, user=user)


def _reset_password(*, by: User | None, user: User) -> str:
    password = generate_password()
    user.set_temporary_password(password)
    user.save(update_fields=["password", "password_changed_at", "password_temporary"])
    LoginThrottle.objects.filter(key=f"user:{user.pk}").delete()
    audit.record(
        action=AuditEvent.Action.PASSWORD,
        user=by,
        username="system",
        obj=user,
        detail="重置密码" if by is not None else "在服务器上重置密码（shouwang resetpassword）",
    )
    return password
