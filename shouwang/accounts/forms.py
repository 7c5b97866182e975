from datetime import date

from django import forms
from django.contrib.auth import forms as auth_forms
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator

from shouwang.areas.models import Area
from shouwang.core.text import MOBILE_RE, normalize_mobile

from .models import USERNAME_MESSAGE, USERNAME_PATTERN, AuditEvent, object_kinds
from .roles import Role


def clean_mobile(value: str) -> str:
    """An 11-digit mainland mobile; full-width digits typed by a Chinese IME are read."""
    value = normalize_mobile(value)
    if value and not MOBILE_RE.match(value):
        raise ValidationError("手机号应为11位大陆手机号码（1开头的11位数字）")
    return value


class LoginForm(forms.Form):
    # A phone's keyboard capitalizes the first letter unless told not to: "Staff_a" is
    # not the username staff_a.
    username = forms.CharField(
        label="用户名或手机号",
        max_length=150,
        widget=forms.TextInput(
            attrs={"autocapitalize": "none", "autocomplete": "username", "spellcheck": "false"}
        ),
    )
    password = forms.CharField(
        label="密码",
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        max_length=128,
    )


class PasswordChangeForm(auth_forms.PasswordChangeForm):
    """Django's form, refusing the current password as the new one: it would restart
    the password's age and defeat a deployment's rotation (PASSWORD_MAX_AGE_DAYS)."""

    def clean(self) -> dict:
        data = super().clean()
        new = data.get("new_password2")
        if new and "new_password2" not in self.errors and self.user.check_password(new):
            self.add_error("new_password2", "新密码不能与当前密码相同")
        return data


class AreaChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Area) -> str:
        return f"{'　' * obj.depth}{obj.name}（{obj.get_kind_display()}）"


class UserForm(forms.Form):
    username = forms.RegexField(
        label="用户名",
        regex=rf"^{USERNAME_PATTERN}$",
        error_messages={"invalid": USERNAME_MESSAGE},
    )
    full_name = forms.CharField(label="姓名", max_length=50)
    phone = forms.CharField(label="手机号", max_length=20, required=False)
    clear_phone = forms.BooleanField(label="清除手机号", required=False)
    role = forms.ChoiceField(label="角色", choices=Role.choices)
    area = AreaChoiceField(label="所属辖区", queryset=Area.objects.none())

    def __init__(
        self,
        *args,
        areas=None,
        editing: bool = False,
        current_phone: str = "",
        locked: str = "",
        **kwargs,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["area"].queryset = areas if areas is not None else Area.objects.none()
        if locked:  # why role and area stay as they are (the action refuses a change)
            self.fields["role"].help_text = locked
        if editing:
            del self.fields["username"]
            # The full number is never shown: leave blank to keep it, tick the box to
            # take it off the account.
            current = f"当前 {current_phone}，" if current_phone else ""
            self.fields["phone"].help_text = f"{current}留空则不修改"
            if current_phone:
                self.fields["clear_phone"].help_text = "勾选后解除绑定，不能再用该号码登录"
            else:
                del self.fields["clear_phone"]
        else:
            del self.fields["clear_phone"]

    def clean_phone(self) -> str:
        return clean_mobile(self.cleaned_data["phone"])

    def clean(self) -> dict:
        data = super().clean()
        if data.get("clear_phone") and data.get("phone"):
            self.add_error("clear_phone", "填写了新手机号又勾选了清除：请只选其中一项")
        return data


class UserFilterForm(forms.Form):
    q = forms.CharField(label="搜索", required=False, max_length=50)
    role = forms.ChoiceField(
        label="角色", choices=[("", "全部角色"), *Role.choices], required=False
    )


# A day of year 1 begins before the first instant a date-time holds in UTC+8 (a 500).
EARLIEST_DAY = MinValueValidator(date(1900, 1, 1), "日期不能早于 1900-01-01")


class AuditFilterForm(forms.Form):
    q = forms.CharField(
        label="搜索",
        required=False,
        widget=forms.TextInput(attrs={"placeholder": "用户、对象、说明或IP", "type": "search"}),
    )
    action = forms.ChoiceField(
        label="操作", choices=[("", "全部操作"), *AuditEvent.Action.choices], required=False
    )
    result = forms.ChoiceField(
        label="结果", choices=[("", "全部结果"), *AuditEvent.Result.choices], required=False
    )
    user = forms.CharField(
        label="用户",
        required=False,
        max_length=150,
        widget=forms.TextInput(attrs={"placeholder": "操作人用户名", "autocapitalize": "none"}),
    )
    object_type = forms.ChoiceField(
        label="对象类型",
        choices=lambda: [("", "全部对象"), *object_kinds()],
        required=False,
        error_messages={"invalid_choice": "请从列表中选择对象类型"},
    )
    object_id = forms.CharField(
        label="对象编号",
        required=False,
        max_length=64,
        widget=forms.TextInput(attrs={"placeholder": "对象编号", "inputmode": "numeric"}),
    )
    start = forms.DateField(
        label="起始日期",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": "日期格式应为 年-月-日，如 2020-02-01"},
        validators=[EARLIEST_DAY],
    )
    end = forms.DateField(
        label="截止日期",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": "日期格式应为 年-月-日，如 2020-02-01"},
        validators=[EARLIEST_DAY],
    )

    def clean(self) -> dict:
        data = super().clean()
        if data.get("start") and data.get("end") and data["end"] < data["start"]:
            self.add_error("end", "截止日期不能早于起始日期")
        if (data.get("object_id") or "").strip() and not data.get("object_type"):
            self.add_error("object_id", "按对象编号筛选时，请同时选择对象类型")
        return data
