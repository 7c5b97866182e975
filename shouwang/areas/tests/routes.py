from shouwang.core.tests.matrix import Route

ROUTES = {
    "areas:tree": Route(read_only=True),
    "areas:node": Route(kwargs=lambda w: {"pk": w.building_b.pk}, in_b=True, read_only=True),
    "areas:node_create": Route(kwargs=lambda w: {"pk": w.compound_b.pk}, in_b=True),
    "areas:node_edit": Route(kwargs=lambda w: {"pk": w.building_b.pk}, in_b=True),
    "areas:node_move": Route(kwargs=lambda w: {"pk": w.building_b.pk}, in_b=True),
    "areas:grids": Route(read_only=True),
    "areas:grid_create": Route(),
    "areas:grid_edit": Route(kwargs=lambda w: {"pk": w.grid_b.pk}, in_b=True),
    "areas:import": Route(),
    "areas:import_template": Route(read_only=True),
    "areas:import_commit": Route(),
}
