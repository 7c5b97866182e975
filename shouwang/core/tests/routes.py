from shouwang.core.tests.matrix import Route

ROUTES = {
    "core:home": Route(read_only=True),
    "core:healthz": Route(public=True, read_only=True),
    "core:favicon": Route(public=True, read_only=True),
    "api:openapi-json": Route(public=True, read_only=True),
    "api:me": Route(read_only=True),
    "api:api-root": Route(public=True),
}
