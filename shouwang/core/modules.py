"""Our apps' optional modules (``todo.py``, ``indicators.py``, ``api.py``, ``demo.py`` ...).

An app takes part in a shared mechanism by having a module of the agreed name; the
mechanism finds them here, in INSTALLED_APPS order. A missing module is skipped; an
import error inside one that exists is raised, never hidden.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterator
from types import ModuleType

from django.apps import AppConfig, apps


def optional_module(name: str) -> ModuleType | None:
    """The module ``name``, or None when it does not exist."""
    try:
        return importlib.import_module(name)
    except ModuleNotFoundError as exc:
        if exc.name != name:
            raise
        return None


def app_modules(submodule: str) -> Iterator[tuple[AppConfig, ModuleType]]:
    """Each of our apps that has ``<app>.<submodule>``, with that module."""
    for config in apps.get_app_configs():
        if not config.name.startswith("shouwang."):
            continue
        module = optional_module(f"{config.name}.{submodule}")
        if module is not None:
            yield config, module
