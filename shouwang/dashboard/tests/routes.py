from shouwang.core.tests.matrix import Route

ROUTES = {
    "dashboard:index": Route(read_only=True),
    "dashboard:wall": Route(read_only=True),
}
