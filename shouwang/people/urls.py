from django.urls import path

from . import views

app_name = "people"
urlpatterns = [
    path("", views.index, name="index"),
    path("export/", views.export, name="export"),
    path("export/unmasked/", views.export_unmasked, name="export_unmasked"),
    path("exports/", views.exports, name="exports"),
    path("exports/<str:code>/", views.export_job, name="export_job"),
    path("exports/<str:code>/download/", views.export_download, name="export_download"),
    path("exports/<str:code>/delete/", views.export_delete, name="export_delete"),
    path("area/<int:pk>/", views.area_households, name="area"),
    path("area/<int:pk>/new/", views.household_create, name="household_create"),
    path("household/<int:pk>/", views.household, name="household"),
    path("household/<int:pk>/edit/", views.household_edit, name="household_edit"),
    path("household/<int:pk>/move/", views.household_move, name="household_move"),
    path("unplaced/", views.unplaced, name="unplaced"),
    path("household/<int:pk>/reveal/", views.household_reveal, name="household_reveal"),
    path("household/<int:pk>/new-person/", views.person_create, name="person_create"),
    path("household/<int:pk>/move-in/", views.person_move_in, name="person_move_in"),
    path("person/<int:pk>/", views.person, name="person"),
    path("person/<int:pk>/edit/", views.person_edit, name="person_edit"),
    path("person/<int:pk>/move-out/", views.person_move_out, name="person_move_out"),
    path("person/<int:pk>/restore/", views.person_restore, name="person_restore"),
    path("person/<int:pk>/reveal/<str:field>/", views.person_reveal, name="person_reveal"),
    path("import/", views.import_upload, name="import"),
    path("import/template/", views.import_template, name="import_template"),
    path("import/<str:code>/", views.import_job, name="import_job"),
    path("import/<str:code>/commit/", views.import_commit, name="import_commit"),
    path("import/<str:code>/cancel/", views.import_cancel, name="import_cancel"),
    path("import/<str:code>/problems/", views.import_problems, name="import_problems"),
    path("coverage/", views.coverage_overview, name="coverage"),
    path("coverage/grid/<int:pk>/", views.grid_gaps, name="grid_gaps"),
    path("tags/", views.tags, name="tags"),
    path("tags/<int:pk>/", views.tag_edit, name="tag_edit"),
]
