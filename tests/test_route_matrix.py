"""The role-by-route matrix: every URL name has a declared expectation for every
kind of user, and every cell is checked for GET and POST."""

import pytest
from django.conf import settings
from django.shortcuts import resolve_url
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.clients import StaffClient
from tests.routes import LOGIN, REDIRECT, Who, all_routes, undeclared_prefixes


def _url_names(patterns, namespace: str = "") -> set[str]:
    names: set[str] = set()
    for entry in patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            names |= _url_names(entry.url_patterns, inner)
        elif isinstance(entry, URLPattern) and entry.name:
            names.add(f"{namespace}{entry.name}")
    return names


def test_every_route_has_a_declared_expectation_for_every_role():
    declared = {route.name for route in all_routes()}
    covered = undeclared_prefixes()
    missing = sorted(
        name
        for name in _url_names(get_resolver().url_patterns)
        if name not in declared and not name.startswith(covered)
    )
    assert missing == [], f"Routes with no role expectations in tests/routes/: {missing}"
    incomplete = [
        route.name
        for route in all_routes()
        if set(route.get) != set(Who) or (route.post is not None and set(route.post) != set(Who))
    ]
    assert incomplete == [], f"Routes missing a role in their table: {incomplete}"


def _check(response, expected, who: Who, method: str, url: str) -> None:
    where = f"{method} {url} as {who}"
    sign_in = resolve_url(settings.LOGIN_URL)
    if expected == LOGIN:
        assert response.status_code == 302, f"{where}: {response.status_code}, not sign-in"
        assert response["Location"].startswith(sign_in), f"{where}: sent to {response['Location']}"
    elif expected == REDIRECT:
        assert response.status_code in (302, 303), f"{where}: {response.status_code}, no redirect"
    else:
        assert response.status_code == expected, f"{where}: {response.status_code} != {expected}"


@pytest.mark.django_db
@pytest.mark.parametrize("route", all_routes(), ids=lambda route: route.name)
def test_route_matrix(route, world):
    url = reverse(route.name, kwargs=route.kwargs(world)) + route.query
    for who in Who:
        client = StaffClient()
        if who is not Who.ANONYMOUS:
            client.force_login(world.users[who])
        _check(client.get(url), route.get[who], who, "GET", url)
        _check(client.post(url, route.post_data(world)), route.expected_post(who), who, "POST", url)
