from shouwang.core.tests.matrix import Route

ROUTES = {
    "dashboard:index": Route(),
    "dashboard:wall": Route(),
}
