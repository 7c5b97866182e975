"""Workflows of the supplies app: stock movements, donations, allocation.

Every function takes keyword-only arguments, runs in ``transaction.atomic()``, and
raises ``django.core.exceptions.ValidationError`` with a Chinese message when the
request cannot be carried out (nothing is written then).
"""

from .allocation import PlanUpdate, create_plan, issue_plan, review_plan, update_plan
from .catalog import save_item, save_location, save_recipient, sync_checkpoint_locations
from .donations import (
    add_purpose,
    cancel_donation,
    change_purpose,
    receive_donation,
    record_donation,
    record_spending,
    reissue_receipt,
    void_receipt,
)
from .stock import count_stock, receive_stock, record_out, transfer

__all__ = [
    "PlanUpdate",
    "add_purpose",
    "cancel_donation",
    "change_purpose",
    "count_stock",
    "create_plan",
    "issue_plan",
    "receive_donation",
    "receive_stock",
    "record_donation",
    "record_out",
    "record_spending",
    "reissue_receipt",
    "review_plan",
    "save_item",
    "save_location",
    "save_recipient",
    "sync_checkpoint_locations",
    "transfer",
    "update_plan",
    "void_receipt",
]
