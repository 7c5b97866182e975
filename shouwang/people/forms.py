from __future__ import annotations

from typing import Any

from django import forms

from shouwang.accounts.forms import AreaChoiceField
from shouwang.areas.models import Area
from shouwang.core.forms import INTEGER_MAX, ORDER_MAX, RowsChoiceField, integer_column

from .addresses import FlatError, read_room, read_unit
from .documents import DocumentError, DocumentType, validate_phone
from .importing import TAG_SPLIT
from .models import MAX_NOTES, Household, Person, Tag, clean_name

BIRTH_HELP = "持护照、港澳台通行证等证件的请填写；居民身份证由号码带出，可不填"
CLEAR_HELP = "勾选后保存即删除已登记的号码（记入变更记录）"


def refuse_new_and_clear(form: forms.Form, number: str, clear: str) -> None:
    if form.cleaned_data.get(clear) and form.cleaned_data.get(number):
        form.add_error(clear, "填写了新号码又勾选了清除，请二选一")


def typed_or_cleared(form: forms.Form, number: str, clear: str) -> str | None:
    """What an edit does to a stored number: a typed one replaces it, the clear box
    empties it (""), a blank box keeps it (None): forms never pre-fill a number."""
    if form.cleaned_data.get(clear):
        return ""
    return form.cleaned_data[number] or None


class VersionedForm(forms.Form):
    """Carries the ``version`` the user loaded, for optimistic locking."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1, max_value=INTEGER_MAX)


class HouseholdForm(VersionedForm):
    unit = forms.CharField(label="单元", max_length=20, required=False, help_text="如 2 或 2单元")
    room = forms.CharField(label="门牌/房号", max_length=40)
    housing_type = forms.ChoiceField(label="房屋类型", choices=Household.HousingType.choices)
    landlord_name = forms.CharField(label="房东姓名", max_length=50, required=False)
    landlord_phone = forms.CharField(label="房东电话", max_length=20, required=False)
    clear_landlord_phone = forms.BooleanField(
        label="清除已登记的房东电话", required=False, help_text=CLEAR_HELP
    )
    notes = forms.CharField(
        label="备注", max_length=MAX_NOTES, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args: Any, household: Household | None = None, **kwargs: Any) -> None:
        if household is not None and household.pk and "initial" not in kwargs:
            kwargs["initial"] = {
                "version": household.version,
                "unit": household.unit,
                "room": household.room,
                "housing_type": household.housing_type,
                "landlord_name": household.landlord_name,
                "notes": household.notes,
            }
        super().__init__(*args, **kwargs)
        if household is not None and household.landlord_phone_enc:
            self.fields[
                "landlord_phone"
            ].help_text = f"已登记 {household.landlord_phone_masked}，留空则不修改"
        else:
            del self.fields["clear_landlord_phone"]
        if household is None or not household.pk:
            self.fields["version"].required = False

    def clean_unit(self) -> str:
        try:
            return read_unit(self.cleaned_data["unit"])
        except FlatError as exc:
            raise forms.ValidationError(str(exc)) from exc

    def clean_room(self) -> str:
        try:
            return read_room(self.cleaned_data["room"])
        except FlatError as exc:
            raise forms.ValidationError(str(exc)) from exc

    def clean_landlord_phone(self) -> str:
        phone = self.cleaned_data["landlord_phone"]
        try:
            return validate_phone(phone) if phone else ""
        except DocumentError as exc:
            raise forms.ValidationError(str(exc)) from exc

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        refuse_new_and_clear(self, "landlord_phone", "clear_landlord_phone")
        return data

    def landlord_phone_change(self) -> str | None:
        """None keeps the stored phone, "" clears it, else the new phone."""
        return typed_or_cleared(self, "landlord_phone", "clear_landlord_phone")

    def household_fields(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {n: data[n] for n in ("unit", "room", "housing_type", "landlord_name", "notes")}


def _hand_entered(person: Person) -> dict[str, Any]:
    """The birth date and sex the form shows to edit: those entered by hand, not those
    read from the document (a birth date is what a masked number hides)."""
    carried_born, carried_sex = person.document_facts()
    return {
        "birth_date": None if carried_born else person.birth_date,
        "sex": "" if carried_sex else person.sex,
    }


class PersonForm(VersionedForm):
    name = forms.CharField(label="姓名", max_length=50)
    doc_type = forms.ChoiceField(label="证件类型", choices=DocumentType.choices)
    doc_number = forms.CharField(label="证件号码", max_length=40, required=False)
    clear_doc = forms.BooleanField(
        label="清除已登记的证件号码",
        required=False,
        help_text="号码登记错了（如填成了家人的号码）或暂时没有时勾选；"
        "由证件带出的出生日期和性别一并清除",
    )
    phone = forms.CharField(label="手机号", max_length=20, required=False)
    clear_phone = forms.BooleanField(
        label="清除已登记的手机号", required=False, help_text=CLEAR_HELP
    )
    birth_date = forms.DateField(
        label="出生日期",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=BIRTH_HELP,
    )
    sex = forms.ChoiceField(
        label="性别", choices=[("", "未填"), *Person.Sex.choices], required=False
    )
    relation = forms.ChoiceField(label="与户主关系", choices=Person.Relation.choices)
    residence_type = forms.ChoiceField(label="居住类型", choices=Person.ResidenceType.choices)
    tags = RowsChoiceField(
        label="标签",
        queryset=Tag.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    party_member = forms.BooleanField(label="党员", required=False)
    notes = forms.CharField(
        label="备注", max_length=MAX_NOTES, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args: Any, person: Person | None = None, **kwargs: Any) -> None:
        if person is not None and person.pk and "initial" not in kwargs:
            kwargs["initial"] = {
                "version": person.version,
                "name": person.name,
                "doc_type": person.doc_type,
                **_hand_entered(person),
                "relation": person.relation,
                "residence_type": person.residence_type,
                "tags": list(person.tags.all()),
                "party_member": person.party_member,
                "notes": person.notes,
            }
        super().__init__(*args, **kwargs)
        self.fields["doc_number"].widget.attrs["autocomplete"] = "off"
        self.fields["phone"].widget.attrs.update(autocomplete="off", inputmode="tel")
        editing = person is not None and person.pk
        if not editing:
            self.fields["version"].required = False
            self.fields["doc_number"].help_text = "居民身份证自动核对校验位并带出出生日期和性别"
        if editing and person.doc_enc:
            self.fields["doc_number"].help_text = f"已登记 {person.document_masked}，留空则不修改"
        else:
            del self.fields["clear_doc"]
        if editing:
            carried_born, carried_sex = person.document_facts()
            if carried_born:
                self.fields["birth_date"].help_text = "已由证件号码带出，可不填"
            if carried_sex:
                self.fields["sex"].help_text = "已由证件号码带出，可不填"
        if editing and person.phone_enc:
            self.fields["phone"].help_text = f"已登记 {person.phone_masked}，留空则不修改"
        else:
            del self.fields["clear_phone"]

    def clean_name(self) -> str:
        name = clean_name(self.cleaned_data["name"])
        if not name:
            raise forms.ValidationError("请填写姓名")
        return name

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        refuse_new_and_clear(self, "doc_number", "clear_doc")
        refuse_new_and_clear(self, "phone", "clear_phone")
        return data

    def document_change(self) -> str | None:
        """None keeps the stored number, "" clears it, else the new number."""
        return typed_or_cleared(self, "doc_number", "clear_doc")

    def phone_change(self) -> str | None:
        """None keeps the stored phone, "" clears it, else the new phone."""
        return typed_or_cleared(self, "phone", "clear_phone")

    def birth(self) -> tuple[Any, str]:
        """出生日期 and 性别 as entered, for what the document does not carry."""
        return self.cleaned_data["birth_date"], self.cleaned_data["sex"]

    def person_fields(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {n: data[n] for n in ("relation", "residence_type", "party_member", "notes")}


class StatusForm(VersionedForm):
    """Move out / restore: only the version."""


class MoveToBuildingForm(VersionedForm):
    """移到楼栋: one of the household's compound's buildings."""

    building = forms.ModelChoiceField(
        label="楼栋", queryset=Area.objects.none(), empty_label="请选择楼栋"
    )

    def __init__(self, *args: Any, household: Household, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"version": household.version})
        super().__init__(*args, **kwargs)
        compound = household.area
        field = self.fields["building"]
        field.queryset = compound.children.filter(kind=Area.Kind.BUILDING)
        field.label_from_instance = lambda area: area.name
        shown = getattr(compound, "buildings", None)  # prefetched by a list of households
        if shown is not None:
            field.choices = [("", field.empty_label), *((b.pk, b.name) for b in shown)]
        message = f"请选择本小区（{compound.name}）的楼栋"
        field.error_messages = {"required": message, "invalid_choice": message}
        # One form per household on the list: ids stay unique on the page.
        self.auto_id = f"id_move{household.pk}_%s"


class SearchForm(forms.Form):
    STATUS_CHOICES = [("", "在册"), ("moved_out", "已迁出"), ("all", "全部")]

    q = forms.CharField(label="搜索", required=False, max_length=60)
    area = AreaChoiceField(label="辖区", queryset=Area.objects.none(), required=False)
    tag = forms.ModelChoiceField(label="标签", queryset=Tag.objects.all(), required=False)
    residence_type = forms.ChoiceField(
        label="居住类型",
        choices=[("", "全部居住类型"), *Person.ResidenceType.choices],
        required=False,
    )
    status = forms.ChoiceField(label="状态", choices=STATUS_CHOICES, required=False)

    def __init__(self, *args: Any, areas: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["q"].widget.input_type = "search"
        self.fields["q"].widget.attrs.update(
            placeholder="姓名 / 拼音首字母 / 证件或手机后四位 / 地址", autocomplete="off"
        )
        self.fields["area"].queryset = areas if areas is not None else Area.objects.none()
        self.fields["area"].empty_label = "全部辖区"
        self.fields["tag"].empty_label = "全部标签"

    def apply(self, qs: Any) -> Any:
        """Filter a (scoped) person queryset by this form's valid fields."""
        if not self.is_valid():
            return qs.current().in_address_order()
        data = self.cleaned_data
        status = data.get("status")
        if status == "moved_out":
            qs = qs.filter(moved_out=True)
        elif status != "all":
            qs = qs.current()
        if data.get("area"):
            qs = qs.within(data["area"])
        if data.get("tag"):
            qs = qs.with_tag(data["tag"])
        if data.get("residence_type"):
            qs = qs.filter(residence_type=data["residence_type"])
        return qs.search(data.get("q") or "")

    def params(self) -> dict[str, str]:
        """The filters as submitted (non-empty fields only), to apply again later."""
        return {k: str(self.data[k]) for k in self.base_fields if self.data.get(k)}

    def link_params(self) -> dict[str, str]:
        """The filters an address may carry: all but the typed text, which may be an ID
        or phone number and must never land in a URL (privacy.md)."""
        return {k: v for k, v in self.params().items() if k != "q"}

    def describe(self) -> str:
        """The filters in words, for an export's audit row and file."""
        if not self.is_valid():
            return "在册人员"
        data = self.cleaned_data
        parts = [dict(self.STATUS_CHOICES).get(data.get("status") or "", "在册")]
        if data.get("area"):
            parts.append(f"辖区={data['area'].name}")
        if data.get("tag"):
            parts.append(f"标签={data['tag'].name}")
        if data.get("residence_type"):
            parts.append(f"居住类型={Person.ResidenceType(data['residence_type']).label}")
        if data.get("q"):
            parts.append("含搜索条件")
        return "，".join(parts)


class ExportPurposeForm(forms.Form):
    purpose = forms.CharField(
        label="导出用途",
        min_length=4,
        max_length=200,
        help_text="如：报送区疫情防控指挥部核酸检测名单。用途将记入审计日志。",
        error_messages={"min_length": "请具体写明用途（至少4个字）"},
    )


class ImportForm(forms.Form):
    file = forms.FileField(label="Excel文件（.xlsx）")
    strict = forms.BooleanField(
        label="严格模式：有任何问题则整份文件都不导入",
        required=False,
    )


class TagForm(forms.ModelForm):
    order = integer_column(Tag, "order", max_value=ORDER_MAX)

    class Meta:
        model = Tag
        fields = ["name", "order"]
        error_messages = {"name": {"unique": "已有同名的标签，请换一个名称"}}

    def clean_name(self) -> str:
        name = self.cleaned_data["name"].strip()
        if TAG_SPLIT.search(name):
            raise forms.ValidationError(
                "标签名称中不能含有 、，,；; / 或空格：导入台账时用它们分隔多个标签"
            )
        return name
