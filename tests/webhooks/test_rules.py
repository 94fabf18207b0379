"""The pure webhook rules: which addresses may receive, the secret's form, and the retry schedule."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import pytest

from webhooks import rules

OWN = frozenset({("dispatch.example.com", 443), ("127.0.0.1", 5000)})


@pytest.mark.parametrize(
    "url, code",
    [
        ("https://crm.example.com/hooks", None),
        ("http://10.0.3.7:8080/hooks", None),  # an intranet CRM is a fine receiver
        ("ftp://crm.example.com/", "scheme"),
        ("https:///nohost", "host"),
        ("https://crm.example.com:99999/", "port"),
        ("https://dispatch.example.com/api/v1", "own_host"),
        ("https://DISPATCH.example.com:443/", "own_host"),
        ("http://localhost:5000/", "own_host"),  # the same server by another loopback name
        ("http://[::1]:5000/", "own_host"),
        ("http://127.0.0.1:5001/", "loopback"),
        ("http://app.localhost:8000/", "loopback"),
        ("http://169.254.169.254/", "link_local"),
    ],
)
def test_receiver_addresses(url, code):
    problem = rules.url_problem(url, own_hosts=OWN, allow_loopback=False)
    assert (problem.code if problem else None) == code


def test_allowing_loopback_lets_local_receivers_in_but_never_the_app_itself():
    assert rules.url_problem("http://127.0.0.1:5001/", own_hosts=OWN, allow_loopback=True) is None
    assert rules.url_problem("http://localhost:5000/", own_hosts=OWN, allow_loopback=True).code == "own_host"


def test_a_host_header_without_a_port_means_the_schemes_port():
    assert rules.host_and_port("dispatch.example.com", scheme="https") == ("dispatch.example.com", 443)
    assert rules.host_and_port("localhost:5000") == ("localhost", 5000)


def test_secrets_are_standard_webhooks_secrets_and_never_repeat():
    from standardwebhooks.webhooks import Webhook

    first, second = rules.new_secret(), rules.new_secret()
    assert first.startswith("whsec_") and first != second
    Webhook(first)  # the receiver's library accepts it


def test_the_retry_delay_doubles_up_to_the_cap_with_at_most_half_of_it_random():
    rng = random.Random(7)
    for attempts, base_s in [(1, 30), (2, 60), (3, 120), (6, 960), (20, rules.RETRY_CAP_S)]:
        delays = [rules.retry_delay(attempts, rng=rng).total_seconds() for _ in range(200)]
        assert base_s / 2 <= min(delays) and max(delays) <= base_s
        assert len(set(delays)) > 100  # jittered, so receivers are not hit in step


def test_retries_end_only_after_a_whole_day():
    first = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)
    assert not rules.gives_up(first, first + timedelta(hours=23, minutes=59))
    assert rules.gives_up(first, first + timedelta(hours=24))
