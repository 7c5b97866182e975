from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from shouwang.accounts.forms import AreaChoiceField
from shouwang.areas.models import Area
from shouwang.core import pii
from shouwang.core.forms import ORDER_MAX, integer_column
from shouwang.core.text import half_width, mobile_in
from shouwang.people.documents import DocumentError, DocumentType, validate_document

from . import schedule
from .actions import (
    METHOD_CHOICE_MESSAGE,
    SYMPTOM_CHOICE_MESSAGE,
    check_arrival_date,
    parse_temperature,
)
from .models import (
    DEFAULT_LOST_AFTER,
    MAX_LOST_AFTER,
    Category,
    FollowUp,
    KeyPerson,
    LocateTask,
    WatchPolicy,
)

if TYPE_CHECKING:
    from shouwang.accounts.models import User

    from .models import AlertQuerySet, KeyPersonQuerySet

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class UserChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return f"{obj}（{obj.get_role_display()}）"


class BuildingChoiceField(forms.ModelChoiceField):
    """Buildings named with their compound: every compound has its own 1号楼.
    The queryset should select_related("parent")."""

    def label_from_instance(self, obj: Area) -> str:
        return f"{obj.parent.name} {obj.name}"


# The longest period typed at once: a category's default and one extension are at most
# 60 days too (a year typed wrong, 2062 for 2026, was never proposed for release).
MAX_PERIOD_DAYS = 60


class PeriodFields(forms.Form):
    """Category, measure and period, shared by registration and confirmation."""

    category = forms.ModelChoiceField(label="类别", queryset=Category.objects.filter(active=True))
    measure = forms.ChoiceField(label="管控措施", choices=KeyPerson.Measure.choices)
    start_date = forms.DateField(label="开始日期", widget=DATE)
    planned_end = forms.DateField(
        label="计划解除日期", widget=DATE, required=False, help_text="留空则按类别默认天数计算"
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["start_date"].initial = timezone.localdate()

    def clean(self) -> dict:
        data = super().clean()
        start, end = data.get("start_date"), data.get("planned_end")
        today = timezone.localdate()
        if start and start > today + timedelta(days=7):
            self.add_error("start_date", "开始日期不能晚于一周之后")
        if start and start < today - timedelta(days=60):
            self.add_error("start_date", "开始日期过早（60天以前），请核对")
        if start and end and end <= start:
            self.add_error("planned_end", "计划解除日期应晚于开始日期")
        if start and end and end > start + timedelta(days=MAX_PERIOD_DAYS):
            self.add_error(
                "planned_end",
                f"计划解除日期不能晚于开始日期后{MAX_PERIOD_DAYS}天；需要更久请到期前延长",
            )
        return data


class PersonFields(forms.Form):
    """Who: found in the ledger by document number, or created there at a building."""

    doc_type = forms.ChoiceField(
        label="证件类型",
        choices=DocumentType.choices,
        initial=DocumentType.ID_CARD,
        required=False,  # absent (an older page or client): 居民身份证
    )
    document = forms.CharField(label="证件号码", max_length=40)
    name = forms.CharField(label="姓名", max_length=50, required=False)
    phone = forms.CharField(label="手机号", max_length=20, required=False)
    building = BuildingChoiceField(
        label="所在楼栋",
        queryset=Area.objects.none(),
        required=False,
        help_text="台账中找不到此人时必填，将同时建档",
    )

    def __init__(self, *args, buildings=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["building"].queryset = (
            buildings if buildings is not None else Area.objects.none()
        )
        self.fields["document"].widget.attrs["autocomplete"] = "off"

    def clean_doc_type(self) -> str:
        return self.cleaned_data["doc_type"] or DocumentType.ID_CARD

    def clean(self) -> dict:
        data = super().clean()
        if "doc_type" in data and "document" in data:
            try:
                data["document"] = validate_document(data["doc_type"], data["document"])
            except DocumentError as exc:
                self.add_error("document", str(exc))
        return data


class RegisterForm(PersonFields, PeriodFields):
    source = forms.ChoiceField(label="来源", choices=KeyPerson.Source.choices)
    origin = forms.CharField(label="来源地", max_length=100, required=False)
    arrival_date = forms.DateField(label="抵达日期", widget=DATE, required=False)
    notes = forms.CharField(label="备注", required=False, widget=forms.Textarea(attrs={"rows": 2}))

    field_order = [
        "doc_type",
        "document",
        "name",
        "phone",
        "building",
        "category",
        "source",
        "measure",
        "start_date",
        "planned_end",
        "origin",
        "arrival_date",
        "notes",
    ]

    def clean_arrival_date(self) -> date | None:
        day = self.cleaned_data["arrival_date"]
        if day is not None:
            check_arrival_date(day, today=timezone.localdate())
        return day


class ConfirmLeadForm(PeriodFields):
    note = forms.CharField(label="说明", max_length=200, required=False)


class AttachLeadForm(forms.Form):
    """A lead about someone already under control: attached to their record."""

    note = forms.CharField(label="说明", max_length=200, required=False)


class ConfirmUnknownLeadForm(PersonFields, ConfirmLeadForm):
    """A lead that names nobody in the ledger: staff say who it is."""

    field_order = ["doc_type", "document", "name", "phone", "building"]


class EditForm(forms.Form):
    """A record's category (those in use, and the record's own even if 停用), measure,
    notes and responsible worker (``staff``: those of the record's community)."""

    category = forms.ModelChoiceField(label="类别", queryset=Category.objects.none())
    measure = forms.ChoiceField(label="管控措施", choices=KeyPerson.Measure.choices)
    responsible = UserChoiceField(label="责任网格员", queryset=None, required=False)
    notes = forms.CharField(label="备注", required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, record: KeyPerson, staff=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = Category.objects.filter(
            Q(active=True) | Q(pk=record.category_id)
        )
        self.fields["responsible"].queryset = staff


class StatusForm(forms.Form):
    """A status change. The reasons offered are those of the chosen status (the status
    select asks the server for them again when it changes, ``hx-get``); before a
    status is chosen, every status's reasons under its name. A reason of another
    status is refused here saying which reasons fit."""

    status = forms.ChoiceField(label="变更为")
    reason = forms.ChoiceField(
        label="原因",
        choices=[("", "请选择"), *KeyPerson.Reason.choices],
        error_messages={"invalid_choice": "请从列表中选择原因"},
    )
    note = forms.CharField(label="说明", max_length=200, required=False)

    def __init__(self, *args, record: KeyPerson, **kwargs) -> None:
        kwargs.setdefault("auto_id", "status-%s")  # beside the extension form's 原因
        super().__init__(*args, **kwargs)
        self.record = record
        offered = [KeyPerson.Status(s) for s in record.next_statuses]
        status = self.fields["status"]
        # Every other status is a valid choice, so that a move the record does not
        # allow is refused in ``clean`` saying which it does; only those are offered.
        status.choices = [
            ("", "请选择"),
            *[(s.value, s.label) for s in KeyPerson.Status if s != record.status],
        ]
        status.widget.choices = [("", "请选择"), *[(s.value, s.label) for s in offered]]
        if not KeyPerson.objects.filter(pk=record.pk).latest_of_their_person().exists():
            # A record a newer one followed does not resume (``change_status`` says why
            # when asked): 管控中 is not offered, though still accepted to be refused.
            status.widget.choices = [
                c for c in status.widget.choices if c[0] != KeyPerson.Status.ACTIVE
            ]
        status.error_messages["invalid_choice"] = (
            f"请选择要变更为的状态（当前已是“{record.get_status_display()}”）"
        )
        status.widget.attrs.update(
            {
                "hx-get": reverse("watch:status", args=[record.pk]),
                "hx-trigger": "change",
                "hx-target": "#status-reason",
                "hx-swap": "outerHTML",
            }
        )
        chosen = self["status"].value()
        if chosen in offered:
            reasons = [(r.value, r.label) for r in KeyPerson.REASONS_FOR[chosen]]
        else:
            reasons = [
                (s.label, [(r.value, r.label) for r in KeyPerson.REASONS_FOR[s]]) for s in offered
            ]
        self.fields["reason"].widget.choices = [("", "请选择"), *reasons]

    def clean(self) -> dict:
        data = super().clean()
        status, reason = data.get("status"), data.get("reason")
        if status and (refused := self.record.move_refused(status)):
            self.add_error("status", refused)
            return data
        if status and reason and reason not in KeyPerson.REASONS_FOR[status]:
            fitting = "、".join(r.label for r in KeyPerson.REASONS_FOR[status])
            self.add_error(
                "reason",
                f"“{KeyPerson.Reason(reason).label}”不是变更为“{KeyPerson.Status(status).label}”"
                f"的原因，请选择：{fitting}",
            )
        return data


class ExtendForm(forms.Form):
    new_end = forms.DateField(label="新的计划解除日期", widget=DATE)
    reason = forms.ChoiceField(label="延长原因", choices=KeyPerson.ExtensionReason.choices)
    note = forms.CharField(label="说明", max_length=200, required=False)


class AttemptForm(forms.Form):
    """A follow-up that reached nobody (未联系上), from the phone page or an API item:
    one tap with the method. ``client_id`` is generated by the page. Each field's
    refusal says what to correct (the API returns it per field); a slot the community
    does not have is told by the action, which knows the community's slots."""

    client_id = forms.UUIDField(
        error_messages={"required": "缺少提交编号，请刷新页面", "invalid": "提交编号无效"}
    )
    slot = forms.IntegerField(
        min_value=1,
        max_value=schedule.MAX_SLOTS,
        error_messages={
            "required": "缺少随访时段，请刷新页面",
            "invalid": "随访时段应为时段序号（1、2…），请刷新页面",
            **dict.fromkeys(
                ("min_value", "max_value"),
                f"随访时段不正确：没有第 %(value)s 个时段（每天最多 {schedule.MAX_SLOTS} 个），"
                "请刷新页面",
            ),
        },
    )
    # The day of the page tapped (or of the API item): a page left open past midnight
    # taps yesterday's slot, judged by the late-upload rule — never today's slot.
    day = forms.DateField(
        required=False,
        input_formats=["%Y-%m-%d"],
        error_messages={"invalid": "随访日期不正确，请刷新页面"},
    )
    method = forms.ChoiceField(
        choices=[(m.value, m.label) for m in FollowUp.WORKER_METHODS],
        initial=FollowUp.Method.PHONE,
        error_messages={
            "required": "请选择随访方式（电话或上门）",
            "invalid_choice": METHOD_CHOICE_MESSAGE,
        },
    )
    note = forms.CharField(
        label="情况说明",
        max_length=200,
        required=False,
        error_messages={"max_length": "情况说明最多 %(limit_value)d 字（现有 %(show_value)d 字）"},
    )


class FollowUpForm(AttemptForm):
    """A worker's follow-up that reached the person: one tap for normal (method only),
    temperature and symptoms only when abnormal."""

    temperature = forms.CharField(
        label="体温（℃）",
        required=False,
        max_length=6,
        error_messages={"max_length": "体温应为数字，如 36.5"},
    )
    symptoms = forms.MultipleChoiceField(
        label="症状",
        choices=FollowUp.Symptom.choices,
        required=False,
        error_messages={"invalid_choice": SYMPTOM_CHOICE_MESSAGE, "invalid_list": "症状应为列表"},
    )

    field_order = ["client_id", "day", "slot", "method", "temperature", "symptoms", "note"]

    def clean_temperature(self) -> Decimal | None:
        try:
            return parse_temperature(self.cleaned_data["temperature"])
        except ValidationError as exc:
            raise ValidationError(exc.messages[0]) from exc


class BackfillForm(FollowUpForm):
    """补录 on 今日随访: a follow-up of a past slot (``slot_day``, yesterday's as the
    page offers it) with the time it was actually done. The day is not ``day``: the
    card sends its own day (today) with every form."""

    slot_day = forms.DateField(
        input_formats=["%Y-%m-%d"],
        error_messages={
            "required": "缺少随访日期，请刷新页面",
            "invalid": "随访日期不正确，请刷新页面",
        },
    )
    done_at = forms.TimeField(
        label="实际随访时间",
        input_formats=["%H:%M", "%H:%M:%S"],
        error_messages={
            "required": "请填写实际随访时间，如 19:40",
            "invalid": "实际随访时间不正确，请按“时:分”填写，如 19:40",
        },
    )

    field_order = ["client_id", "slot_day", "slot", "method", "done_at", "temperature"]


class SelfReportForm(forms.Form):
    client_id = forms.UUIDField(
        widget=forms.HiddenInput,
        error_messages={"required": "页面已过期，请刷新后再提交", "invalid": "页面已过期"},
    )
    # Residents read these: what to do, not Django's 这个字段是必填项 / 确保该变量包含….
    temperature = forms.CharField(
        label="体温（℃）",
        max_length=6,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "placeholder": "如 36.5"}),
        error_messages={
            "required": "请填写体温，如 36.5",
            "max_length": "体温应为数字，如 36.5",
        },
    )
    symptoms = forms.MultipleChoiceField(
        label="今天是否有以下不适（没有则不选）",
        choices=FollowUp.Symptom.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": "请从列出的不适中选择，没有则不选"},
    )
    note = forms.CharField(
        label="其他情况",
        max_length=200,
        required=False,
        error_messages={"max_length": "其他情况最多 %(limit_value)d 字（现有 %(show_value)d 字）"},
    )

    def clean(self) -> dict:
        data = super().clean()
        if "client_id" in self.errors:  # a hidden field: say it where it is seen
            self.add_error(None, self.errors.pop("client_id")[0])
        return data

    def clean_temperature(self) -> Decimal | None:
        try:
            return parse_temperature(self.cleaned_data["temperature"])
        except ValidationError as exc:
            raise ValidationError(exc.messages[0]) from exc


class HandleAlertForm(forms.Form):
    note = forms.CharField(label="处置说明", max_length=200, required=False)


class DismissLeadForm(forms.Form):
    note = forms.CharField(label="排除理由", max_length=200)


class ReopenLeadForm(forms.Form):
    reason = forms.CharField(
        label="恢复核实的原因",
        max_length=200,
        help_text="如：核实后确系本人、排除时看错了人",
        error_messages={
            "required": "请填写恢复核实的原因",
            "max_length": "原因最多 %(limit_value)d 个字（现有 %(show_value)d 个）",
        },
    )


class IntakeForm(forms.Form):
    file = forms.FileField(label="Excel文件（.xlsx）")
    category = forms.ModelChoiceField(label="类别", queryset=Category.objects.filter(active=True))
    measure = forms.ChoiceField(label="管控措施", choices=KeyPerson.Measure.choices)
    community = AreaChoiceField(
        label="默认社区",
        queryset=Area.objects.none(),
        required=False,
        help_text="台账中找不到、且“社区”列为空的人员，下发到此社区查找",
    )

    def __init__(self, *args, communities=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["community"].queryset = communities
        only = list(communities[:2]) if communities is not None else []
        if len(only) == 1:
            self.fields["community"].initial = only[0].pk


class IntakeCommitForm(forms.Form):
    token = forms.CharField(max_length=64)
    category = forms.ModelChoiceField(queryset=Category.objects.filter(active=True))
    measure = forms.ChoiceField(choices=KeyPerson.Measure.choices)
    community = forms.ModelChoiceField(queryset=Area.objects.none(), required=False)

    def __init__(self, *args, communities=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["community"].queryset = communities


class LocateForm(forms.Form):
    outcome = forms.ChoiceField(
        label="查找结果",
        choices=[(s.value, s.label) for s in LocateTask.Status if s != LocateTask.Status.PENDING],
        widget=forms.RadioSelect,
    )
    building = BuildingChoiceField(
        label="所在楼栋", queryset=Area.objects.none(), required=False, help_text="已找到时必填"
    )
    unit = forms.CharField(label="单元", max_length=20, required=False)
    room = forms.CharField(label="门牌/房号", max_length=40, required=False)
    note = forms.CharField(label="说明", max_length=200, required=False)

    def __init__(self, *args, buildings=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["building"].queryset = buildings

    def clean(self) -> dict:
        data = super().clean()
        if data.get("outcome") == LocateTask.Status.LOCATED and not data.get("building"):
            self.add_error("building", "已找到时请选择其所在楼栋")
        return data


class LocateReopenForm(forms.Form):
    reason = forms.CharField(
        label="恢复查找的原因",
        max_length=200,
        help_text="如：邻居证实本人仍住在此处、误点了查找结果",
        error_messages={
            "required": "请填写恢复查找的原因",
            "max_length": "原因最多 %(limit_value)d 个字（现有 %(show_value)d 个）",
        },
    )


class CategoryForm(forms.ModelForm):
    default_days = integer_column(
        Category,
        "default_days",
        min_value=1,
        max_value=MAX_PERIOD_DAYS,
        error_messages=dict.fromkeys(
            ("min_value", "max_value"), f"默认观察天数应在1到{MAX_PERIOD_DAYS}天之间"
        ),
    )
    order = integer_column(Category, "order", max_value=ORDER_MAX)

    class Meta:
        model = Category
        fields = ["name", "default_days", "order", "active"]
        # Django's own says 具有 类别 的 重点人员类别 已存在。
        error_messages = {"name": {"unique": "已有同名类别，请换一个名称或修改原有类别"}}


class PolicyForm(forms.Form):
    self_report = forms.BooleanField(label="允许本人通过专属链接自报体温", required=False)
    slots = forms.CharField(
        label="每日随访时段",
        max_length=200,
        help_text="格式：名称 开始-截止，用分号分隔，如“上午 06:00-12:00；下午 14:00-20:00”；"
        "按时间先后填写，名称各不相同，到当天结束请写 24:00；修改自今天起生效，"
        "此前各天仍按原时段统计",
    )

    lost_after = integer_column(
        WatchPolicy,
        "lost_after",
        min_value=1,
        max_value=MAX_LOST_AFTER,
        required=False,
        help_text="自上次随访以来，有这么多个时段都未联系上（电话无人接听、上门无人）的人员"
        f"列为疑似失联；留空为 {DEFAULT_LOST_AFTER}",
        error_messages=dict.fromkeys(
            ("min_value", "max_value", "invalid"),
            f"疑似失联的时段数应为 1 到 {MAX_LOST_AFTER} 之间的整数",
        ),
    )

    def clean_lost_after(self) -> int:
        return self.cleaned_data["lost_after"] or DEFAULT_LOST_AFTER

    def clean_slots(self) -> str:
        return schedule.format_slots(schedule.parse_slots(self.cleaned_data["slots"]))


class ListFilter(forms.Form):
    q = forms.CharField(label="搜索", required=False, max_length=50)
    status = forms.ChoiceField(
        label="状态",
        required=False,
        choices=[("", "全部状态"), *KeyPerson.Status.choices],
        initial=KeyPerson.Status.ACTIVE,
    )
    category = forms.ModelChoiceField(
        label="类别", required=False, queryset=Category.objects.all(), empty_label="全部类别"
    )
    community = forms.ModelChoiceField(
        label="社区", required=False, queryset=Area.objects.none(), empty_label="全部社区"
    )
    mine = forms.BooleanField(label="只看我负责的", required=False)

    def __init__(self, *args, communities=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["community"].queryset = communities

    def filter(self, qs: KeyPersonQuerySet, user: User) -> KeyPersonQuerySet:
        """The records the filters ask for; none when a filter is invalid (another
        community, a category or status that does not exist), so it never widens
        the answer to the whole list in the user's scope."""
        if not self.is_valid():
            return qs.none()
        data = self.cleaned_data
        if data["status"]:
            qs = qs.filter(status=data["status"])
        if data["category"]:
            qs = qs.filter(category=data["category"])
        if data["community"]:
            qs = qs.within(data["community"])
        if data["mine"]:
            qs = qs.responsible_for(user)
        q = "".join(half_width(data["q"]).split())
        if not q:
            return qs
        q = mobile_in(q) or q  # "+86 135-1234-5678" as the digits
        if not (q.isascii() and q.isalnum()) or q.isalpha():
            return qs.filter(person__name__contains=q)
        q = q.upper()
        whole = Q(person__doc_hash=pii.lookup_hash(q))
        tail = Q(person__doc_tail=pii.tail_hash(q))
        if len(q) in (15, 18):  # a whole ID number: that person only
            return qs.filter(whole)
        if len(q) == 11 and q.isdigit():  # a mobile number
            return qs.filter(person__phone_hash=pii.lookup_hash(q))
        if q[:-1].isdigit() and (q[-1].isdigit() or q[-1] == "X"):
            # The last digits of a document; 8 or 10 digits may be a whole 台胞证 number.
            return qs.filter(whole | tail if len(q) in (8, 10) else tail)
        # A passport or permit number ("E12345678", "H12345678"): that document only.
        return qs.filter(whole | tail if len(q) == 4 else whole)


class AlertFilter(forms.Form):
    state = forms.ChoiceField(
        label="处置",
        required=False,
        choices=[("open", "未处置"), ("handled", "已处置"), ("all", "全部")],
    )
    kind = forms.ChoiceField(label="类型", required=False, choices=[("", "全部类型")])

    def __init__(self, *args, **kwargs) -> None:
        from .models import Alert

        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [("", "全部类型"), *Alert.Kind.choices]

    def filter(self, qs: AlertQuerySet) -> AlertQuerySet:
        state = self.cleaned_data.get("state") if self.is_valid() else "open"
        kind = self.cleaned_data.get("kind") if self.is_valid() else ""
        if state in ("", "open"):
            qs = qs.open()
        elif state == "handled":
            qs = qs.filter(handled_at__isnull=False)
        if kind:
            qs = qs.filter(kind=kind)
        return qs
