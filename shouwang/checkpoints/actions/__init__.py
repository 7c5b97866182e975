"""Check-in workflows, one module each: recording a check-in and its side effects
(``checkins``), the resident's phone (``phone``), staff at the post (``console``), pass
cards (``cards``), checkpoints and rules (``posts``) and retention (``retention``);
callers use them as ``actions.<name>``.

Every write carries a client id, so a retry never doubles a record.
"""

from .cards import CardRefused, issue_card, revoke_pass
from .checkins import (
    STOPPED,
    CheckInRefused,
    Recorded,
    check_active,
    check_open,
    checkpoint_by_code,
    clear_rule_cache,
    record_checkin,
    rule_for,
)
from .console import (
    confirm,
    measure,
    pass_for_token,
    record_vehicle,
    record_visitor,
    scan_pass,
    turn_back,
    turn_back_checkin,
)
from .phone import (
    NO_VISITORS,
    PHONE_FULL,
    PhoneFull,
    Registration,
    family_home,
    register,
    remembered_pass,
    remembered_passes,
    self_checkin,
)
from .posts import hand_over_after_move, rotate_code, save_checkpoint, save_rule
from .retention import MIN_RETENTION_DAYS, purge_checkins

__all__ = [
    "MIN_RETENTION_DAYS",
    "NO_VISITORS",
    "PHONE_FULL",
    "STOPPED",
    "CardRefused",
    "CheckInRefused",
    "PhoneFull",
    "Recorded",
    "Registration",
    "check_active",
    "check_open",
    "checkpoint_by_code",
    "clear_rule_cache",
    "confirm",
    "family_home",
    "hand_over_after_move",
    "issue_card",
    "measure",
    "pass_for_token",
    "purge_checkins",
    "record_checkin",
    "record_vehicle",
    "record_visitor",
    "register",
    "remembered_pass",
    "remembered_passes",
    "revoke_pass",
    "rotate_code",
    "rule_for",
    "save_checkpoint",
    "save_rule",
    "scan_pass",
    "self_checkin",
    "turn_back",
    "turn_back_checkin",
]
