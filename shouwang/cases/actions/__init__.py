"""Workflows of cases, contacts, key areas, household visits and presence tracing, one
module each; callers use them as ``actions.<name>``. Every change is audited."""

from .cases import NewPerson, change_case, create_case
from .contacts import (
    AlreadyObserved,
    RecordInTheWay,
    Refusal,
    add_contact,
    ended_record_refusal,
    observation_end,
    observation_over,
    observation_refusal,
    observe_contact,
    observe_refusal,
    resume_refusal,
    watch_category,
)
from .institutions import merge_institution, save_institution
from .key_areas import lift_key_area, mark_key_area
from .moves import follow_move_to_building
from .tracing import contacts_from_trace, request_second_hop, run_second_hop, run_trace
from .visits import (
    record_household_unreached,
    record_household_visit,
    record_second_days_unreached,
)

__all__ = [
    "AlreadyObserved",
    "NewPerson",
    "add_contact",
    "change_case",
    "contacts_from_trace",
    "create_case",
    "ended_record_refusal",
    "follow_move_to_building",
    "lift_key_area",
    "mark_key_area",
    "merge_institution",
    "observation_end",
    "observation_over",
    "observation_refusal",
    "observe_contact",
    "observe_refusal",
    "record_household_unreached",
    "record_household_visit",
    "record_second_days_unreached",
    "RecordInTheWay",
    "Refusal",
    "resume_refusal",
    "request_second_hop",
    "run_second_hop",
    "run_trace",
    "save_institution",
    "watch_category",
]
