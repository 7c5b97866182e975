from django.urls import path

from . import views

app_name = "areas"
urlpatterns = [
    path("", views.tree, name="tree"),
    path("<int:pk>/", views.node, name="node"),
    path("<int:pk>/new/", views.node_create, name="node_create"),
    path("<int:pk>/edit/", views.node_edit, name="node_edit"),
    path("<int:pk>/move/", views.node_move, name="node_move"),
    path("grids/", views.grids, name="grids"),
    path("grids/new/", views.grid_create, name="grid_create"),
    path("grids/<int:pk>/", views.grid_edit, name="grid_edit"),
    path("import/", views.import_upload, name="import"),
    path("import/template/", views.import_template, name="import_template"),
    path("import/commit/", views.import_commit, name="import_commit"),
]
