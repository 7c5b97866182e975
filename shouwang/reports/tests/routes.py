from shouwang.core.tests.matrix import Route


def _b_day(w):
    from shouwang.reports.days import last_closed_day

    return {"pk": w.community_b.pk, "day": last_closed_day()}


def _definition(w):
    from shouwang.reports.models import IndicatorDefinition

    row, _ = IndicatorDefinition.objects.get_or_create(
        code="masks_handed_out", defaults={"label": "发放口罩", "unit": "个", "source": "manual"}
    )
    return {"pk": row.pk}


ROUTES = {
    "reports:index": Route(read_only=True),
    "reports:community": Route(
        kwargs=lambda w: {"pk": w.community_b.pk}, in_b=True, read_only=True
    ),
    "reports:report": Route(kwargs=_b_day, in_b=True),
    "reports:submit": Route(kwargs=_b_day, in_b=True),
    "reports:zero": Route(kwargs=_b_day, in_b=True),
    "reports:amend": Route(kwargs=_b_day, in_b=True),
    "reports:overview": Route(read_only=True),
    "reports:rollup": Route(),
    "reports:export": Route(read_only=True),
    "reports:trend": Route(kwargs=lambda w: {"code": "fevers"}, read_only=True),
    "reports:bulletin": Route(),
    "reports:bulletin_template": Route(),
    "reports:indicators": Route(read_only=True),
    "reports:indicator_new": Route(),
    "reports:indicator_edit": Route(kwargs=_definition),
    "reports:indicator_move": Route(kwargs=_definition),
    "reports:indicator_toggle": Route(kwargs=_definition),
}
