"""Pure rules: signatures (checked with the published standardwebhooks), the SSRF policy,
what an answer means, the schedule, the feed cursor, the catalogue's scopes."""

from __future__ import annotations

import ipaddress
from datetime import UTC, datetime, timedelta

import pytest
from jiaodui_runtime.retry import Backoff, Schedule
from jiaodui_subscriptions.domain import cursor
from jiaodui_subscriptions.domain.attempts import Answer, judge, parse_retry_after
from jiaodui_subscriptions.domain.catalogue import PUBLIC_TYPES, readable, scopes_for
from jiaodui_subscriptions.domain.network import (
    NetworkPolicy,
    UrlNotAllowed,
    is_host_name,
    parse_endpoint,
)
from jiaodui_subscriptions.domain.signing import (
    new_webhook_secret,
    secret_sha256,
    sign,
    webhook_id,
)
from standardwebhooks import Webhook, WebhookVerificationError

NOW = datetime(2026, 3, 17, 9, 30, tzinfo=UTC)
SCHEDULE = Schedule((5, 300, 1800, 7200, 18000, 36000, 36000))


def test_signatures_verify_with_standardwebhooks_for_each_secret() -> None:
    old, new = new_webhook_secret(), new_webhook_secret()
    body = b'{"specversion":"1.0"}'
    ts = int(datetime.now(UTC).timestamp())
    header = sign(secrets_=[new, old], msg_id="msg_1", timestamp=ts, body=body)
    headers = {"webhook-id": "msg_1", "webhook-timestamp": str(ts), "webhook-signature": header}
    for secret in (old, new):
        Webhook(secret).verify(body, headers)
    with pytest.raises(WebhookVerificationError):
        Webhook(new_webhook_secret()).verify(body, headers)
    with pytest.raises(WebhookVerificationError):
        Webhook(new).verify(body + b" ", headers)


def test_webhook_ids_are_stable_per_subscriber_and_event() -> None:
    assert webhook_id("s1", "e1") == webhook_id("s1", "e1")
    assert len({webhook_id("s1", "e1"), webhook_id("s2", "e1"), webhook_id("s1", "e2")}) == 3
    assert len(secret_sha256("x")) == 64


POLICY = NetworkPolicy.of(["10.0.0.0/8", "0.0.0.0/0", "::/0"], allow_loopback=False)


@pytest.mark.parametrize(
    ("address", "refusal"),
    [
        ("169.254.169.254", "address_refused"),
        ("::ffff:169.254.169.254", "address_refused"),
        ("100.100.100.200", "address_refused"),
        ("fe80::1", "address_refused"),
        ("0.0.0.0", "address_refused"),  # noqa: S104 - refused, not bound
        ("224.0.0.1", "address_refused"),
        ("127.0.0.1", "loopback_refused"),
        ("::1", "loopback_refused"),
        ("10.1.2.3", None),
        ("202.112.0.1", None),
    ],
)
def test_the_network_policy(address: str, refusal: str | None) -> None:
    assert POLICY.refusal(ipaddress.ip_address(address)) == refusal


def test_loopback_in_development_and_campus_only_networks() -> None:
    dev = NetworkPolicy.of(["10.0.0.0/8"], allow_loopback=True)
    assert dev.refusal(ipaddress.ip_address("127.0.0.1")) is None
    assert dev.refusal(ipaddress.ip_address("8.8.8.8")) == "network_not_allowed"
    assert dev.refusal(ipaddress.ip_address("2001:db8::1")) == "network_not_allowed"


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("ftp://h/x", "scheme_not_allowed"),
        ("http://u:p@h/x", "credentials_in_url"),
        ("http:///x", "url_invalid"),
        ("http://h:99999/x", "url_invalid"),
        ("http://-bad-.example/x", "url_invalid"),
        ("http://a..b/x", "url_invalid"),
        ("http://" + "a" * 64 + ".example/x", "url_invalid"),
        ("http://" + "a." * 127 + "cn/x", "url_invalid"),
        ("http://hostile\x00marker/x", "url_invalid"),
        ("http://2130706433/x", "url_invalid"),  # 127.0.0.1 to inet_aton, not to us
        ("http://0x7f.1/x", "url_invalid"),
        ("http://1.2.3/x", "url_invalid"),
    ],
)
def test_endpoint_urls(url: str, reason: str) -> None:
    with pytest.raises(UrlNotAllowed) as refused:
        parse_endpoint(url)
    assert refused.value.reason == reason
    assert parse_endpoint("https://print.example.edu.cn/hook").port == 443


@pytest.mark.parametrize(
    "host",
    ["print.example.edu.cn", "localhost", "xn--fiqs8s.cn", "中国.cn", "host_1.campus", "a.b."],
)
def test_host_names_that_may_be_looked_up(host: str) -> None:
    assert is_host_name(host)
    assert parse_endpoint(f"http://{host}/hook").host == host


def test_answers_and_the_schedule() -> None:
    def verdict(status: int | None, attempts: int = 1, retry_after: str | None = None) -> object:
        answer = Answer(status, retry_after=retry_after)
        v = judge(answer, attempts=attempts, policy=SCHEDULE, now=NOW, retry_after_max_s=36000)
        return (v.kind, v.delay_s)

    assert verdict(200) == ("delivered", 0.0) and verdict(299) == ("delivered", 0.0)
    assert verdict(410) == ("gone", 0.0)
    assert [verdict(500, n)[1] for n in range(1, 8)] == [5, 300, 1800, 7200, 18000, 36000, 36000]
    assert verdict(500, 8) == ("failed", 0.0)
    assert verdict(None, 1) == ("retry", 5.0)  # timeout or refused connection
    assert verdict(302) == ("retry", 5.0)  # redirects are not followed
    assert verdict(429, 1, "120") == ("retry", 120.0)
    assert verdict(503, 1, "999999") == ("retry", 36000.0)  # capped
    assert verdict(500, 1, "120") == ("retry", 5.0)  # only 429 and 503 say when


def test_retry_after_as_a_date_and_nonsense() -> None:
    later = (NOW + timedelta(seconds=90)).strftime("%a, %d %b %Y %H:%M:%S GMT")
    assert parse_retry_after(later, NOW) == 90
    assert parse_retry_after("soon", NOW) is None
    assert parse_retry_after(None, NOW) is None


def test_the_runtime_backoff_still_doubles() -> None:
    policy = Backoff(max_attempts=3, base_delay_s=1, max_delay_s=3)
    assert [policy.delay_after(n) for n in (1, 2, 3)] == [1, 2, 3]
    assert policy.gives_up_after(3) and not policy.gives_up_after(2)


def test_cursors_round_trip_and_refuse_forgeries() -> None:
    assert cursor.decode(cursor.encode(12345)) == 12345
    assert cursor.decode(None) == 0
    for bad in ("not-a-cursor", "AAAA", cursor.encode(1)[:-2] + "!!"):
        with pytest.raises(cursor.InvalidCursor):
            cursor.decode(bad)


def test_scopes_per_event_family() -> None:
    types = ["jiaodui.photos.PhotoConfirmed.v1", "jiaodui.records.RecordCorrected.v1"]
    assert scopes_for(types) == ["events:photos", "events:records"]
    assert readable(types, ["events:photos"]) == ["jiaodui.photos.PhotoConfirmed.v1"]
    assert all(not model.PRIVATE for model in PUBLIC_TYPES.values())
    assert "jiaodui.notify.SendSmsCode.v1" not in PUBLIC_TYPES
