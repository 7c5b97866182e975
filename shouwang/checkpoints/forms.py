from __future__ import annotations

import re
import unicodedata
import uuid
from datetime import UTC, date
from decimal import Decimal
from functools import partial
from typing import Any

from django import forms
from django.core.validators import ProhibitNullCharactersValidator
from django.utils import timezone

from shouwang.areas.models import Area
from shouwang.core.forms import RowsChoiceField, integer_column
from shouwang.core.text import half_width, has_control_characters, visible
from shouwang.people.documents import DocumentError, DocumentType, validate_document, validate_phone

from .actions import NO_VISITORS, Registration
from .actions.checkins import TEMPERATURE_PLACES, TEMPERATURE_RANGE
from .declarations import OTHER_UNSAID, Declaration, risk_holds
from .models import CheckIn, Checkpoint, PassRule, local_day_bounds
from .printing import refuse_unprintable

PROVINCES = "京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼"
PLATE_RE = re.compile(
    # Civil plates, 新能源 (8 characters), 挂/学/警/港/澳/领 and 应急 endings.
    rf"^[{PROVINCES}][A-HJ-NP-Z][A-HJ-NP-Z0-9]{{4,5}}(?:[A-HJ-NP-Z0-9挂学警港澳领]|应急)$"
    r"|^使\d{6}$"  # embassies: 使 and six digits
    rf"|^WJ[{PROVINCES}]?\d{{4}}[0-9A-Z]$"  # armed police
    r"|^[A-Z]{2}\d{5}$"  # military
)
# Typed at a gate: full-width letters and digits from a Chinese keyboard, spaces, dots.
PLATE_NOISE = str.maketrans("", "", " ·•・.-")
TEMPERATURE = {
    "min_value": Decimal("30.0"),
    "max_value": Decimal("45.0"),
    "max_digits": 3,
    "decimal_places": 1,
    "error_messages": {
        "min_value": TEMPERATURE_RANGE,
        "max_value": TEMPERATURE_RANGE,
        "invalid": "体温请填数字，如 36.5",
        "max_digits": TEMPERATURE_PLACES,
        "max_decimal_places": TEMPERATURE_PLACES,
    },
}


CONTROL_CHARACTERS = "{label}含有控制字符（如换行、空字符），请核对后重新填写"


def refuse_control_characters(value: str, *, label: str) -> None:
    """A free-text field typed at the post with a line break, NUL or bell in it is
    refused, naming the field: the console's forms and the offline API alike."""
    if has_control_characters(value):
        raise forms.ValidationError(CONTROL_CHARACTERS.format(label=label), code="control")


class LineField(forms.CharField):
    """One line of free text typed at the post (a name, a reason). Control characters
    are refused with the API's message; it replaces Django's own NUL check, which
    would say less (and twice)."""

    def __init__(self, *, label: str, message_label: str | None = None, **kwargs: Any) -> None:
        super().__init__(label=label, **kwargs)
        self.validators = [
            v for v in self.validators if not isinstance(v, ProhibitNullCharactersValidator)
        ]
        self.validators.append(partial(refuse_control_characters, label=message_label or label))


class TemperatureField(forms.DecimalField):
    """A reading as typed at the post or on a phone: in a Chinese input method's
    full-width mode (３６．５, 36。5) it reads the same, and 36.5℃ is 36.5 (as
    ``watch``'s follow-ups read it)."""

    def to_python(self, value: Any) -> Decimal | None:
        if isinstance(value, str):
            value = half_width(value.replace("，", ".").replace("。", ".").replace("℃", ""))
        return super().to_python(value)


def _temperature(label: str = "体温（℃）", required: bool = False) -> forms.DecimalField:
    return TemperatureField(
        label=label,
        required=required,
        widget=forms.NumberInput(attrs={"step": "0.1", "inputmode": "decimal"}),
        **TEMPERATURE,
    )


class ClientIdForm(forms.Form):
    """Every phone write carries the id its page was drawn with."""

    client_id = forms.UUIDField(
        widget=forms.HiddenInput,
        error_messages={
            "required": "页面缺少登记编号，请刷新",
            "invalid": "页面已过期，请刷新后重新提交",
        },
    )

    @staticmethod
    def fresh() -> dict[str, Any]:
        return {"client_id": uuid.uuid4()}


class DirectionField(forms.ChoiceField):
    def __init__(self, checkpoint: Checkpoint | None = None, **kwargs: Any) -> None:
        choices = CheckIn.Direction.choices
        if checkpoint is not None:
            choices = [c for c in choices if c[0] in checkpoint.allowed_directions()]
        kwargs.setdefault("initial", choices[0][0])
        super().__init__(label="方向", choices=choices, widget=forms.RadioSelect, **kwargs)


STALE_PAGE = "页面已过期，请刷新后重新申报"


class TapForm(ClientIdForm):
    """The one tap, carrying the health declaration shown above the buttons (drawn
    with the resident's last answers). ``declared`` marks a page that has it: a post
    without it (an old page) is refused rather than read as "no symptoms"."""

    declared = forms.CharField(
        widget=forms.HiddenInput, error_messages={"required": STALE_PAGE}, initial="1"
    )
    fever = forms.BooleanField(label="发热", required=False)
    cough = forms.BooleanField(label="咳嗽、乏力", required=False)
    other = forms.BooleanField(label="其他症状", required=False)
    # Named by its label alone, unlike the box above it: 其他症状具体为（选填）.
    other_symptoms = forms.CharField(
        label="其他症状具体为",
        max_length=100,
        required=False,
        error_messages={"max_length": "其他症状请简要填写，不超过100字"},
        widget=forms.TextInput(attrs={"placeholder": "如咽痛、腹泻"}),
    )
    risk_travel = forms.BooleanField(label="14天内到过疫情风险地区", required=False)
    risk_contact = forms.BooleanField(label="14天内接触过确诊或疑似病例", required=False)
    # The day a carried risk answer was first declared (its 14 days run from then).
    travel_since = forms.DateField(
        widget=forms.HiddenInput, required=False, error_messages={"invalid": STALE_PAGE}
    )
    contact_since = forms.DateField(
        widget=forms.HiddenInput, required=False, error_messages={"invalid": STALE_PAGE}
    )
    # Declared once, both ways; narrowed per form only at a one-way post (the hot path
    # builds no field of its own).
    direction = DirectionField()

    def __init__(
        self, *args: Any, checkpoint: Checkpoint, shown: Declaration | None = None, **kwargs: Any
    ) -> None:
        if shown is not None:
            kwargs["initial"] = {
                **kwargs.get("initial", {}),
                "fever": shown.fever,
                "cough": shown.cough,
                "other": bool(shown.other_symptoms),
                "other_symptoms": ""
                if shown.other_symptoms == OTHER_UNSAID
                else shown.other_symptoms,
                "risk_travel": shown.travel_since is not None,
                "risk_contact": shown.contact_since is not None,
                "travel_since": shown.travel_since,
                "contact_since": shown.contact_since,
            }
        super().__init__(*args, **kwargs)
        allowed = checkpoint.allowed_directions()
        if len(allowed) == 1:
            direction = self.fields["direction"]
            direction.choices = [c for c in CheckIn.Direction.choices if c[0] in allowed]
            direction.initial = allowed[0]

    def _since(self, name: str) -> date | None:
        day = self.cleaned_data.get(name)
        if day is not None and day > timezone.localdate():
            raise forms.ValidationError(STALE_PAGE)
        return day

    def clean_travel_since(self) -> date | None:
        return self._since("travel_since")

    def clean_contact_since(self) -> date | None:
        return self._since("contact_since")

    def declaration(self) -> tuple[Declaration, bool]:
        """The declaration as sent, and whether it declares a risk afresh (ticked now,
        not carried within its 14 days from an earlier answer)."""
        d, today = self.cleaned_data, timezone.localdate()
        fresh = False

        def since(ticked: bool, carried: date | None) -> date | None:
            nonlocal fresh
            if not ticked:
                return None
            if risk_holds(carried, today):
                return carried
            fresh = True
            return today

        other = (d["other_symptoms"].strip() or OTHER_UNSAID) if d["other"] else ""
        declaration = Declaration(
            fever=d["fever"],
            cough=d["cough"],
            other_symptoms=other,
            travel_since=since(d["risk_travel"], d["travel_since"]),
            contact_since=since(d["risk_contact"], d["contact_since"]),
            made_on=today,
        )
        return declaration, fresh


class RegistrationForm(ClientIdForm):
    KIND_CHOICES = [("resident", "本辖区居民"), ("visitor", "访客/外来人员")]

    name = forms.CharField(label="姓名", max_length=50, error_messages={"required": "请填写姓名"})
    doc_type = forms.ChoiceField(
        label="证件类型", choices=DocumentType.choices, initial=DocumentType.ID_CARD
    )
    doc_number = forms.CharField(
        label="证件号码", max_length=30, error_messages={"required": "请填写证件号码"}
    )
    phone = forms.CharField(
        label="手机号",
        max_length=20,
        widget=forms.TextInput(attrs={"type": "tel"}),
        error_messages={"required": "请填写手机号"},
    )
    kind = forms.ChoiceField(
        label="身份", choices=KIND_CHOICES, widget=forms.RadioSelect, initial="resident"
    )
    building = forms.ModelChoiceField(
        label="楼栋", queryset=Area.objects.none(), required=False, empty_label="请选择"
    )
    unit = forms.CharField(label="单元", max_length=20, required=False)
    room = forms.CharField(label="门牌/房号", max_length=40, required=False)
    visiting = forms.CharField(label="拜访对象", max_length=100, required=False)
    visit_reason = forms.CharField(label="来访事由", max_length=100, required=False)
    fever = forms.BooleanField(label="发热", required=False)
    cough = forms.BooleanField(label="咳嗽、乏力", required=False)
    other_symptoms = forms.CharField(label="其他症状", max_length=100, required=False)
    risk_travel = forms.BooleanField(label="14天内到过疫情风险地区", required=False)
    risk_contact = forms.BooleanField(label="14天内接触过确诊或疑似病例", required=False)
    temperature = _temperature("今日体温（℃，选填）")

    def __init__(
        self,
        *args: Any,
        checkpoint: Checkpoint,
        buildings: Any,
        visitors: bool = True,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["building"].queryset = buildings
        self.fields["direction"] = DirectionField(checkpoint)
        if not visitors:  # a post of no community has nowhere to add a visitor to
            self.fields["kind"].choices = self.KIND_CHOICES[:1]
            self.fields["kind"].error_messages["invalid_choice"] = NO_VISITORS

    def labels_to_fix(self) -> list[str]:
        """The fields a refused form asks to change, in the page's order (the page opens
        at its top; the first red line may be a screen further down)."""
        return [self[n].label for n in self.fields if n in self.errors and n != "client_id"]

    def clean_doc_number(self) -> str:
        try:
            return validate_document(
                self.data.get("doc_type", DocumentType.ID_CARD), self.cleaned_data["doc_number"]
            )
        except DocumentError as exc:
            raise forms.ValidationError(str(exc)) from exc

    def clean_phone(self) -> str:
        try:
            return validate_phone(self.cleaned_data["phone"])
        except DocumentError as exc:
            raise forms.ValidationError(str(exc)) from exc

    def _visible(self, name: str) -> str:
        # Unseen characters pasted from a chat (a zero-width space, a bell) would make
        # room "3\u200b02" a second household beside 302, alike on every page.
        return visible(self.cleaned_data[name]).strip()

    def clean_unit(self) -> str:
        return self._visible("unit")

    def clean_room(self) -> str:
        return self._visible("room")

    def clean_visiting(self) -> str:
        return self._visible("visiting")

    def clean_visit_reason(self) -> str:
        return self._visible("visit_reason")

    def clean_other_symptoms(self) -> str:
        return self._visible("other_symptoms")

    def clean(self) -> dict[str, Any]:
        data = super().clean()

        # A field already refused (too long, a building not listed) is not also empty.
        def missing(name: str) -> bool:
            return name not in self.errors and not (data.get(name) or "").strip()

        if data.get("kind") == "resident":
            if not data.get("building") and "building" not in self.errors:
                self.add_error("building", "请选择您住的楼栋；不是本辖区居民请选“访客”")
            if missing("room"):
                self.add_error("room", "请填写门牌/房号")
        elif data.get("kind") == "visitor":
            if missing("visiting"):
                self.add_error("visiting", "请填写拜访对象（如 3号楼 张先生）")
            if missing("visit_reason"):
                self.add_error("visit_reason", "请填写来访事由")
        return data

    def registration(self) -> Registration:
        d = self.cleaned_data
        visitor = d["kind"] == "visitor"
        return Registration(
            name=d["name"],
            doc_type=d["doc_type"],
            doc_number=d["doc_number"],
            phone=d["phone"],
            visitor=visitor,
            building=None if visitor else d["building"],
            unit="" if visitor else d["unit"].strip(),
            room="" if visitor else d["room"].strip(),
            visiting=d["visiting"].strip() if visitor else "",
            visit_reason=d["visit_reason"].strip() if visitor else "",
            fever=d["fever"],
            cough=d["cough"],
            other_symptoms=d["other_symptoms"].strip(),
            risk_travel=d["risk_travel"],
            risk_contact=d["risk_contact"],
            temperature=d["temperature"],
            direction=d["direction"],
        )


def clean_plate(value: str) -> str:
    plate = unicodedata.normalize("NFKC", value or "").translate(PLATE_NOISE).upper()
    if not plate:
        raise forms.ValidationError("请填写车牌号")
    if plate[:1] in PROVINCES:  # no I or O after the region letter: typed for 1 and 0
        plate = plate[:2] + plate[2:].replace("I", "1").replace("O", "0")
    if not PLATE_RE.match(plate):
        raise forms.ValidationError(
            "车牌号格式不正确，如 豫A12345、豫AD12345（新能源）、沪A1234领、使123456"
        )
    return plate


class ConsoleForm(ClientIdForm):
    """A form of the post's console. The console shows several on one page, so each
    draws its HTML ids with its own prefix (a label must not point at another form's
    field)."""

    id_prefix = "console"

    def __init__(self, *args: Any, checkpoint: Checkpoint, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", f"{self.id_prefix}_%s")
        super().__init__(*args, **kwargs)
        self.fields["direction"] = DirectionField(checkpoint)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if "client_id" in self.errors:  # a hidden field: say it above the form
            self.add_error(None, self.errors.pop("client_id"))
        return data


class ScanForm(ConsoleForm):
    id_prefix = "scan"
    token = forms.CharField(
        label="出入证二维码内容", max_length=300, error_messages={"required": "请扫描出入证"}
    )
    temperature = _temperature()


class MeasureForm(forms.Form):
    temperature = _temperature(required=True)


class TurnBackRowForm(forms.Form):
    """劝返 of a passage on the post's list."""

    reason = LineField(
        label="劝返原因", max_length=100, error_messages={"required": "请填写劝返原因"}
    )


class ReleaseRowForm(forms.Form):
    """放行 of a red passage out on the post's list: a reason from the list, and its
    text when it is 其他 (``actions.release_reason`` says which is missing)."""

    reason = forms.ChoiceField(
        label="放行原因",
        choices=CheckIn.ReleaseReason.choices,
        error_messages={
            "required": "请选择放行原因",
            "invalid_choice": "请选择放行原因：" + "、".join(CheckIn.ReleaseReason.labels),
        },
    )
    other = LineField(
        label="其他原因",
        max_length=80,
        required=False,
        error_messages={"max_length": "其他原因最多填写80个字，请精简"},
    )


class ConfirmForm(forms.Form):
    temperature = _temperature()


class VehicleForm(ConsoleForm):
    id_prefix = "vehicle"
    plate = LineField(label="车牌号", message_label="车牌", max_length=20)
    occupants = forms.IntegerField(label="车上人数（含司机）", min_value=1, max_value=60, initial=1)
    temperature = _temperature("最高体温（℃）")

    def clean_plate(self) -> str:
        return clean_plate(self.cleaned_data["plate"])


class VisitorForm(ConsoleForm):
    id_prefix = "visitor"
    name = LineField(label="访客姓名", max_length=50)
    phone = LineField(label="手机号", max_length=20, widget=forms.TextInput(attrs={"type": "tel"}))
    visiting = LineField(label="拜访对象", max_length=100)
    reason = LineField(label="来访事由", max_length=100)
    temperature = _temperature()

    def clean_phone(self) -> str:
        try:
            return validate_phone(self.cleaned_data["phone"])
        except DocumentError as exc:
            raise forms.ValidationError(str(exc)) from exc


class TurnBackForm(ConsoleForm):
    id_prefix = "turn_back"
    subject = forms.ChoiceField(
        label="劝返对象", choices=CheckIn.Subject.choices, widget=forms.RadioSelect, initial="p"
    )
    plate = LineField(label="车牌号（车辆）", message_label="车牌", max_length=20, required=False)
    occupants = forms.IntegerField(label="人数", min_value=1, max_value=60, initial=1)
    reason = LineField(label="劝返原因", max_length=100)
    temperature = _temperature()

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("subject") != CheckIn.Subject.VEHICLE:
            data["plate"] = ""
        elif "plate" in self.errors:  # already said why (a control character)
            pass
        elif not data.get("plate"):
            self.add_error("plate", "劝返车辆请填写车牌号")
        else:
            try:
                data["plate"] = clean_plate(data["plate"])
            except forms.ValidationError as exc:
                self.add_error("plate", exc)
        return data


class CheckpointForm(forms.ModelForm):
    staff = RowsChoiceField(
        label="值守人员", queryset=None, required=False, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = Checkpoint
        fields = ["area", "name", "kind", "directions", "opens_at", "closes_at", "active", "notes"]
        widgets = {
            "opens_at": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            "closes_at": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            "notes": forms.Textarea(attrs={"rows": 2}),
        }
        help_texts = {"closes_at": "早于开放时间表示次日关闭，如 22:00 开放、06:00 关闭即通宵值守"}

    def __init__(self, *args: Any, areas: Any, staff: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["area"].queryset = areas
        self.fields["name"].validators.append(refuse_unprintable)
        self.fields["area"].label_from_instance = lambda a: f"{a.name}（{a.get_kind_display()}）"
        self.fields["staff"].queryset = staff
        if self.instance.pk:
            self.fields["staff"].initial = list(self.instance.staff.all())

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        opens, closes = data.get("opens_at"), data.get("closes_at")
        if (opens is None) != (closes is None):
            raise forms.ValidationError("开放时间和关闭时间要么都填，要么都不填（24小时）")
        if opens is not None and opens == closes:
            # Read as [opens, closes): the checkpoint would never be open.
            raise forms.ValidationError("开放时间和关闭时间不能相同；24小时开放请都留空")
        return data


class PassRuleForm(forms.ModelForm):
    outing_quota = integer_column(
        PassRule,
        "outing_quota",
        max_value=99,
        help_text="如“一户一人一天一次”填 1；填 0 表示暂停外出；留空表示不限",
    )

    class Meta:
        model = PassRule
        fields = ["visitors", "outing_quota"]
        widgets = {"visitors": forms.RadioSelect}


class CardForm(ClientIdForm):
    doc_number = forms.CharField(
        label="证件号码", max_length=30, error_messages={"required": "请填写证件号码"}
    )
    valid_until = forms.DateField(
        label="有效期至", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def clean_valid_until(self) -> date | None:
        day = self.cleaned_data["valid_until"]
        if day is not None and day < timezone.localdate():
            raise forms.ValidationError("有效期不能早于今天")
        return day


class DayForm(forms.Form):
    day = forms.DateField(
        label="日期", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def clean_day(self) -> date | None:
        day = self.cleaned_data["day"]
        if day is None:
            return None
        try:  # the day's bounds in UTC, as the database compares them
            start, end = local_day_bounds(day)
            start.astimezone(UTC), end.astimezone(UTC)
        except OverflowError as exc:
            raise forms.ValidationError("日期超出范围") from exc
        return day
