from __future__ import annotations

from typing import Any

from django import forms

from shouwang.core.forms import ORDER_MAX, integer_column

from .actions import Line, amendment_reasons, below_zero_message, check_values, follow_counts
from .bulletin import BUILTINS, TemplateError, check_template
from .models import IndicatorDefinition


class TextField(forms.CharField):
    """Text from a textarea, its line breaks counted as one character each, as the
    browser counts them against ``maxlength`` (the form sends them as two)."""

    def to_python(self, value: Any) -> str:
        return super().to_python(value).replace("\r\n", "\n")


class ReportForm(forms.Form):
    """One number and an optional correction reason per figure, and a note."""

    note = TextField(
        label="情况说明",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"max_length": "情况说明不能超过2000字"},
    )

    def __init__(self, *args: Any, lines: list[Line], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.lines = lines
        #: the figures shown at a count that moved since the page was opened
        self.moved: list[str] = []
        #: sent back from a submission held for the counts that moved
        self.held = False
        for line in lines:
            self.fields[f"v_{line.code}"] = forms.IntegerField(
                label=line.definition.heading,
                min_value=0,
                max_value=2_000_000_000,
                required=False,
                initial=line.value,
                error_messages={
                    "min_value": below_zero_message(line.auto)
                    if line.auto is not None and line.auto < 0
                    else "不能小于0",
                    "invalid": "请填整数",
                },
            )
            self.fields[f"r_{line.code}"] = forms.CharField(
                label="更正原因", required=False, max_length=200, initial=line.reason
            )
            if line.auto is not None:
                # The count the page showed: a figure left at it follows the count.
                self.fields[f"a_{line.code}"] = forms.CharField(
                    required=False, initial=line.auto, widget=forms.HiddenInput
                )

    def rows(self) -> list[tuple[Line, forms.BoundField, forms.BoundField]]:
        return [(line, self[f"v_{line.code}"], self[f"r_{line.code}"]) for line in self.lines]

    def figure_errors(self) -> list[tuple[forms.BoundField, str, str]]:
        """Each refused figure, in the page's order: the field to fix, the figure's
        heading and the message (listed above the table, whose row may lie below
        the fold)."""
        return [
            (field, line.definition.heading, field.errors[0])
            for line, value, reason in self.rows()
            for field in (value, reason)
            if field.errors
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        definitions = [line.definition for line in self.lines]
        auto = {line.code: line.auto for line in self.lines}
        reasons = self.reasons()
        values, _ = follow_counts(definitions, auto, self.values(), reasons, self.shown())
        errors = check_values(definitions, auto, values, reasons)
        for code, message in errors.items():
            field = f"v_{code}" if "请填写（" in message else f"r_{code}"
            if field not in self.errors:
                self.add_error(field, message)
        return data

    def values(self) -> dict[str, int]:
        """The figures as given (the actions let one left at the count shown follow
        the count: ``follow_counts``)."""
        data = getattr(self, "cleaned_data", {})
        return {
            line.code: value
            for line in self.lines
            if (value := data.get(f"v_{line.code}")) is not None
        }

    def show_moved_counts(self) -> None:
        """Sent back with errors: a figure left at a count that moved since the page
        showed it is shown at the count as it is now (also as the count shown, the
        user seeing it now), and ``moved`` says which ones moved."""
        _, moved = follow_counts(
            [line.definition for line in self.lines],
            {line.code: line.auto for line in self.lines},
            self.values(),
            self.reasons(),
            self.shown(),
        )
        if not moved:
            return
        self.data = self.data.copy()
        for figure in moved:
            self.data[f"v_{figure.code}"] = self.data[f"a_{figure.code}"] = str(figure.counted)
        self.moved = [str(figure) for figure in moved]

    @property
    def moved_notice(self) -> str:
        if not self.moved:
            return ""
        if self.held:
            return f"打开页面后系统统计有更新：{'；'.join(self.moved)}。请核对后再上报。"
        return "打开页面后系统统计有更新，未改动的数字已改为最新统计：" + "；".join(self.moved)

    def shown(self) -> dict[str, int]:
        """The system's counts the page showed (sent back in hidden fields); one that
        is no count the page could have shown is ignored: its figure is checked as
        typed."""
        data = getattr(self, "cleaned_data", {})
        counts = {}
        for line in self.lines:
            shown = data.get(f"a_{line.code}") or ""
            if line.auto is not None and len(shown) <= 10 and shown.isascii() and shown.isdigit():
                counts[line.code] = int(shown)
        return counts

    def reasons(self) -> dict[str, str]:
        data = getattr(self, "cleaned_data", {})
        return {line.code: data.get(f"r_{line.code}", "") for line in self.lines}


def seen_figures(data: Any, lines: list[Line]) -> dict[str, int | None]:
    """The standing figures a zero report's page showed, sent back in ``z_<code>``
    fields: a value that is no figure the page could have shown (ASCII digits, a
    leading minus for a count below 0) is None (never what is submitted, so the zero
    report is held). A figure not sent back is left out: one the page did not show,
    held too; a request sending none (an old page, a script) has seen none of them."""
    seen: dict[str, int | None] = {}
    for line in lines:
        text = data.get(f"z_{line.code}")
        if text is not None:
            # A count can be below 0 (stock issued backdated): the page shows it so.
            digits = text.removeprefix("-")
            valid = len(digits) <= 10 and digits.isascii() and digits.isdigit()
            seen[line.code] = int(text) if valid else None
    return seen


class AmendForm(ReportForm):
    reason = TextField(
        label="更正原因（必填）",
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": "请填写更正原因", "max_length": "更正原因不能超过500字"},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        del self.fields["note"]

    def reasons(self) -> dict[str, str]:
        """A changed figure given no reason of its own takes the amendment's."""
        values = self.values()
        changed = [line.code for line in self.lines if values.get(line.code) != line.value]
        reason = getattr(self, "cleaned_data", {}).get("reason", "")
        before = {line.code: line.reason for line in self.lines}
        return amendment_reasons(super().reasons(), changed, reason, before)


class IndicatorForm(forms.ModelForm):
    order = integer_column(IndicatorDefinition, "order", max_value=ORDER_MAX)

    class Meta:
        model = IndicatorDefinition
        fields = ["code", "label", "unit", "kind", "incident", "order", "description"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["code"].disabled = True
            if self.instance.source == IndicatorDefinition.Source.AUTO:
                # How the module counts it is fixed; whether a figure other than 0
                # is a new situation that rules out 零报告 is HQ's call.
                self.fields["kind"].disabled = True
                if self.instance.ratio is not None:
                    self.fields["incident"].disabled = True

    def clean_code(self) -> str:
        code = self.cleaned_data["code"]
        if code in BUILTINS and not self.instance.pk:
            raise forms.ValidationError(
                f"“{code}”是通报模板的通用占位符（{{{code}}}），请换一个代码"
            )
        IndicatorDefinition(pk=self.instance.pk, code=code).check_code_free()
        return code

    def clean_label(self) -> str:
        """Two indicators of one name could not be told apart on the report, the
        overview, the xlsx or the trend."""
        label = self.cleaned_data["label"].strip()
        taken = IndicatorDefinition.objects.filter(label=label).exclude(pk=self.instance.pk)
        if (other := taken.first()) is not None:
            raise forms.ValidationError(
                f"名称“{label}”已被指标 {other.code} 使用"
                + ("（已停用）" if not other.active else "")
                + "，请换一个名称：日报和汇总表按名称区分指标"
            )
        return label


class BulletinTemplateForm(forms.Form):
    text = TextField(label="通报模板", max_length=4000, widget=forms.Textarea(attrs={"rows": 10}))

    def clean_text(self) -> str:
        text = self.cleaned_data["text"].strip()
        try:
            check_template(text)
        except TemplateError as exc:
            raise forms.ValidationError(str(exc)) from exc
        return text


class BulletinForm(forms.Form):
    text = TextField(
        label="通报",
        max_length=8000,
        widget=forms.Textarea(attrs={"rows": 8}),
        error_messages={"required": "请填写通报内容", "max_length": "通报不能超过8000字"},
    )
