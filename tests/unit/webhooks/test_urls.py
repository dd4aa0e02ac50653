"""Which webhook URLs are accepted when registered, and which addresses are never connected to (SSRF)."""

from __future__ import annotations

import ipaddress

import pytest

from videogen.exceptions import InvalidWebhookException, ValidationException
from videogen.webhooks.urls import MAX_URL_LENGTH, check_url, refused_reason

# ------------------------------------------------------------------------------------ refused addresses

#: Every class of address a delivery must never reach, with the class the reason names.
REFUSED = [
    ("10.0.0.1", "private"),
    ("172.16.0.1", "private"),
    ("172.31.255.255", "private"),
    ("192.168.1.1", "private"),
    ("127.0.0.1", "loopback"),
    ("127.255.0.1", "loopback"),
    ("::1", "loopback"),
    ("169.254.169.254", "link-local, instance metadata service"),
    ("fd00:ec2::254", "unique-local, instance metadata service"),
    ("169.254.170.2", "link-local, container credentials service"),
    ("169.254.1.1", "link-local"),
    ("fe80::1", "link-local"),
    ("fe80::1%eth0", "link-local"),
    ("224.0.0.1", "multicast"),
    ("239.255.255.250", "multicast"),
    ("ff02::1", "multicast"),
    ("ff0e::1", "multicast"),  # global scope, which is_global alone lets through
    ("0.0.0.0", "unspecified"),
    ("0.1.2.3", "reserved"),
    ("::", "unspecified"),
    ("240.0.0.1", "reserved"),
    ("255.255.255.255", "broadcast"),
    ("100.64.0.1", "carrier-grade NAT"),
    ("100.127.255.254", "carrier-grade NAT"),
    ("fc00::1", "unique-local"),
    ("fd12:3456::1", "unique-local"),
    ("fec0::1", "site-local"),
    ("192.0.2.1", "documentation"),
    ("198.51.100.7", "documentation"),
    ("203.0.113.9", "documentation"),
    ("2001:db8::1", "documentation"),
    ("3fff::1", "documentation"),
    ("198.18.0.1", "benchmarking"),
    ("192.0.0.8", "reserved"),  # IETF protocol assignments
    ("100::1", "reserved"),  # discard-only
    ("::7f00:1", "reserved"),  # deprecated IPv4-compatible ::127.0.0.1
    ("::ffff:10.0.0.1", "IPv4-mapped private"),
    ("::ffff:127.0.0.1", "IPv4-mapped loopback"),
    ("::ffff:169.254.169.254", "IPv4-mapped link-local, instance metadata service"),
    ("64:ff9b::10.0.0.1", "NAT64 of private"),
    ("64:ff9b::127.0.0.1", "NAT64 of loopback"),
    ("2002:a00:1::", "6to4 of private"),  # 6to4 carrying 10.0.0.1
    ("2002:5db8:d822::", "6to4 tunnel"),  # 6to4 carrying a public address: still a deprecated tunnel
    # Teredo carrying client 10.0.0.1 (stored inverted: 0xffff ^ 0x0a00, 0xffff ^ 0x0001).
    ("2001:0:4136:e378:8000:63bf:f5ff:fffe", "Teredo of private"),
    ("2001:0:4136:e378:8000:63bf:3fff:fdd2", "Teredo of documentation"),
]
PUBLIC = [
    "93.184.216.34",
    "8.8.8.8",
    "1.1.1.1",
    "172.32.0.1",  # just past 172.16.0.0/12
    "100.128.0.1",  # just past 100.64.0.0/10
    "2606:4700::1111",
    "2a00:1450:4001:81c::200e",
    "::ffff:93.184.216.34",  # IPv4-mapped public: reaches the public address
    "64:ff9b::93.184.216.34",  # NAT64 of a public address
]


@pytest.mark.parametrize(("address", "reason"), REFUSED)
def test_refused_address_is_named_by_its_class(address: str, reason: str) -> None:
    assert refused_reason(ipaddress.ip_address(address)) == reason


@pytest.mark.parametrize("address", PUBLIC)
def test_public_address_is_allowed(address: str) -> None:
    assert refused_reason(ipaddress.ip_address(address)) is None


@pytest.mark.parametrize(("address", "reason"), REFUSED)
def test_a_refused_address_as_the_url_host_is_refused_when_deployed(address: str, reason: str) -> None:
    host = f"[{address.replace('%', '%25')}]" if ":" in address else address

    with pytest.raises(InvalidWebhookException) as refused:
        check_url(f"https://{host}/hook", allow_local=False)

    assert refused.value.details["reason"] == "refused_address"
    assert refused.value.details["address_class"] == reason
    assert reason in refused.value.message


@pytest.mark.parametrize("address", ["10.0.0.1", "127.0.0.1", "169.254.169.254", "[::1]", "[fc00::1]"])
def test_a_local_address_is_allowed_when_local(address: str) -> None:
    assert check_url(f"http://{address}:8080/hook", allow_local=True) == f"http://{address}:8080/hook"


# ------------------------------------------------------------------------------------------- the table

#: (URL, reason in details, a phrase of the message): refused everywhere.
INVALID_ANYWHERE = [
    ("ftp://hooks.example.com/hook", "scheme", "https://"),
    ("javascript:alert(1)", "scheme", "https://"),
    ("file:///etc/passwd", "scheme", "https://"),
    ("gopher://hooks.example.com/", "scheme", "https://"),
    ("hooks.example.com/hook", "scheme", "https://"),
    ("//hooks.example.com/hook", "scheme", "https://"),
    ("https://" + "a" * (MAX_URL_LENGTH - 8 + 1), "length", str(MAX_URL_LENGTH)),
    ("https://user:pw@hooks.example.com/hook", "credentials", "password"),
    ("https://user@hooks.example.com/hook", "credentials", "password"),
    ("https://:pw@hooks.example.com/hook", "credentials", "password"),
    ("https://@hooks.example.com/hook", "credentials", "password"),
    ("https:///hook", "host", "no host"),
    ("https://:443/hook", "host", "no host"),
    ("https://hooks.example.com/hook#part", "fragment", "fragment"),
    ("https://hooks.example.com/hook#", "fragment", "fragment"),
    ("https://hooks.example.com:0/hook", "port", "port"),
    ("https://hooks.example.com:65536/hook", "syntax", "cannot be read"),
    ("https://hooks.example.com:https/hook", "syntax", "cannot be read"),
    ("https://[::1/hook", "syntax", "cannot be read"),
    ("https://hooks.example.com/a b", "characters", "percent-encode"),
    ("https://hooks.example.com/a\tb", "characters", "percent-encode"),
    ("https://hooks.exam\nple.com/", "characters", "percent-encode"),
    ("https://hooks.example.com/café", "characters", "percent-encode"),
    ("https://hooks_.-example.com/", "host", "not a valid host name"),
    ("https://-hooks.example.com/", "host", "not a valid host name"),
    ("https://hooks..example.com/", "host", "not a valid host name"),
    ("https://" + "a" * 64 + ".example.com/", "host", "not a valid host name"),
    ("https://hooks!.example.com/", "host", "not a valid host name"),
    # What IPv4 parsers read as 127.0.0.1 but is not written as an address: refused, not resolved.
    ("https://127.1/hook", "host", "four decimal numbers"),
    ("https://2130706433/hook", "host", "four decimal numbers"),
    ("https://0x7f.0.0.1/hook", "host", "four decimal numbers"),
    ("https://0177.0.0.1/hook", "host", "four decimal numbers"),
    ("https://1.2.3.4.5/hook", "host", "four decimal numbers"),
    ("https://127\u30020\u30020\u30021/hook", "host", "four decimal numbers"),  # ideographic full stops
    ("https://%31%32%37.0.0.1/hook", "host", "not a valid host name"),
    ("https://hooks.example.com\\@evil.example/hook", "credentials", "password"),
]


@pytest.mark.parametrize("allow_local", [False, True])
@pytest.mark.parametrize(("url", "reason", "phrase"), INVALID_ANYWHERE)
def test_an_invalid_url_is_refused_with_its_reason(
    url: str, reason: str, phrase: str, allow_local: bool
) -> None:
    with pytest.raises(InvalidWebhookException) as refused:
        check_url(url, allow_local=allow_local)

    assert refused.value.details == {"field": "url", "reason": reason}
    assert phrase in refused.value.message


def test_the_error_is_a_422_validation_error_that_does_not_repeat_credentials() -> None:
    with pytest.raises(ValidationException) as refused:
        check_url("https://admin:hunter2@hooks.example.com/hook", allow_local=False)

    assert isinstance(refused.value, InvalidWebhookException)
    assert (refused.value.error_code, refused.value.status_code) == ("INVALID_WEBHOOK", 422)
    assert "hunter2" not in str(refused.value.to_dict())


#: Refused when deployed (for the reason named), accepted on a developer's machine (normalised so).
LOCAL_ONLY = [
    ("http://hooks.example.com/hook", "scheme", "http://hooks.example.com/hook"),
    ("http://localhost:8000/hook", "scheme", "http://localhost:8000/hook"),
    ("https://localhost/hook", "refused_address", "https://localhost/hook"),
    ("https://LOCALHOST./hook", "refused_address", "https://localhost/hook"),
    ("https://api.localhost/hook", "refused_address", "https://api.localhost/hook"),
    (
        "https://\uff4c\uff4f\uff43\uff41\uff4c\uff48\uff4f\uff53\uff54/",
        "refused_address",
        "https://localhost/",
    ),
    ("https://[::ffff:127.0.0.1]/hook", "refused_address", "https://[::ffff:127.0.0.1]/hook"),
    ("https://10.1.2.3/hook", "refused_address", "https://10.1.2.3/hook"),
    ("https://[::1]:8443/hook", "refused_address", "https://[::1]:8443/hook"),
    # One label: completed by the resolver's search domains, so an internal name.
    ("https://receiver/hook", "host", "https://receiver/hook"),
]


@pytest.mark.parametrize(("url", "reason", "normalised"), LOCAL_ONLY)
def test_a_local_url_is_refused_when_deployed(url: str, reason: str, normalised: str) -> None:
    with pytest.raises(InvalidWebhookException) as refused:
        check_url(url, allow_local=False)

    assert refused.value.details["reason"] == reason


@pytest.mark.parametrize(("url", "reason", "normalised"), LOCAL_ONLY)
def test_a_local_url_is_accepted_when_local(url: str, reason: str, normalised: str) -> None:
    assert check_url(url, allow_local=True) == normalised


def test_a_refused_address_names_its_class_in_the_message() -> None:
    with pytest.raises(InvalidWebhookException) as refused:
        check_url("https://169.254.169.254/latest/meta-data/", allow_local=False)

    assert refused.value.message == (
        "The URL's host 169.254.169.254 is not a public address (link-local, instance metadata service); "
        "webhooks are only delivered to public addresses."
    )
    assert refused.value.details == {
        "field": "url",
        "reason": "refused_address",
        "address": "169.254.169.254",
        "address_class": "link-local, instance metadata service",
    }


@pytest.mark.parametrize(
    ("url", "normalised"),
    [
        ("https://hooks.example.com/hook", "https://hooks.example.com/hook"),
        ("HTTPS://Hooks.Example.COM/Hook?A=1", "https://hooks.example.com/Hook?A=1"),
        ("https://hooks.example.com", "https://hooks.example.com/"),
        ("https://hooks.example.com:443/hook", "https://hooks.example.com/hook"),
        ("https://hooks.example.com:8443/hook", "https://hooks.example.com:8443/hook"),
        ("https://hooks.example.com./hook", "https://hooks.example.com/hook"),
        ("https://hooks.example.com/hook?", "https://hooks.example.com/hook"),
        ("https://hooks.example.com/a%20b?q=%C3%A9", "https://hooks.example.com/a%20b?q=%C3%A9"),
        ("https://bücher.example/hook", "https://xn--bcher-kva.example/hook"),
        ("https://my_hooks.example.com/", "https://my_hooks.example.com/"),
        ("https://93.184.216.34/hook", "https://93.184.216.34/hook"),
        ("https://[2606:4700::1111]:8443/hook", "https://[2606:4700::1111]:8443/hook"),
        ("https://[2606:4700:0::1111]/", "https://[2606:4700::1111]/"),
    ],
)
def test_an_accepted_url_is_normalised(url: str, normalised: str) -> None:
    assert check_url(url, allow_local=False) == normalised
    assert check_url(normalised, allow_local=False) == normalised  # normalising is stable


def test_a_url_of_the_maximum_length_is_accepted() -> None:
    url = "https://hooks.example.com/" + "a" * (MAX_URL_LENGTH - len("https://hooks.example.com/"))

    assert check_url(url, allow_local=False) == url


def test_local_http_keeps_a_non_default_port_and_drops_the_default() -> None:
    assert check_url("http://localhost:80/hook", allow_local=True) == "http://localhost/hook"
    assert check_url("http://localhost:8000/hook", allow_local=True) == "http://localhost:8000/hook"
