import factory

from shouwang.areas import actions
from shouwang.areas.models import Area, Grid


class AreaFactory(factory.django.DjangoModelFactory):
    """Creates nodes through ``create_area`` so paths are right; builds missing parents."""

    class Meta:
        model = Area

    name = factory.Sequence(lambda n: f"节点{n}")
    kind = Area.Kind.SUBDISTRICT
    parent = None

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        return actions.create_area(**kwargs)


def child(parent: Area, name: str, **fields) -> Area:
    return actions.create_area(name=name, kind=parent.child_kind, parent=parent, **fields)


class GridFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Grid

    name = factory.Sequence(lambda n: f"第{n}网格")
