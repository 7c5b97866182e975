"""Django's own form messages, reworded in shouwang/locale, are the ones users get."""

from __future__ import annotations

import ast
from pathlib import Path

from django import forms
from django.template import Context, Template
from django.utils import translation
from django.utils.translation import gettext, ngettext

import shouwang

PO = Path(shouwang.__file__).parent / "locale/zh_Hans/LC_MESSAGES/django.po"


def _entries() -> list[tuple[str, str, str]]:
    """(msgid, msgid_plural, msgstr) of the .po file (its plain subset: no contexts)."""
    entries, current, key = [], {}, ""
    for line in [*PO.read_text().splitlines(), ""]:
        if line.startswith("msgid ") and current:
            entries.append(current)
            current = {}
        if not line.strip() or line.startswith("#"):
            continue
        if line.startswith('"'):
            current[key] += ast.literal_eval(line)
        else:
            key, _, text = line.partition(" ")
            current[key] = ast.literal_eval(text)
    entries.append(current)
    return [
        (e["msgid"], e.get("msgid_plural", ""), e.get("msgstr", e.get("msgstr[0]", "")))
        for e in entries
        if e.get("msgid")
    ]


def test_the_compiled_catalog_holds_every_message_of_the_po_file() -> None:
    # A .po edited without `make messages` would leave the old .mo in use.
    entries = _entries()
    assert len(entries) > 20
    with translation.override("zh-hans"):
        for msgid, plural, msgstr in entries:
            got = ngettext(msgid, plural, 2) if plural else gettext(msgid)
            assert got == msgstr, msgid


def test_a_form_speaks_the_reworded_messages() -> None:
    class Form(forms.Form):
        name = forms.CharField(label="姓名", max_length=4)
        day = forms.DateField(label="日期")
        n = forms.IntegerField(label="人数", max_value=10)

    with translation.override("zh-hans"):
        errors = Form({"name": "欧阳娜娜娜", "day": "2020-02-30", "n": "11"}).errors
        assert errors == {
            "name": ["最多 4 个字（现有 5 个）。"],
            "day": ["请填写正确的日期，如 2020-02-01。"],
            "n": ["不能大于 10。"],
        }
        assert Form({}).errors["name"] == ["此项必填。"]


def test_a_filter_forms_messages_read_as_one_sentence() -> None:
    class Filter(forms.Form):
        kind = forms.ChoiceField(label="类型", choices=[("a", "甲")])
        day = forms.DateField(label="日期")

    form = Filter({"kind": "b", "day": "x"})
    with translation.override("zh-hans"):
        text = Template("{% load shouwang %}{{ form|error_list }}").render(Context({"form": form}))
    assert text == (
        "类型：所选的“b”不在可选范围内，请重新选择；日期：请填写正确的日期，如 2020-02-01。"
    )
