from shouwang.core.tests.matrix import Route

from ..models import TreatmentInstitution
from .factories import make_case, make_contact, make_key_area, make_person, make_trace


def _resident_of_key_area_b(w):
    make_key_area(w.compound_b)
    return make_person(w.building_b)


ROUTES = {
    "cases:list": Route(read_only=True),
    "cases:new": Route(),
    "cases:create": Route(kwargs=lambda w: {"person_pk": make_person(w.building_b).pk}, in_b=True),
    "cases:create_new": Route(),
    "cases:detail": Route(
        kwargs=lambda w: {"pk": make_case(w.building_b).pk}, in_b=True, read_only=True
    ),
    "cases:edit": Route(kwargs=lambda w: {"pk": make_case(w.building_b).pk}, in_b=True),
    "cases:contact_add": Route(kwargs=lambda w: {"pk": make_case(w.building_b).pk}, in_b=True),
    "cases:contact_create": Route(
        kwargs=lambda w: {
            "pk": make_case(w.building_b).pk,
            "person_pk": make_person(w.building_b).pk,
        },
        in_b=True,
    ),
    "cases:contact_create_new": Route(
        kwargs=lambda w: {"pk": make_case(w.building_b).pk}, in_b=True
    ),
    "cases:trace_new": Route(kwargs=lambda w: {"pk": make_case(w.building_b).pk}, in_b=True),
    "cases:contacts": Route(read_only=True),
    "cases:contact_observe": Route(
        kwargs=lambda w: {"pk": make_contact(make_case(w.building_b), w.building_b).pk},
        in_b=True,
    ),
    "cases:key_areas": Route(read_only=True),
    "cases:key_area_new": Route(),
    "cases:key_area": Route(
        kwargs=lambda w: {"pk": make_key_area(w.compound_b).pk}, in_b=True, read_only=True
    ),
    "cases:key_area_lift": Route(
        kwargs=lambda w: {"pk": make_key_area(w.building_b).pk}, in_b=True
    ),
    "cases:trace": Route(
        kwargs=lambda w: {"pk": make_trace(make_case(w.building_b)).pk}, in_b=True, read_only=True
    ),
    "cases:trace_second_hop": Route(
        kwargs=lambda w: {"pk": make_trace(make_case(w.building_b)).pk}, in_b=True
    ),
    "cases:trace_contacts": Route(
        kwargs=lambda w: {"pk": make_trace(make_case(w.building_b)).pk}, in_b=True
    ),
    "cases:visits": Route(read_only=True),
    "cases:visit": Route(
        kwargs=lambda w: {"pk": _resident_of_key_area_b(w).household_id}, in_b=True
    ),
    "cases:visit_unreached": Route(
        kwargs=lambda w: {"pk": _resident_of_key_area_b(w).household_id}, in_b=True
    ),
    "cases:resident_call": Route(kwargs=lambda w: {"pk": _resident_of_key_area_b(w).pk}, in_b=True),
    "cases:institutions": Route(read_only=True),
    "cases:institution_create": Route(),
    "cases:institution_edit": Route(kwargs=lambda w: {"pk": _institution().pk}),
    "cases:institution_merge": Route(kwargs=lambda w: {"pk": _institution().pk}),
}


def _institution() -> TreatmentInstitution:
    return TreatmentInstitution.objects.get_or_create(name="市传染病医院")[0]
