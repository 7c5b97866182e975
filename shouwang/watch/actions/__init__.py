"""Workflows of the key-person module, one module each: alerts and leads raised by
other apps (``raise_alert``, ``create_lead``; both idempotent per source row), who is a
key person now (``lookups``), registration, status and period, follow-ups, leads, the
police list's people to locate, the alert of a person not reached
(``alert_suspected_lost``), and the follow-up policy; callers use them as
``actions.<name>``.

Every change to a key-person record writes the row, its history (``KeyPersonEvent``) and
the audit log in one transaction.
"""

from .alerts import create_lead, handle_alert, raise_alert, restate_alert
from .followups import (
    METHOD_CHOICE_MESSAGE,
    SYMPTOM_CHOICE_MESSAGE,
    SelfReportRefused,
    SelfReportSlot,
    backfill_followup,
    check_recording_time,
    is_backfill,
    parse_temperature,
    record_attempt,
    record_followup,
    record_overdue,
    record_self_report,
    self_report_ended_message,
    self_report_slot,
)
from .leads import confirm_lead, confirm_lead_with_person, dismiss_lead, reopen_lead
from .locating import record_location, reopen_locate_task
from .lookups import active_key_person, active_key_person_sql, key_person_by_id
from .lost import alert_suspected_lost
from .policy import save_category, save_policy
from .registration import (
    Identity,
    check_arrival_date,
    follow_move_to_building,
    hand_over_after_move,
    move_open_alerts,
    period_served,
    register_key_person,
    register_with_person,
    update_key_person,
    update_phone,
)
from .status import change_status, extend_observation, release_many

__all__ = [
    "Identity",
    "METHOD_CHOICE_MESSAGE",
    "SYMPTOM_CHOICE_MESSAGE",
    "SelfReportRefused",
    "SelfReportSlot",
    "active_key_person",
    "alert_suspected_lost",
    "active_key_person_sql",
    "backfill_followup",
    "change_status",
    "check_arrival_date",
    "follow_move_to_building",
    "hand_over_after_move",
    "move_open_alerts",
    "check_recording_time",
    "confirm_lead",
    "confirm_lead_with_person",
    "create_lead",
    "dismiss_lead",
    "extend_observation",
    "handle_alert",
    "is_backfill",
    "key_person_by_id",
    "parse_temperature",
    "period_served",
    "raise_alert",
    "restate_alert",
    "record_attempt",
    "record_followup",
    "record_location",
    "reopen_lead",
    "reopen_locate_task",
    "record_overdue",
    "record_self_report",
    "self_report_ended_message",
    "self_report_slot",
    "register_key_person",
    "register_with_person",
    "release_many",
    "save_category",
    "save_policy",
    "update_key_person",
    "update_phone",
]
