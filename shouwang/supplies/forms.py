"""Forms. Quantities are typed in the item's base unit or in one of its packs
(``3 箱``) and cleaned to base units; money is Decimal with two places."""

from __future__ import annotations

import re
import uuid
from collections import Counter
from datetime import UTC, datetime, time
from decimal import Decimal

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join

from shouwang.accounts.forms import AreaChoiceField, clean_mobile
from shouwang.areas.models import Area
from shouwang.core.forms import ORDER_MAX, integer_column

from .actions.stock import DAMAGED_BOOK
from .models import (
    MANUAL_OUT_KINDS,
    AllocationPlan,
    Donation,
    Donor,
    Item,
    ItemPack,
    Location,
    MovementKind,
    Purpose,
    Recipient,
)
from .numerals import PlainDecimalField, PlainIntegerField

BASE_UNIT = ""
# The most people a location or recipient counts, and a plan line with them.
MAX_PEOPLE = 100_000
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
RETIRED_PURPOSE = "所选用途已停用或不存在，请刷新页面后重新选择"
# Django's own messages here read "确认总共不超过 14 个数字." — say it in money terms.
MONEY_ERRORS = {
    "max_digits": "金额过大：一笔最多999,999,999,999.99元，请核对",
    "max_whole_digits": "金额过大：一笔最多999,999,999,999.99元，请核对",
    "max_decimal_places": "金额最多精确到分（两位小数）",
    "invalid": "请填写数字金额，如 1200 或 1200.50",
}
MONEY = {
    "max_digits": 14,
    "decimal_places": 2,
    "min_value": Decimal("0.01"),
    "error_messages": {**MONEY_ERRORS, "min_value": "金额应大于0"},
}
PACK_RE = re.compile(r"^\s*([^\s=＝:：,，;；\d]{1,10})\s*[=＝:：]\s*(\d{1,9})\s*$")


class LocationChoiceField(forms.ModelChoiceField):
    """A select of locations. Locations of different areas may share a name (two
    communities' 东门, two 中州大道卡口): those say their area, "中州大道卡口（西城社区）",
    so that the one meant can be told apart."""

    def label_from_instance(self, obj: Location) -> str:
        if not hasattr(self, "_areas_of_shared"):
            rows = list(self.queryset.order_by().values_list("pk", "name", "area__name"))
            names = Counter(name for _, name, _ in rows)
            self._areas_of_shared = {pk: area for pk, name, area in rows if names[name] > 1}
        area = self._areas_of_shared.get(obj.pk)
        return f"{obj.name}（{area}）" if area else obj.name


def parse_packs(text: str, *, unit: str = "") -> list[tuple[str, int]]:
    """'盒=50，箱=2000' → [('盒', 50), ('箱', 2000)]; a clear error otherwise."""
    packs: list[tuple[str, int]] = []
    for part in re.split(r"[,，;；\n]+", text or ""):
        if not part.strip():
            continue
        match = PACK_RE.match(part)
        if not match:
            raise ValidationError(f"“{part.strip()}”格式不对，应写成 包装=数量，如 盒=50")
        name, size = match.group(1), int(match.group(2))
        if size < 2:
            raise ValidationError(f"“{name}”折合数量应至少为2")
        if name == unit:
            raise ValidationError(f"“{name}”与基本单位相同")
        if name in dict(packs):
            raise ValidationError(f"“{name}”重复")
        packs.append((name, size))
    return packs


def new_client_id() -> str:
    return uuid.uuid4().hex


class ClientIdMixin(forms.Form):
    """A hidden id made when the form is shown: a double submit stores once. The page
    keeps it in its history entry (``data-keep-id``, shouwang/app.js), so the form sent
    again after the back button carries it too."""

    client_id = forms.CharField(
        widget=forms.HiddenInput(attrs={"data-keep-id": ""}), required=False, max_length=64
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("client_id", new_client_id())


def unit_choices(item: Item | None, items=None) -> list:
    """The units a quantity of ``item`` may be typed in: its base unit, then its packs
    (``箱（2000个）``). Before an item is chosen, each item's packs under its name (the
    item select asks the server for the chosen item's units when it changes)."""
    if item is not None:
        return [
            (BASE_UNIT, f"{item.unit}（基本单位）"),
            *((p.name, f"{p.name}（{p.size:,}{item.unit}）") for p in item.packs.all()),
        ]
    packs = ItemPack.objects.select_related("item").order_by("item__order", "item__name", "size")
    if items is not None:
        packs = packs.filter(item__in=items)
    groups: dict[str, list[tuple[str, str]]] = {}
    for pack in packs:
        groups.setdefault(pack.item.name, []).append(
            (pack.name, f"{pack.name}（{pack.size:,}{pack.item.unit}）")
        )
    return [(BASE_UNIT, "基本单位"), *groups.items()]


def chosen_item(form: forms.Form) -> Item | None:
    """The item picked on ``form`` (sent, or given as initial), if it is offered."""
    try:
        return form.fields["item"].clean(form["item"].value())
    except ValidationError:
        return None


class QuantityMixin(forms.Form):
    """An item, a quantity and its unit. The unit select offers the chosen item's
    units only; a unit the item does not have is refused naming those it has."""

    item = forms.ModelChoiceField(label="物资", queryset=Item.objects.active())
    quantity = PlainIntegerField(label="数量", min_value=1, max_value=10**9)
    unit = forms.CharField(label="单位", required=False, max_length=10, widget=forms.Select)

    def __init__(self, *args, items=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if items is not None:
            self.fields["item"].queryset = items
        self.fields["unit"].widget.attrs.pop("maxlength", None)  # a select, not a text box
        self.fields["item"].widget.attrs.update(
            {
                "hx-get": reverse("supplies:item_units"),
                "hx-trigger": "change",
                "hx-target": f"#{self['unit'].auto_id}",
                "hx-swap": "outerHTML",
            }
        )
        self.fields["unit"].widget.choices = unit_choices(
            chosen_item(self), self.fields["item"].queryset
        )

    def clean(self) -> dict:
        data = super().clean()
        item, quantity = data.get("item"), data.get("quantity")
        if item is not None and quantity is not None:
            unit = data.get("unit", BASE_UNIT)
            try:
                data["units"] = item.to_base_units(quantity, unit)
            except ValidationError as exc:
                self.add_error("quantity" if exc.code == "too_large" else "unit", exc)
            # As typed, when in a pack ("3盒"): a refusal says it beside the base units.
            data["typed"] = "" if unit in (BASE_UNIT, item.unit) else f"{quantity:,}{unit}"
        return data


class ItemForm(forms.ModelForm):
    packs = forms.CharField(
        label="包装换算",
        required=False,
        help_text="每种包装折合多少基本单位，如：盒=50，箱=2000",
    )
    alert_days = integer_column(Item, "alert_days", max_value=365, form_class=PlainIntegerField)
    order = integer_column(Item, "order", max_value=ORDER_MAX, form_class=PlainIntegerField)

    class Meta:
        model = Item
        fields = ["name", "category", "unit", "spec", "report_as", "alert_days", "order", "active"]
        error_messages = {"name": {"unique": "已有同名的物资，请换一个名称"}}

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["packs"].initial = self.instance.packs_text()

    def clean(self) -> dict:
        data = super().clean()
        try:
            data["pack_list"] = parse_packs(data.get("packs", ""), unit=data.get("unit", ""))
        except ValidationError as exc:
            self.add_error("packs", exc)
        return data


ORPHAN_HELP = "原对应卡点已不存在：可重新选择对应卡点，或留空按所属辖区保存（停用也可留空）"


class LocationForm(forms.ModelForm):
    """A checkpoint-kind location names a checkpoint of the user's area, takes its area,
    and by default its name; other kinds name their area. A checkpoint location whose
    checkpoint is gone (deleted, or never matched) may be linked again, or saved
    unlinked in its area: it keeps its ledger and can still be edited or deactivated."""

    area = AreaChoiceField(label="所属辖区", queryset=Area.objects.none(), required=False)
    staff_count = integer_column(
        Location, "staff_count", max_value=MAX_PEOPLE, form_class=PlainIntegerField
    )

    class Meta:
        model = Location
        fields = ["kind", "checkpoint", "name", "area", "staff_count", "keeper", "active"]
        help_texts = {"name": "卡点类型留空则用卡点名称"}
        error_messages = {
            NON_FIELD_ERRORS: {"unique_together": "所属辖区已有同名的存放点，请换一个名称"}
        }

    def __init__(self, *args, areas=None, checkpoints=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["area"].queryset = areas
        self.fields["area"].help_text = "卡点类型自动取卡点所在辖区"
        self.fields["checkpoint"].queryset = checkpoints
        self.fields["checkpoint"].label_from_instance = lambda c: f"{c.area.name} · {c.name}"
        self.fields["checkpoint"].help_text = "卡点类型必选；已有存放点的卡点不在列表中"
        self.fields["name"].required = False
        self.orphan = (
            self.instance.pk is not None
            and self.instance.kind == Location.Kind.CHECKPOINT
            and self.instance.checkpoint_id is None
        )
        if self.orphan:
            self.fields["checkpoint"].help_text = ORPHAN_HELP
            self.fields["area"].help_text = "卡点类型选择对应卡点时自动取卡点所在辖区"

    def clean(self) -> dict:
        data = super().clean()
        checkpoint = data.get("checkpoint")
        if data.get("kind") == Location.Kind.CHECKPOINT:
            if checkpoint is not None:
                data["area"] = checkpoint.area
                data["name"] = data.get("name") or checkpoint.name
            elif "checkpoint" in self.errors:
                return data
            elif not self.orphan:
                self.add_error("checkpoint", "卡点类型的存放点请选择对应卡点")
                return data
        elif checkpoint is not None:
            self.add_error("checkpoint", "只有卡点类型的存放点才能对应卡点")
        if not data.get("area") and "area" not in self.errors:
            self.add_error("area", "请选择所属辖区")
        if not data.get("name"):
            self.add_error("name", "请填写名称")
        return data


class PurchaseForm(ClientIdMixin, QuantityMixin):
    location = LocationChoiceField(label="入库存放点", queryset=Location.objects.none())
    supplier = forms.CharField(label="供应商", max_length=100, required=False)
    amount = PlainDecimalField(label="金额（元）", required=False, **MONEY)
    note = forms.CharField(label="说明", max_length=200, required=False)
    field_order = ["location", "item", "quantity", "unit", "supplier", "amount", "note"]

    def __init__(self, *args, locations=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["location"].queryset = locations


class SuggestInput(forms.TextInput):
    """A text input suggesting values (a ``<datalist>``) while accepting any."""

    def __init__(self, *args, suggestions=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.suggestions = list(suggestions)

    def render(self, name, value, attrs=None, renderer=None) -> str:
        list_id = f"{(attrs or {}).get('id') or name}-suggestions"
        attrs = {**(attrs or {}), "list": list_id}
        options = format_html_join("", '<option value="{}">', ((s,) for s in self.suggestions))
        return format_html(
            '{}<datalist id="{}">{}</datalist>',
            super().render(name, value, attrs, renderer),
            list_id,
            options,
        )


class OutForm(ClientIdMixin, QuantityMixin):
    kind = forms.ChoiceField(
        label="类型", choices=[(k.value, k.label) for k in MANUAL_OUT_KINDS], initial="issue"
    )
    recipient = forms.CharField(
        label="领用单位/人",
        max_length=100,
        required=False,
        help_text="发放时必填：领用人、卡点/社区或企业；消耗、损耗可不填。"
        "交给有自己存放点的卡点请用“调拨”，发放不计入卡点库存",
    )
    note = forms.CharField(label="说明", max_length=200, required=False)
    field_order = ["kind", "item", "quantity", "unit", "recipient", "note"]

    def __init__(self, *args, recipients=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # The active enterprises are suggested; a deactivated one is never offered.
        self.fields["recipient"].widget = SuggestInput(
            suggestions=[r.name for r in recipients if r.active]
        )


class TransferForm(ClientIdMixin, QuantityMixin):
    destination = LocationChoiceField(label="调入存放点", queryset=Location.objects.none())
    note = forms.CharField(label="说明", max_length=200, required=False)
    field_order = ["destination", "item", "quantity", "unit", "note"]

    def __init__(self, *args, destinations=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["destination"].queryset = destinations


_BOOK_ENTRY = re.compile(r"([0-9]+):([0-9]+)")


def parse_book(text: str) -> dict[int, int]:
    """``{item id: quantity}`` from a count form's "12:100,13:0"; ValueError when the
    text is not in that form (empty, an item twice, a sign, a space, an underscore or
    a non-ASCII digit, all of which ``int()`` alone would take)."""
    book: dict[int, int] = {}
    for part in text.split(","):
        entry = _BOOK_ENTRY.fullmatch(part)
        if entry is None:
            raise ValueError(text)
        pk, quantity = int(entry[1]), int(entry[2])
        if pk in book:
            raise ValueError(text)
        book[pk] = quantity
    return book


class CountForm(ClientIdMixin):
    reason = forms.CharField(
        label="差异原因", max_length=200, required=False, help_text="实盘与账面不一致时必填"
    )

    # The book figures the counter was shown ("item id:quantity,…"): a count is made
    # against them, and refused if the book moved meanwhile (``actions.count_stock``).
    book = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, items=(), book=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        book = book or {}
        self.items = list(items)
        now = ",".join(f"{item.pk}:{book.get(item.pk, 0)}" for item in self.items)
        self.initial["book"] = now
        # None: a page from before the field, whose count is not compared.
        self.shown: dict[int, int] | None = None
        self.book_damaged = False
        if self.is_bound and "book" in self.data:
            try:
                self.shown = parse_book(self.data["book"])
            except ValueError:
                self.book_damaged = True
        if self.is_bound:
            # Shown again (refused), the page carries the book as it is now.
            self.data = self.data.copy()
            self.data["book"] = now
        for item in self.items:
            self.fields[f"n{item.pk}"] = PlainIntegerField(
                label=f"{item.name}（{item.unit}，账面 {book.get(item.pk, 0):,}）",
                required=False,
                min_value=0,
                max_value=10**9,
            )
        self.order_fields([f"n{i.pk}" for i in self.items] + ["reason"])

    def clean(self) -> dict:
        # A present but damaged book is refused, never taken for a page without one:
        # the count would skip the check for stock moved meanwhile.
        if self.book_damaged:
            raise forms.ValidationError(DAMAGED_BOOK)
        return super().clean()

    def counted(self) -> dict[Item, int]:
        return {
            item: self.cleaned_data[f"n{item.pk}"]
            for item in self.items
            if self.cleaned_data.get(f"n{item.pk}") is not None
        }


class LedgerFilterForm(forms.Form):
    location = LocationChoiceField(
        label="存放点", queryset=Location.objects.none(), required=False, empty_label="全部存放点"
    )
    item = forms.ModelChoiceField(
        label="物资", queryset=Item.objects.all(), required=False, empty_label="全部物资"
    )
    kind = forms.ChoiceField(
        label="类型", choices=[("", "全部类型"), *MovementKind.choices], required=False
    )
    start = forms.DateField(label="起始日期", required=False, widget=DATE)
    end = forms.DateField(label="截止日期", required=False, widget=DATE)

    def __init__(self, *args, locations=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["location"].queryset = locations

    def clean(self) -> dict:
        """Adds ``since`` and ``until``: the first and last moment of the days, in UTC
        as the database compares them (a day at the ends of the calendar has none)."""
        data = super().clean()
        tz = timezone.get_current_timezone()
        for name, key, moment in (("start", "since", time.min), ("end", "until", time.max)):
            day = data.get(name)
            try:
                data[key] = day and datetime.combine(day, moment, tzinfo=tz).astimezone(UTC)
            except OverflowError:
                self.add_error(name, "日期超出范围，请填写实际日期")
        if data.get("start") and data.get("end") and data["start"] > data["end"]:
            self.add_error("end", "截止日期不能早于起始日期")
        return data


class LowStockForm(forms.Form):
    days = PlainIntegerField(label="可用天数低于", required=False, min_value=1, max_value=365)


class DonationForm(ClientIdMixin):
    donor_kind = forms.ChoiceField(label="捐赠方类型", choices=Donor.Kind.choices)
    donor_name = forms.CharField(label="捐赠方名称/姓名", max_length=100)
    contact_name = forms.CharField(label="联系人", max_length=50, required=False)
    phone = forms.CharField(label="联系电话", max_length=20, required=False)
    address = forms.CharField(label="地址", max_length=200, required=False)
    update_contact = forms.BooleanField(
        label="更新捐赠方联系方式",
        required=False,
        help_text="已登记过的捐赠方，联系方式与原来不同时勾选，以本次填写的替换原联系方式",
    )
    disclosure = forms.ChoiceField(
        label="公示方式",
        choices=Donation.Disclosure.choices,
        help_text="按捐赠方意愿：公开名称、部分隐去（如 李**）或匿名",
    )
    kind = forms.ChoiceField(label="捐赠类型", choices=Donation.Kind.choices)
    amount = PlainDecimalField(label="金额（元）", required=False, **MONEY)
    channel = forms.ChoiceField(
        label="支付方式", choices=[("", "—"), *Donation.Channel.choices], required=False
    )
    reference = forms.CharField(label="收款凭证号/流水号", max_length=64, required=False)
    purpose = forms.ModelChoiceField(
        label="定向用途",
        queryset=Purpose.objects.active(),
        required=False,
        empty_label="不限定",
        error_messages={"invalid_choice": RETIRED_PURPOSE},
    )
    location = LocationChoiceField(
        label="入库存放点（物资）", queryset=Location.objects.none(), required=False
    )
    pledged_on = forms.DateField(label="承诺/登记日期", required=False, widget=DATE)
    received = forms.BooleanField(label="已到账/已入库", required=False, initial=True)
    received_on = forms.DateField(
        label="到账日期（资金）",
        required=False,
        widget=DATE,
        help_text="留空为今天；补录以前到账的捐款时填实际到账日期",
    )
    message = forms.CharField(label="捐赠寄语", max_length=200, required=False)
    notes = forms.CharField(
        label="备注", max_length=1000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, locations=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["location"].queryset = locations

    def clean_phone(self) -> str:
        return clean_mobile(self.cleaned_data["phone"])

    def clean(self) -> dict:
        data = super().clean()
        if data.get("kind") == Donation.Kind.CASH:
            if not data.get("amount") and "amount" not in self.errors:
                self.add_error("amount", "资金捐赠请填写金额")
            if data.get("received") and not data.get("channel"):
                self.add_error("channel", "已到账的资金请选择支付方式")
        if (
            data.get("kind") == Donation.Kind.GOODS
            and data.get("received")
            and not data.get("location")
        ):
            self.add_error("location", "已入库的物资请选择入库存放点")
        return data


class GoodsLineForm(QuantityMixin):
    estimated_value = PlainDecimalField(
        label="估值（元）",
        required=False,
        max_digits=14,
        decimal_places=2,
        min_value=0,
        error_messages={**MONEY_ERRORS, "min_value": "估值不能为负数"},
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["item"].required = False
        self.fields["quantity"].required = False

    def clean(self) -> dict:
        data = super().clean()
        if data.get("item") and not data.get("quantity") and "quantity" not in self.errors:
            self.add_error("quantity", "请填写数量")
        # A value typed without its item is refused, not dropped with the line.
        if (data.get("quantity") or data.get("estimated_value")) and not data.get("item"):
            self.add_error("item", "请选择物资")
        return data


GoodsLineFormSet = forms.formset_factory(GoodsLineForm, extra=4, max_num=30)


class ReceiveForm(forms.Form):
    """Goods name the location they enter and, line by line, the units that arrived
    (the pledged quantity unless less came); cash how it came (blank keeps what the
    pledge recorded) and the amount that arrived (the ``pledged`` one unless less came).
    The form sits on the donation page, which shows its errors as messages
    (``problems``): each message names its field."""

    MAX_QUANTITY = 10**9
    AMOUNT_MESSAGE = "实收金额应为大于0的金额（最多两位小数）"

    location = LocationChoiceField(
        label="入库存放点",
        queryset=Location.objects.none(),
        required=False,
        error_messages={"invalid_choice": "请选择有效的入库存放点（已停用的存放点不能入库）"},
    )
    channel = forms.ChoiceField(
        label="支付方式",
        choices=[("", "—"), *Donation.Channel.choices],
        required=False,
        error_messages={"invalid_choice": "请选择有效的支付方式"},
    )
    reference = forms.CharField(
        label="收款凭证号/流水号",
        max_length=64,
        required=False,
        error_messages={"max_length": "收款凭证号/流水号最多64个字符（现有%(show_value)d个）"},
    )

    def __init__(
        self,
        *args,
        locations=None,
        kind: str = Donation.Kind.GOODS,
        lines=(),
        pledged: Decimal | None = None,
        **kwargs,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["location"].queryset = locations
        drop = ("channel", "reference") if kind == Donation.Kind.GOODS else ("location",)
        for name in drop:
            del self.fields[name]
        self.pledged = pledged
        if kind == Donation.Kind.CASH:
            self.fields["received_on"] = forms.DateField(
                label="到账日期",
                required=False,
                widget=DATE,
                help_text="留空为今天；补录以前到账的捐款时填实际到账日期",
                error_messages={"invalid": "到账日期格式不正确，请按2026-02-01的格式填写"},
            )
        if kind == Donation.Kind.CASH and pledged is not None:
            self.fields["received_amount"] = PlainDecimalField(
                label="实收金额（元）",
                help_text=f"承诺{pledged:,.2f}元；只到了一部分时填实收金额，未到部分另列为承诺捐赠",
                initial=pledged,
                required=False,
                max_digits=14,
                decimal_places=2,
                error_messages=dict.fromkeys(
                    ("invalid", "max_digits", "max_decimal_places", "max_whole_digits"),
                    self.AMOUNT_MESSAGE,
                ),
            )
        self.lines = list(lines) if kind == Donation.Kind.GOODS else []
        for line in self.lines:
            unit = line.item.unit
            wrong = f"{line.item.name}实收数量应为不小于0的整数"
            self.fields[f"q{line.pk}"] = PlainIntegerField(
                label=f"{line.item.name}实收数量（{unit}）",
                help_text=f"承诺{line.quantity:,}{unit}；只到了一部分时填实收数，"
                "未到部分另列为承诺捐赠",
                initial=line.quantity,
                required=False,
                min_value=0,
                max_value=self.MAX_QUANTITY,
                error_messages={
                    "invalid": wrong,
                    "min_value": wrong,
                    "max_value": f"{line.item.name}实收数量过大，最多{self.MAX_QUANTITY:,}{unit}",
                },
            )

    def arrived(self) -> dict[int, int]:
        """Goods line id → units that arrived, for the lines filled in."""
        return {
            line.pk: self.cleaned_data[f"q{line.pk}"]
            for line in self.lines
            if self.cleaned_data.get(f"q{line.pk}") is not None
        }

    def problems(self) -> list[str]:
        """What is wrong, one message per field in error in the form's order, each
        naming its field (a message of Django's own gets the field's label before it)."""
        said = []
        for name, errors in self.errors.items():
            message = errors[0]
            field = self.fields.get(name)
            if field is not None and str(field.label).split("（")[0] not in message:
                message = f"{field.label}：{message}"
            said.append(message)
        return said


class CancelForm(forms.Form):
    reason = forms.CharField(
        label="取消原因",
        max_length=200,
        error_messages={
            "required": "请填写取消原因",
            "max_length": "取消原因最多 %(limit_value)d 个字（现有 %(show_value)d 个）",
        },
    )


class VoidForm(forms.Form):
    reason = forms.CharField(
        label="作废原因",
        max_length=200,
        error_messages={
            "required": "请填写作废原因",
            "max_length": "作废原因最多 %(limit_value)d 个字（现有 %(show_value)d 个）",
        },
    )


class SpendingForm(ClientIdMixin):
    purpose = forms.ModelChoiceField(
        label="用途",
        queryset=Purpose.objects.active(),
        error_messages={"invalid_choice": RETIRED_PURPOSE},
    )
    amount = PlainDecimalField(label="金额（元）", **MONEY)
    spent_on = forms.DateField(label="支出日期", required=False, widget=DATE)
    description = forms.CharField(label="事由", max_length=200)
    voucher_no = forms.CharField(label="凭证号", max_length=64, required=False)


class PurposeForm(forms.ModelForm):
    order = integer_column(Purpose, "order", max_value=ORDER_MAX, form_class=PlainIntegerField)

    class Meta:
        model = Purpose
        fields = ["name", "order"]
        error_messages = {"name": {"unique": "已有同名的资金用途，请换一个名称"}}


class PurposeEditForm(PurposeForm):
    class Meta(PurposeForm.Meta):
        fields = ["name", "order", "active"]


class PlanParamsForm(forms.Form):
    per_person = PlainDecimalField(
        label="每人每班用量", max_digits=8, decimal_places=2, min_value=Decimal("0.01")
    )
    shifts_per_day = PlainIntegerField(label="每天班次", min_value=1, max_value=24)
    days = PlainIntegerField(label="保障天数", min_value=1, max_value=365)
    round_to_pack = forms.ModelChoiceField(
        label="按整包装取整", queryset=ItemPack.objects.none(), required=False, empty_label="不取整"
    )

    def __init__(self, *args, item: Item | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.offer_packs(item)

    def count_per_employee(self) -> None:
        """A plan for enterprises counts their employees: say so in the labels."""
        self.fields["per_person"].label = "每名员工每班用量"
        self.fields["shifts_per_day"].label = "每名员工每天班次"

    def offer_packs(self, item: Item | None) -> None:
        """Offer ``item``'s packs to round to. Before an item is chosen every item's
        packs are offered under the item's name, or "1箱=400个" could be the masks' box
        or the gloves'."""
        packs = ItemPack.objects.select_related("item")
        field = self.fields["round_to_pack"]
        if item is not None:
            field.queryset = packs.filter(item=item)
            field.label_from_instance = str
        else:
            field.queryset = packs.order_by("item__order", "item__name", "size")
            field.label_from_instance = lambda pack: f"{pack.item.name}：{pack}"


class PlanForm(ClientIdMixin, PlanParamsForm):
    """A new plan. The packs to round to are the chosen item's (the item select asks
    the plan page for them, htmx); a pack of another item is refused by name."""

    title = forms.CharField(label="方案名称", max_length=100)
    item = forms.ModelChoiceField(label="物资", queryset=Item.objects.active())
    source = LocationChoiceField(label="发出存放点", queryset=Location.objects.none())
    target = forms.ChoiceField(label="分配对象", choices=AllocationPlan.Target.choices)
    field_order = ["title", "item", "source", "target", "per_person", "shifts_per_day", "days"]

    def __init__(self, *args, sources=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["source"].queryset = sources
        if self.data.get("target") == AllocationPlan.Target.RECIPIENTS:
            self.count_per_employee()
        self.fields["item"].widget.attrs.update(
            {
                "hx-get": reverse("supplies:plan_create"),
                "hx-trigger": "change",
                "hx-target": f"#{self['round_to_pack'].auto_id}",
                "hx-swap": "outerHTML",
            }
        )
        chosen = chosen_item(self)
        if chosen is not None:
            # Offer the chosen item's packs; accept any, so that another item's pack
            # is refused by ``clean`` saying whose it is.
            self.offer_packs(chosen)
            field = self.fields["round_to_pack"]
            offered = list(field.choices)
            field.queryset = ItemPack.objects.all()
            field.widget.choices = offered

    def clean(self) -> dict:
        data = super().clean()
        pack, item = data.get("round_to_pack"), data.get("item")
        if pack is not None and item is not None and pack.item_id != item.pk:
            self.add_error("round_to_pack", f"“{pack.name}”不是{item.name}的包装")
        return data


class PlanUpdateForm(PlanParamsForm):
    def __init__(self, *args, plan: AllocationPlan, **kwargs) -> None:
        super().__init__(*args, item=plan.item, **kwargs)
        if plan.target == AllocationPlan.Target.RECIPIENTS:
            self.count_per_employee()
        self.lines = list(
            plan.lines.select_related(
                "location__area", "location__checkpoint__area", "recipient__area"
            )
        )
        # Two targets of one name (two communities' 中州大道卡口) say their area.
        names = Counter(str(line.target) for line in self.lines)
        for line in self.lines:
            line.shown_as = str(line.target)
            if names[line.shown_as] > 1:
                line.shown_as += f"（{line.target.area.name}）"
            if plan.editable and line.closed:
                line.shown_as += "（已停用）"
            elif plan.editable and not all(a.is_within(plan.area) for a in line.areas()):
                line.shown_as += "（已迁出辖区）"
            self.fields[f"p{line.pk}"] = PlainIntegerField(
                label=line.shown_as, min_value=0, max_value=MAX_PEOPLE, initial=line.people
            )

    def people(self) -> dict[int, int]:
        return {line.pk: self.cleaned_data[f"p{line.pk}"] for line in self.lines}


class RecipientForm(forms.ModelForm):
    area = AreaChoiceField(label="所属辖区", queryset=Area.objects.none())
    employees = integer_column(
        Recipient, "employees", max_value=MAX_PEOPLE, form_class=PlainIntegerField
    )

    class Meta:
        model = Recipient
        fields = ["name", "area", "employees", "contact", "active"]
        error_messages = {
            NON_FIELD_ERRORS: {"unique_together": "所属辖区已有同名的领用单位，请换一个名称"}
        }

    def __init__(self, *args, areas=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["area"].queryset = areas


class ImportForm(forms.Form):
    file = forms.FileField(label="Excel文件（.xlsx）")
