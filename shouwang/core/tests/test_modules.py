import sys

import pytest

from shouwang.core.modules import app_modules, optional_module


def test_a_missing_module_is_skipped():
    assert optional_module("shouwang.core.no_such_module") is None


def test_an_import_error_inside_a_module_is_raised(tmp_path, monkeypatch):
    (tmp_path / "broken_mod.py").write_text("import no_such_dependency_of_broken_mod\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    with pytest.raises(ModuleNotFoundError) as exc:
        optional_module("broken_mod")
    assert exc.value.name == "no_such_dependency_of_broken_mod"
    sys.modules.pop("broken_mod", None)


def test_apps_with_the_module_are_found_in_installed_apps_order():
    found = [config.label for config, _module in app_modules("todo")]
    assert found[0] == "core"
    assert {"watch", "reports"} <= set(found)
    assert all(module.__name__.endswith(".todo") for _config, module in app_modules("todo"))
