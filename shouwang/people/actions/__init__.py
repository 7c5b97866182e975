"""Workflows on the resident ledger, one module each: households, persons (one per
document, moved out never deleted, moved in), the audited reveal, tags, the Excel import
and export, and retention; callers use them as ``actions.<name>``. Each change writes a
history entry (``history``) under optimistic locking on ``version``."""

from .exports import delete_export, open_export, start_export
from .history import ConflictError
from .households import create_household, household_at, move_to_building, update_household
from .imports import cancel_import, confirm_import, start_import
from .persons import MoveInOffered, create_person, move_in, move_out, restore, update_person
from .retention import purge_personal_data, retention_days
from .reveal import REVEALABLE, TooManyReveals, reveal
from .tags import save_tag

__all__ = [
    "ConflictError",
    "MoveInOffered",
    "REVEALABLE",
    "TooManyReveals",
    "cancel_import",
    "confirm_import",
    "create_household",
    "create_person",
    "delete_export",
    "household_at",
    "move_in",
    "move_out",
    "move_to_building",
    "open_export",
    "purge_personal_data",
    "restore",
    "retention_days",
    "reveal",
    "save_tag",
    "start_export",
    "start_import",
    "update_household",
    "update_person",
]
