"""Login throttling keys on the client's address; forwarded headers count only behind trusted proxies."""

from __future__ import annotations

from django.test import RequestFactory

from lumbung.tenancy.throttle import client_address


def _request(remote, forwarded=None):
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **extra)


def test_without_trusted_proxies_the_forwarded_header_is_ignored(settings):
    settings.LUMBUNG_TRUSTED_PROXY_COUNT = 0
    assert client_address(_request("203.0.113.9", "1.2.3.4")) == "203.0.113.9"


def test_behind_one_proxy_it_takes_the_address_the_proxy_saw(settings):
    settings.LUMBUNG_TRUSTED_PROXY_COUNT = 1
    # The client forged "1.2.3.4"; the proxy appended the real address it saw.
    assert client_address(_request("10.0.0.2", "1.2.3.4, 198.51.100.7")) == "198.51.100.7"


def test_behind_two_proxies_it_counts_from_the_right(settings):
    settings.LUMBUNG_TRUSTED_PROXY_COUNT = 2
    assert client_address(_request("10.0.0.2", "1.2.3.4, 198.51.100.7, 10.0.0.1")) == (
        "198.51.100.7")


def test_a_missing_header_falls_back_to_the_socket_address(settings):
    settings.LUMBUNG_TRUSTED_PROXY_COUNT = 1
    assert client_address(_request("10.0.0.2")) == "10.0.0.2"
