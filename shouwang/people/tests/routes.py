from shouwang.core.tests.matrix import Route

ROUTES: dict[str, Route] = {}
