"""Ignores: which findings they cover, skip with the reason, and expiry."""

from __future__ import annotations

import datetime as dt
from dataclasses import fields, replace

from plcheck.checks import framework
from plcheck.gate.ignores import apply, facts, matches
from plcheck.gate.topology import Ignore
from plcheck.model import Finding, Location, Status

TODAY = dt.date(2026, 6, 1)
SERVICE = "com.amazonaws.vpce.us-east-1.vpce-svc-0123456789abcdef0"


def finding(check: str, resource: str, status: Status = Status.FAIL, link: str = "a") -> Finding:
    return Finding(
        check=check,
        status=status,
        resource=resource,
        message="broken",
        remediation="fix it",
        details={"link": link, "x": 1},
    )


def test_matches_by_check_resource_and_link() -> None:
    ignore = Ignore(check="nlb-az-coverage", reason="r", resource="vpce-svc-0123456789abcdef0")
    assert matches(ignore, finding("nlb-az-coverage", "vpce-svc-0123456789abcdef0"))
    assert matches(ignore, finding("nlb-az-coverage", SERVICE))  # the service name ends with it
    assert not matches(ignore, finding("nlb-listeners", "vpce-svc-0123456789abcdef0"))
    assert not matches(ignore, finding("nlb-az-coverage", "vpce-svc-0123456789abcdef1"))
    arn = "arn:aws:elasticloadbalancing:us-east-1:111111111111:loadbalancer/net/burrito-nlb/abc"
    assert matches(
        Ignore("nlb-listeners", "r", resource="burrito-nlb"), finding("nlb-listeners", arn)
    )
    assert matches(
        Ignore("probe-tls", "r", resource="h.example"), finding("probe-tls", "h.example@10.0.0.1")
    )
    in_link = Ignore("service-state", "r", link="b")
    assert not matches(in_link, finding("service-state", "x", link="a"))
    assert matches(in_link, finding("service-state", "x", link="b"))


def test_ignored_findings_stay_as_skip_with_the_reason() -> None:
    ignore = Ignore("nlb-az-coverage", "two zones by design", until=dt.date(2027, 3, 1), line=12)
    found = [
        finding("nlb-az-coverage", "vpce-svc-0123456789abcdef0"),
        finding("nlb-az-coverage", "vpce-svc-0123456789abcdef1", Status.PASS),
        finding("service-state", "vpce-svc-0123456789abcdef0"),
    ]
    skipped, passed, other = apply(found, [ignore], source="plcheck.toml", today=TODAY)
    assert skipped.status is Status.SKIP
    assert skipped.message == "ignored until 2027-03-01 (two zones by design): broken"
    assert skipped.remediation == ""
    assert skipped.details["original_status"] == "fail"
    assert skipped.details["ignored"]["config"] == "plcheck.toml:12"
    assert skipped.details["ignored"]["original_remediation"] == "fix it"
    assert skipped.details["x"] == 1
    assert passed.status is Status.PASS  # passes are not turned into skips
    assert other.status is Status.FAIL


def test_an_expired_ignore_stops_applying_and_warns() -> None:
    ignore = Ignore("nlb-az-coverage", "until the third zone", until=dt.date(2026, 5, 31), line=7)
    (kept,) = apply(
        [finding("nlb-az-coverage", "vpce-svc-0123456789abcdef0")],
        [ignore],
        source="plcheck.toml",
        today=TODAY,
    )
    assert kept.status is Status.FAIL
    (warning,) = framework.judge(
        "check", "ignores", facts([ignore], source="plcheck.toml", today=TODAY)
    )
    assert warning.check == "config-ignore-expired"
    assert warning.status is Status.WARN
    assert warning.resource == "plcheck.toml:7"
    assert "expired on 2026-05-31" in warning.message
    assert warning.details["until"] == "2026-05-31"
    # On its last day it still applies.
    (still,) = apply(
        [finding("nlb-az-coverage", "vpce-svc-0123456789abcdef0")],
        [ignore],
        source="plcheck.toml",
        today=dt.date(2026, 5, 31),
    )
    assert still.status is Status.SKIP
    (fine,) = framework.judge(
        "check", "ignores", facts([ignore], source="plcheck.toml", today=dt.date(2026, 5, 31))
    )
    assert fine.status is Status.PASS
    assert "none of the 1 ignores" in fine.message


def test_no_ignores_is_a_pass_that_says_so() -> None:
    (found,) = framework.judge("check", "ignores", facts([], source="plcheck.toml", today=TODAY))
    assert found.status is Status.PASS
    assert found.message == "plcheck.toml has no ignores"


def test_an_ignored_finding_keeps_every_field_it_does_not_change() -> None:
    where = Location("plcheck.toml", 7)
    kept = replace(finding("service-state", "x"), account="1", region="r", location=where)
    (skipped,) = apply([kept], [Ignore("service-state", "r")], source="p", today=TODAY)
    changed = {"status", "message", "remediation", "details", "suppressed_reason"}
    for name in {f.name for f in fields(Finding)} - changed:
        assert getattr(skipped, name) == getattr(kept, name), name
    assert skipped.suppressed_reason == "r"
    assert skipped.details["ignored"]["original_status"] == "fail"
