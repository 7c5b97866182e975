import pytest

from ..actions import clear_rule_cache


@pytest.fixture(autouse=True)
def _fresh_rules():
    """Rules are cached per process; each test starts from the database."""
    clear_rule_cache()
    yield
    clear_rule_cache()
