from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "shouwang.core"
    label = "core"
    verbose_name = "基础"

    def ready(self) -> None:
        from . import checks  # noqa: F401 - registers the deployment checks
