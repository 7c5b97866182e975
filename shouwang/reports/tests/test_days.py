from datetime import UTC, date, datetime, timedelta

from django.test import override_settings
from hypothesis import given
from hypothesis import strategies as st

from shouwang.reports import days

SHANGHAI = days.local_zone()


def at(y, m, d, hh, mm=0, ss=0):
    return datetime(y, m, d, hh, mm, ss, tzinfo=SHANGHAI)


def test_it_ends_the_day_at_the_cutoff():
    assert days.day_of(at(2020, 2, 13, 14, 59, 59)) == date(2020, 2, 13)
    assert days.day_of(at(2020, 2, 13, 15, 0, 0)) == date(2020, 2, 14)
    assert days.day_of(at(2020, 2, 13, 15, 0, 1)) == date(2020, 2, 14)


def test_it_builds_the_window_in_local_time():
    span = days.window(date(2020, 2, 13))
    assert span.start == at(2020, 2, 12, 15)
    assert span.end == at(2020, 2, 13, 15)
    assert span.end.astimezone(UTC).hour == 7


@override_settings(REPORT_CUTOFF="08:30", REPORT_GRACE_MINUTES=90)
def test_it_reads_the_cutoff_from_settings():
    assert days.day_of(at(2020, 2, 13, 8, 29, 59)) == date(2020, 2, 13)
    assert days.day_of(at(2020, 2, 13, 8, 30)) == date(2020, 2, 14)
    assert days.deadline(date(2020, 2, 13)) == at(2020, 2, 13, 10)
    assert days.cutoff_label(date(2020, 2, 13)) == "2020年2月13日8时30分"


def test_it_reports_the_last_closed_day():
    assert days.last_closed_day(at(2020, 2, 13, 15, 0, 1)) == date(2020, 2, 13)
    assert days.last_closed_day(at(2020, 2, 13, 14, 59, 59)) == date(2020, 2, 12)
    assert days.is_closed(date(2020, 2, 13), at(2020, 2, 13, 15))
    assert not days.is_closed(date(2020, 2, 13), at(2020, 2, 13, 14, 59, 59))


@given(st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2090, 1, 1)))
def test_every_moment_falls_in_its_days_window(naive):
    moment = naive.replace(tzinfo=UTC)
    span = days.window(days.day_of(moment))
    assert span.start <= moment < span.end
    assert span.end - span.start == timedelta(hours=24)


class Created:
    def __init__(self, at):
        self.created_at = at


def test_a_community_reports_from_the_day_in_progress_when_it_was_created():
    assert days.first_day(Created(at(2026, 11, 23, 10))) == date(2026, 11, 23)
    assert days.first_day(Created(at(2026, 11, 23, 14, 59, 59))) == date(2026, 11, 23)
    assert days.first_day(Created(at(2026, 11, 23, 15))) == date(2026, 11, 24)
    assert days.first_day(Created(at(2026, 11, 23, 16))) == date(2026, 11, 24)
    assert not days.is_expected(Created(at(2026, 11, 23, 10)), date(2026, 11, 22))
    assert days.is_expected(Created(at(2026, 11, 23, 10)), date(2026, 11, 23))


@given(
    st.dates(min_value=date(2000, 1, 1), max_value=date(2090, 1, 1)),
    st.integers(min_value=-3 * 86400, max_value=3 * 86400),
)
def test_the_sql_condition_is_the_first_day_rule(day, seconds):
    """``expected_on`` compares created_at with the cutoff of the day: the same as
    the day of created_at not being after it (moments around the day's cutoff)."""
    moment = days.window(day).end + timedelta(seconds=seconds)
    (condition,) = days.expected_on(day).children
    field, end = condition
    assert field == "created_at__lt"
    assert (moment < end) == days.is_expected(Created(moment), day)
    assert (moment < end) == (seconds < 0)
