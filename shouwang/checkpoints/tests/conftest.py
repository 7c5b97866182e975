import uuid
from collections.abc import Callable

import pytest

from ..actions import clear_rule_cache
from ..models import CheckIn
from .factories import make_checkin, make_checkpoint, make_person


@pytest.fixture(autouse=True)
def _fresh_rules():
    """Rules are cached per process; each test starts from the database."""
    clear_rule_cache()
    yield
    clear_rule_cache()


@pytest.fixture
def gate(world):
    """A compound gate guard_a keeps; a module naming another gate ``gate`` overrides it."""
    gate = make_checkpoint(world.compound_a, "西城花园东门")
    gate.staff.add(world.guard_a)
    return gate


@pytest.fixture
def declared(world, gate) -> CheckIn:
    """A resident's self-scan at the gate, waiting for staff to confirm it."""
    return make_checkin(
        gate, person=make_person(world.building_a), status="declared", source="self", result="g"
    )


FormData = Callable[..., dict[str, str]]


@pytest.fixture
def vehicle_form() -> FormData:
    """The console's 车辆登记 as staff fill it in (a fresh client id each call);
    keyword arguments change or add fields."""
    return lambda **extra: {
        "client_id": str(uuid.uuid4()),
        "direction": "in",
        "plate": "豫A12345",
        "occupants": "2",
        **extra,
    }


@pytest.fixture
def visitor_form() -> FormData:
    """The console's 访客登记, filled in as ``vehicle_form``."""
    return lambda **extra: {
        "client_id": str(uuid.uuid4()),
        "direction": "in",
        "name": "孙访客",
        "phone": "13700001111",
        "visiting": "2号楼刘女士",
        "reason": "送生活物资",
        **extra,
    }


@pytest.fixture
def turn_back_form() -> FormData:
    """The console's 劝返 of one person on foot, filled in as ``vehicle_form``."""
    return lambda **extra: {
        "client_id": str(uuid.uuid4()),
        "direction": "in",
        "subject": "p",
        "occupants": "1",
        "reason": "外地返回",
        **extra,
    }
