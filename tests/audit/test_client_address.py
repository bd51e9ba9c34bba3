from django.test import RequestFactory

from audit.client_address import client_address

FORWARDED = {"REMOTE_ADDR": "10.0.0.2", "HTTP_X_FORWARDED_FOR": "198.51.100.7, 203.0.113.9"}


def test_without_a_trusted_proxy_the_forwarded_header_is_ignored(settings):
    settings.TRUSTED_PROXY_COUNT = 0
    assert client_address(RequestFactory().get("/", **FORWARDED)) == "10.0.0.2"


def test_behind_one_proxy_the_last_hop_is_the_client(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    # The left entry is whatever the client sent: never trusted.
    assert client_address(RequestFactory().get("/", **FORWARDED)) == "203.0.113.9"


def test_a_malformed_or_short_header_falls_back_to_the_peer(settings):
    settings.TRUSTED_PROXY_COUNT = 2
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="nonsense")
    assert client_address(request) == "10.0.0.2"
    settings.TRUSTED_PROXY_COUNT = 1
    assert client_address(request) == "10.0.0.2"
