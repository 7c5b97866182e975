from django.urls import path

from . import views

app_name = "reports"
urlpatterns = [
    path("", views.index, name="index"),
    path("c/<int:pk>/", views.community, name="community"),
    path("c/<int:pk>/<str:day>/", views.report, name="report"),
    path("c/<int:pk>/<str:day>/submit/", views.submit, name="submit"),
    path("c/<int:pk>/<str:day>/zero/", views.zero, name="zero"),
    path("c/<int:pk>/<str:day>/amend/", views.amend, name="amend"),
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
