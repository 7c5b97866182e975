from shouwang.core.tests.matrix import Route
from shouwang.people.models import Tag
from shouwang.people.tests.factories import (
    make_household,
    sample_export,
    sample_household,
    sample_job,
    sample_person,
)


def _household(w) -> dict:
    return {"pk": sample_household(w).pk}


def _unplaced(w) -> dict:
    """A household of community B left at its compound, which has a building."""
    return {"pk": make_household(w.compound_b, room="902").pk}


def _person(w) -> dict:
    return {"pk": sample_person(w).pk}


def _job(w) -> dict:
    return {"code": sample_job(w).code}


def _export(w) -> dict:
    return {"code": sample_export(w).code}


ROUTES = {
    "people:index": Route(),
    "people:export": Route(),
    "people:export_unmasked": Route(),
    "people:exports": Route(read_only=True),
    "people:export_job": Route(kwargs=_export, in_b=True, read_only=True, reader="staff_b"),
    "people:export_download": Route(kwargs=_export, in_b=True, read_only=True, reader="staff_b"),
    "people:export_delete": Route(kwargs=_export, in_b=True),
    "people:area": Route(kwargs=lambda w: {"pk": w.building_b.pk}, in_b=True, read_only=True),
    "people:household_create": Route(kwargs=lambda w: {"pk": w.building_b.pk}, in_b=True),
    "people:household": Route(kwargs=_household, in_b=True, read_only=True),
    "people:household_edit": Route(kwargs=_household, in_b=True),
    "people:household_reveal": Route(kwargs=_household, in_b=True),
    "people:household_move": Route(kwargs=_unplaced, in_b=True),
    "people:unplaced": Route(read_only=True),
    "people:person_create": Route(kwargs=_household, in_b=True),
    "people:person_move_in": Route(kwargs=_household, in_b=True),
    "people:person": Route(kwargs=_person, in_b=True, read_only=True),
    "people:person_edit": Route(kwargs=_person, in_b=True),
    "people:person_move_out": Route(kwargs=_person, in_b=True),
    "people:person_restore": Route(kwargs=_person, in_b=True),
    "people:person_reveal": Route(
        kwargs=lambda w: {"pk": sample_person(w).pk, "field": "document"}, in_b=True
    ),
    "people:import": Route(),
    "people:import_template": Route(read_only=True),
    "people:import_job": Route(kwargs=_job, in_b=True, read_only=True),
    "people:import_commit": Route(kwargs=_job, in_b=True),
    "people:import_cancel": Route(kwargs=_job, in_b=True),
    "people:import_problems": Route(kwargs=_job, in_b=True, read_only=True),
    "people:coverage": Route(read_only=True),
    "people:grid_gaps": Route(kwargs=lambda w: {"pk": w.grid_b.pk}, in_b=True, read_only=True),
    "people:tags": Route(),
    "people:tag_edit": Route(
        kwargs=lambda w: {"pk": Tag.objects.get_or_create(name="独居老人")[0].pk}
    ),
}
