"""The client address: X-Forwarded-For is believed only when REMOTE_ADDR is a configured trusted proxy."""

import pytest
from django.test import RequestFactory

from zhicheng.core.http import client_ip

rf = RequestFactory()


def ip_of(remote, xff=None):
    meta = {"REMOTE_ADDR": remote}
    if xff is not None:
        meta["HTTP_X_FORWARDED_FOR"] = xff
    return client_ip(rf.get("/", **meta))


def test_without_trusted_proxies_the_header_is_ignored():
    assert ip_of("198.51.100.7", "1.2.3.4") == "198.51.100.7"


@pytest.fixture
def proxies(settings):
    settings.ZHICHENG_TRUSTED_PROXIES = ["10.0.0.0/8", "fd00::/8"]


@pytest.mark.usefixtures("proxies")
class TestTrustedProxies:
    def test_an_untrusted_client_cannot_name_another_address(self):
        assert ip_of("198.51.100.7", "1.2.3.4") == "198.51.100.7"

    @pytest.mark.parametrize(("xff", "expected"), [
        ("203.0.113.9", "203.0.113.9"),
        ("1.2.3.4, 203.0.113.9", "203.0.113.9"),  # the left part is the client's own invention
        ("1.2.3.4, 203.0.113.9, 10.1.1.1", "203.0.113.9"),  # two proxies of ours: skip the inner one
        ("10.9.9.9, 10.1.1.1", "10.9.9.9"),  # every hop ours: the left-most is the caller
        ("not-an-ip, 203.0.113.9", "203.0.113.9"),
        ("203.0.113.9, garbage", "10.0.0.2"),  # a malformed hop from a proxy: believe nothing beyond it
        ("", "10.0.0.2"),
        ("2001:db8::1", "2001:db8::1"),
    ])
    def test_right_most_untrusted_hop(self, xff, expected):
        assert ip_of("10.0.0.2", xff) == expected

    def test_ipv6_proxy(self):
        assert ip_of("fd00::5", "203.0.113.9") == "203.0.113.9"


def test_no_remote_address_gives_none():
    assert client_ip(rf.get("/", REMOTE_ADDR="")) is None
