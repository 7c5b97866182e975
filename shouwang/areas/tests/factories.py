from datetime import datetime, timedelta

import factory

from shouwang.areas import actions
from shouwang.areas.models import Area, Grid

#: How long ago the factories' areas were created: a community reports its daily
#: report from the day it was created on, and most tests report days just past.
#: A test about creation time sets it with ``created(area, at)``.
AGE = timedelta(days=60)


def created(area: Area, at: datetime) -> Area:
    """Make ``area`` look created at ``at``."""
    Area.objects.filter(pk=area.pk).update(created_at=at)
    area.created_at = at
    return area


class AreaFactory(factory.django.DjangoModelFactory):
    """Creates nodes through ``create_area`` so paths are right; builds missing parents."""

    class Meta:
        model = Area

    name = factory.Sequence(lambda n: f"节点{n}")
    kind = Area.Kind.SUBDISTRICT
    parent = None

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        area = actions.create_area(**kwargs)
        return created(area, area.created_at - AGE)


def child(parent: Area, name: str, **fields) -> Area:
    area = actions.create_area(name=name, kind=parent.child_kind, parent=parent, **fields)
    return created(area, area.created_at - AGE)


class GridFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Grid

    name = factory.Sequence(lambda n: f"第{n}网格")
