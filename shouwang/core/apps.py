from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "shouwang.core"
    label = "core"
    verbose_name = "基础"
