import pytest

from ..actions import clear_rule_cache
from .factories import make_checkpoint


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
