from tests.routes import Route, everyone

# The audit viewer: roles with Capability.VIEW_AUDIT (directors and administrators).
ROUTES = [
    Route("audit:list", get=everyone(403, director=200, admin=200)),
    Route("audit:export", get=everyone(403, director=200, admin=200), page=False),
]
