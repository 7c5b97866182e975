"""Each distinct 收治机构 typed as free text becomes an entry of the list (spaces
trimmed and collapsed, so "市六院 " and "市六院" are one), and its cases point at it.
Back: the cases get the entry's name as text again."""

from django.db import migrations


def _name(text):
    return " ".join(text.replace("\u3000", " ").split())[:100]


def to_list(apps, schema_editor):
    Case = apps.get_model("cases", "Case")
    Institution = apps.get_model("cases", "TreatmentInstitution")
    typed = Case.objects.exclude(treated_at="").values_list("treated_at", flat=True).distinct()
    by_text = {}
    for text in typed:
        name = _name(text)
        if name:
            by_text[text] = Institution.objects.get_or_create(name=name, defaults={"kind": "other"})[0]
    for text, institution in by_text.items():
        Case.objects.filter(treated_at=text).update(institution=institution)


def to_text(apps, schema_editor):
    Case = apps.get_model("cases", "Case")
    Institution = apps.get_model("cases", "TreatmentInstitution")
    for institution in Institution.objects.all():
        Case.objects.filter(institution=institution).update(treated_at=institution.name)
    Case.objects.update(institution=None)


class Migration(migrations.Migration):
    dependencies = [("cases", "0011_treatment_institution")]

    operations = [migrations.RunPython(to_list, to_text)]
