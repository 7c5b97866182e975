from __future__ import annotations

import contextlib
import ipaddress
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.utils import timezone

from shouwang.core import pii
from shouwang.core.access import ScopedQuerySet
from shouwang.core.text import mobile_in

from .roles import GRID_STAFF_ROLES, Role, role_can

# What a username may hold, for the account form and the actions (bootstrap included).
USERNAME_PATTERN = r"[A-Za-z0-9_.-]{3,40}"
USERNAME_MESSAGE = "用户名只能包含字母、数字、下划线、点和短横线，3到40位"
AUDITOR_MANAGED_MESSAGE = (
    "审计员账号只能由超级管理员或其他审计员管理：审计员审计指挥部的操作，"
    "指挥部管理员不能重置其密码、停用账号或修改其角色和辖区。"
    "审计员忘记密码时，请服务器管理员执行 shouwang resetpassword 用户名"
)
AUDITOR_CREATED_MESSAGE = (
    "审计员账号不能由指挥部管理员新建：新建者知道其初始密码，可能抢先以审计员身份登录。"
    "请服务器管理员执行 shouwang bootstrap --role auditor（参数同建立第一个管理员时），"
    "把打印的初始密码交给审计员，由其在首次登录时改为自己的密码"
)
PEER_ADMIN_CREATED_MESSAGE = (
    "不能新建与自己同级的指挥部管理员账号：新建者知道其初始密码，可能抢先以其身份登录。"
    "请上级辖区的管理员新建，或请服务器管理员执行 shouwang bootstrap（参数同建立第一个"
    "管理员时，换一个用户名），把打印的初始密码交给本人，由其在首次登录时修改"
)
PEER_ADMIN_MADE_MESSAGE = (
    "不能把账号改为与自己同级的指挥部管理员：您可能知道其密码（例如重置过），"
    "就能以同级管理员的身份登录和操作。请上级辖区的管理员修改，或请服务器管理员新建"
    "（shouwang bootstrap）"
)
PEER_ADMIN_MESSAGE = (
    "不能管理同级或上级的指挥部管理员账号：能重置其密码的人就能以其名义登录和操作。"
    "其密码、状态、角色和辖区由上级辖区的管理员或超级管理员管理；"
    "忘记密码时，请服务器管理员执行 shouwang resetpassword 用户名"
)


class UserQuerySet(ScopedQuerySet):
    scope = "area"

    def active(self) -> UserQuerySet:
        return self.filter(is_active=True)

    def grid_staff(self) -> UserQuerySet:
        """Accounts whose role may answer for a grid."""
        return self.filter(role__in=GRID_STAFF_ROLES)

    def with_phone(self, phone: str) -> UserQuerySet:
        return self.filter(phone_hash=pii.lookup_hash(phone))

    def search(self, *, q: str = "", role: str = "") -> UserQuerySet:
        """Accounts whose username or name holds ``q``, or whose mobile it is, of
        ``role``."""
        qs = self
        if q:
            found = models.Q(username__icontains=q) | models.Q(full_name__icontains=q)
            if phone := mobile_in(q):
                found |= models.Q(phone_hash=pii.lookup_hash(phone))
            qs = qs.filter(found)
        if role:
            qs = qs.filter(role=role)
        return qs


class ScopedUserManager(UserManager.from_queryset(UserQuerySet)):  # type: ignore[misc]
    pass


class User(pii.EncryptedPhone, AbstractUser):
    """A staff account bound to one area node; it sees only that subtree."""

    full_name = models.CharField("姓名", max_length=50, blank=True)
    role = models.CharField("角色", max_length=20, choices=Role.choices, default=Role.LEADER)
    area = models.ForeignKey(
        "areas.Area",
        verbose_name="所属辖区",
        on_delete=models.PROTECT,
        null=True,
        related_name="users",
    )
    phone_enc = models.TextField("手机号（加密）", blank=True, default="")
    phone_hash = models.CharField(max_length=64, blank=True, default="", db_index=True)
    password_changed_at = models.DateTimeField("密码修改时间", null=True, blank=True)
    # Set by an administrator (a new account, a reset): known to someone else, so it is
    # changed at the first sign-in.
    password_temporary = models.BooleanField("临时密码", default=False)

    objects = ScopedUserManager()

    class Meta:
        ordering = ["username"]
        verbose_name = "用户"
        verbose_name_plural = "用户"

    def __str__(self) -> str:
        """The name shown wherever the user answers for something (a key person's
        responsible worker, a grid, a stats row): a disabled account says so."""
        name = self.full_name or self.username
        return name if self.is_active else f"{name}（已停用）"

    def set_phone(self, phone: str) -> None:
        self.phone_enc = pii.encrypt(phone)
        self.phone_hash = pii.lookup_hash(phone)

    def set_password(self, raw_password: str | None) -> None:
        super().set_password(raw_password)
        self.password_changed_at = timezone.now()
        self.password_temporary = False

    def set_temporary_password(self, raw_password: str) -> None:
        """A password an administrator hands over: to be changed at the first sign-in."""
        self.set_password(raw_password)
        self.password_temporary = True

    def can(self, capability: str) -> bool:
        return self.is_active and role_can(self.role, capability)

    def managed_by(self, by: User) -> bool:
        """Whether ``by`` may reset this account's password, disable it, or change its
        role or area (``management_refusal`` says why not)."""
        return not self.management_refusal(by)

    def management_refusal(self, by: User) -> str:
        """Why ``by`` may not reset this account's password, disable it, or change its
        role or area ("" if they may). An auditor audits HQ: an HQ admin who could reset
        the auditor's password would sign in as the auditor, and one who could disable
        or move the account would blind them; only a superuser (the server's operator)
        or another auditor manages an auditor account. An HQ admin (or a superuser)
        is managed from above: by a superuser, or an HQ admin of a strictly larger
        area — a peer who could reset their password would act under their name."""
        if by.is_superuser:
            return ""
        if self.role == Role.AUDITOR and by.role != Role.AUDITOR:
            return AUDITOR_MANAGED_MESSAGE
        if self.role == Role.HQ_ADMIN or self.is_superuser:
            above = (
                self.area is not None
                and by.area is not None
                and self.area_id != by.area_id
                and self.area.is_within(by.area)
            )
            return "" if above else PEER_ADMIN_MESSAGE
        return ""

    @property
    def is_read_only(self) -> bool:
        return self.role in (Role.LEADER, Role.AUDITOR)

    def must_change_password(self) -> str:
        """Why the user must change their password before anything else ("" if not)."""
        if self.password_temporary:
            return "您的密码是管理员设置的临时密码，请先改为只有您自己知道的密码"
        if self.password_expired():
            return "密码已超过有效期，请先修改密码"
        return ""

    def password_expired(self) -> bool:
        days = settings.PASSWORD_MAX_AGE_DAYS
        if not days or self.password_changed_at is None:
            return False
        return timezone.now() - self.password_changed_at > timedelta(days=days)


class LoginThrottleQuerySet(models.QuerySet):
    def locked(self, keys: list[str]) -> LoginThrottleQuerySet:
        return self.filter(key__in=keys, locked_until__gt=timezone.now())


class LoginThrottle(models.Model):
    """Failed logins per account ("user:<pk>", or "name:<typed name>" for an unknown
    one) and per source IP ("ip:<addr>"), counted within a sliding window."""

    key = models.CharField(max_length=200, unique=True)
    failures = models.PositiveIntegerField(default=0)
    locked_until = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = LoginThrottleQuerySet.as_manager()

    class Meta:
        ordering = ["key"]
        verbose_name = "登录限制"
        verbose_name_plural = "登录限制"

    def __str__(self) -> str:
        return self.key

    def register_failure(self, *, limit: int, window: timedelta) -> bool:
        """Count one failure (the count restarts when the last one is older than
        ``window``); lock for ``window`` at ``limit``. Returns True when it locked."""
        now = timezone.now()
        LoginThrottle.objects.filter(pk=self.pk).update(
            failures=models.Case(
                models.When(updated_at__lt=now - window, then=models.Value(1)),
                default=models.F("failures") + 1,
            ),
            updated_at=now,
        )
        self.refresh_from_db(fields=["failures", "updated_at"])
        if self.failures < limit:
            return False
        self.locked_until = now + window
        self.failures = 0
        self.save(update_fields=["locked_until", "failures", "updated_at"])
        return True


class AuditQuerySet(ScopedQuerySet):
    scope = "area"

    def visible_to(self, user: object) -> AuditQuerySet:
        """Events within the user's subtree. Events with no area (failed logins with an
        unknown name) are shown at district and sub-district level, the top of a
        deployment."""
        qs = super().visible_to(user)
        area = getattr(user, "area", None) if getattr(user, "is_authenticated", False) else None
        if area is not None and area.depth <= 1 and user.is_active:
            qs = qs | self.filter(area__isnull=True)
        return qs

    def search(
        self,
        *,
        q: str = "",
        action: str = "",
        result: str = "",
        user: str = "",
        object_type: str = "",
        object_id: str = "",
    ) -> AuditQuerySet:
        """``q``: any text of the row (who, the object, the detail) or its address;
        ``user``: the username of who acted, whole; ``object_type`` (a model label,
        "people.Person") and ``object_id``: the rows about one kind of object, or one
        object."""
        qs = self
        if user.strip():
            qs = qs.filter(username__iexact=user.strip())
        if object_type:
            qs = qs.filter(object_type=object_type)
            if object_id.strip():
                qs = qs.filter(object_id=object_id.strip())
        if q:
            text = (
                models.Q(username__icontains=q)
                | models.Q(object_repr__icontains=q)
                | models.Q(detail__icontains=q)
            )
            # Compare the address column only with an address: PostgreSQL's inet
            # refuses anything else.
            with contextlib.suppress(ValueError):
                text |= models.Q(ip=str(ipaddress.ip_address(q.strip())))
            qs = qs.filter(text)
        if action:
            qs = qs.filter(action=action)
        if result:
            qs = qs.filter(result=result)
        return qs

    def sign_ins_of(self, user: object) -> AuditQuerySet:
        """The user's own sign-ins, failed ones and lockouts included, newest first: what
        the account page shows them, so a sign-in they did not make stands out."""
        return self.filter(
            user=user,
            action__in=[
                self.model.Action.LOGIN,
                self.model.Action.LOGIN_FAILED,
                self.model.Action.LOCKED_OUT,
            ],
        ).order_by("-at", "-id")

    def on_days(self, *, start: date | None = None, end: date | None = None) -> AuditQuerySet:
        """Events from the start of ``start`` to the end of ``end``, local days."""
        qs = self
        tz = timezone.get_current_timezone()
        if start:
            qs = qs.filter(at__gte=datetime.combine(start, time.min, tzinfo=tz))
        if end:
            qs = qs.filter(at__lte=datetime.combine(end, time.max, tzinfo=tz))
        return qs


class AuditEvent(models.Model):
    """Append-only audit log. Rows are never updated or deleted by the application;
    a database trigger (migration 0003) refuses UPDATE on both engines and DELETE on
    PostgreSQL."""

    #: The most rows one xlsx export holds: a larger filtered set is refused with a
    #: message asking to narrow the dates, never cut short in silence.
    EXPORT_LIMIT = 100_000

    class Action(models.TextChoices):
        LOGIN = "login", "登录"
        LOGOUT = "logout", "退出"
        LOGIN_FAILED = "login_failed", "登录失败"
        LOCKED_OUT = "locked_out", "账号锁定"
        DENIED = "denied", "拒绝访问"
        REVEAL = "reveal", "查看完整个人信息"
        EXPORT = "export", "导出"
        CREATE = "create", "新建"
        UPDATE = "update", "修改"
        STATUS = "status", "状态变更"
        DELETE = "delete", "删除"
        IMPORT = "import", "导入"
        PASSWORD = "password", "密码"
        TRACE = "trace", "轨迹查询"

    class Result(models.TextChoices):
        OK = "ok", "成功"
        FAILED = "failed", "失败"
        DENIED = "denied", "拒绝"

    at = models.DateTimeField("时间", default=timezone.now, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.DO_NOTHING, null=True, db_constraint=False
    )
    username = models.CharField("用户", max_length=150, blank=True)
    role = models.CharField("角色", max_length=20, choices=Role.choices, blank=True)
    # The area whose auditor may read this row: the actor's area, else the object's.
    area = models.ForeignKey(
        "areas.Area", on_delete=models.DO_NOTHING, null=True, db_constraint=False
    )
    action = models.CharField("操作", max_length=20, choices=Action.choices)
    object_type = models.CharField("对象类型", max_length=50, blank=True)
    object_id = models.CharField("对象编号", max_length=64, blank=True)
    object_repr = models.CharField("对象", max_length=200, blank=True)
    result = models.CharField("结果", max_length=10, choices=Result.choices, default=Result.OK)
    ip = models.GenericIPAddressField("来源IP", null=True, blank=True)
    detail = models.TextField("说明", blank=True)

    objects = AuditQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = "审计日志"
        verbose_name_plural = "审计日志"
        indexes = [models.Index(fields=["action", "at"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.username} {self.get_action_display()}"

    @property
    def object_kind(self) -> str:
        """The kind of object in words ("人员"), "" for none or a model since removed."""
        return dict(object_kinds()).get(self.object_type, self.object_type)

    @property
    def shown_object(self) -> str:
        """The object as the log shows it, any phone or ID number in it masked (rows
        written before ``audit.record`` masked them are masked when shown)."""
        return pii.mask_in_text(self.object_repr)

    @property
    def shown_detail(self) -> str:
        return pii.mask_in_text(self.detail)


def object_kinds() -> list[tuple[str, str]]:
    """The kinds of object an audit row may be about: (model label, its name in words),
    the project's own models, by name."""
    from django.apps import apps

    kinds = [
        (model._meta.label, str(model._meta.verbose_name))
        for model in apps.get_models()
        if model.__module__.startswith("shouwang.")
    ]
    return sorted(kinds, key=lambda kind: (kind[1], kind[0]))
