from datetime import date

from django.urls import path, register_converter

from . import days, views


class DayConverter:
    regex = r"\d{4}-\d{2}-\d{2}"

    def to_python(self, value: str) -> date:
        return days.parse(value)

    def to_url(self, value: date | str) -> str:
        return value if isinstance(value, str) else value.isoformat()


register_converter(DayConverter, "day")

app_name = "reports"
urlpatterns = [
    path("", views.index, name="index"),
    path("c/<int:pk>/", views.community, name="community"),
    path("c/<int:pk>/<day:day>/", views.report, name="report"),
    path("c/<int:pk>/<day:day>/submit/", views.submit, name="submit"),
    path("c/<int:pk>/<day:day>/zero/", views.zero, name="zero"),
    path("c/<int:pk>/<day:day>/amend/", views.amend, name="amend"),
    path("overview/", views.overview, name="overview"),
    path("overview/rollup/", views.rollup_now, name="rollup"),
    path("export/", views.export, name="export"),
    path("trend/<slug:code>/", views.trend, name="trend"),
    path("bulletin/", views.bulletin, name="bulletin"),
    path("bulletin/template/", views.bulletin_template, name="bulletin_template"),
    path("indicators/", views.indicators, name="indicators"),
    path("indicators/new/", views.indicator_new, name="indicator_new"),
    path("indicators/<int:pk>/", views.indicator_edit, name="indicator_edit"),
    path("indicators/<int:pk>/move/", views.indicator_move, name="indicator_move"),
    path("indicators/<int:pk>/toggle/", views.indicator_toggle, name="indicator_toggle"),
]
