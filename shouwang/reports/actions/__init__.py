"""Workflows of the daily report, one module each: its figures and their checks
(``figures``), draft, submit, zero-report and amend (``submission``), 重新汇总
(``rollups``), the indicators HQ keeps (``definitions``), the bulletin and its template
(``bulletins``) and reminders (``reminders``); callers use them as ``actions.<name>``."""

from .bulletins import save_bulletin, save_bulletin_template
from .definitions import EDITED_FIELDS, move_definition, save_definition, set_definition_active
from .figures import (
    CARRY_DAYS,
    CountsMoved,
    Line,
    Moved,
    ReportError,
    below_zero_message,
    check_expected,
    check_values,
    editable,
    follow_counts,
    lines,
    report_for,
    retired_lines,
)
from .reminders import send_reminders
from .rollups import NotRolledUp, rollup_area
from .submission import (
    ZERO_NOTE,
    Draft,
    amend_report,
    amendment_reasons,
    save_draft,
    standing_figures,
    submit_report,
    zero_report,
)

__all__ = [
    "CARRY_DAYS",
    "CountsMoved",
    "Draft",
    "EDITED_FIELDS",
    "Line",
    "Moved",
    "NotRolledUp",
    "ReportError",
    "ZERO_NOTE",
    "amend_report",
    "amendment_reasons",
    "below_zero_message",
    "check_expected",
    "check_values",
    "editable",
    "follow_counts",
    "lines",
    "move_definition",
    "report_for",
    "retired_lines",
    "rollup_area",
    "save_bulletin",
    "save_bulletin_template",
    "save_definition",
    "save_draft",
    "send_reminders",
    "set_definition_active",
    "standing_figures",
    "submit_report",
    "zero_report",
]
