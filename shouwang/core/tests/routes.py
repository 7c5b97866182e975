from shouwang.core.tests.matrix import Route

ROUTES = {
    "core:home": Route(),
    "core:healthz": Route(public=True),
    "core:favicon": Route(public=True),
    "api:openapi-json": Route(public=True),
    "api:me": Route(),
    "api:api-root": Route(public=True),
}
