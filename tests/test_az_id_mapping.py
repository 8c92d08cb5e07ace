"""The az-id-mapping judgement on plain data."""

from __future__ import annotations

from plcheck.checks import az_id_mapping, az_map_service_visible
from plcheck.errors import AwsCallError, AwsErrorKind
from plcheck.facts.az_map import AzMapFacts, ScopeResult
from plcheck.facts.consumer import ServiceDetail
from plcheck.facts.zones import AccountZones, Zone
from plcheck.model import Finding, Status


def zones(
    label: str, account: str, mapping: dict[str, str], region: str = "us-east-1"
) -> AccountZones:
    return AccountZones(
        label=label,
        account=account,
        region=region,
        zones=tuple(Zone(name, zone_id) for name, zone_id in sorted(mapping.items())),
    )


PROVIDER = zones("provider", "111111111111", {"us-east-1a": "use1-az1", "us-east-1b": "use1-az2"})


def test_same_mapping_passes() -> None:
    other = zones("consumer", "222222222222", {"us-east-1a": "use1-az1", "us-east-1b": "use1-az2"})
    [finding] = az_id_mapping.evaluate([PROVIDER, other])
    assert finding.status is Status.PASS
    assert "2 accounts" in finding.message


def test_single_account_passes_and_says_how_to_compare() -> None:
    [finding] = az_id_mapping.evaluate([PROVIDER])
    assert finding.status is Status.PASS
    assert "--profile" in finding.message


def test_names_on_different_ids_warn_with_both_ids() -> None:
    consumer = zones(
        "consumer",
        "222222222222",
        {"us-east-1a": "use1-az4", "us-east-1b": "use1-az2", "us-east-1c": "use1-az1"},
    )
    findings = az_id_mapping.evaluate([PROVIDER, consumer])
    assert [f.status for f in findings] == [Status.WARN]
    [warn] = findings
    assert warn.resource == "us-east-1a"
    assert "use1-az1" in warn.message
    assert "use1-az4" in warn.message
    # The fix names the consumer's own name for the provider's zone.
    assert "calls use1-az1 us-east-1c" in warn.remediation
    assert warn.details["zone_ids"] == {"111111111111": "use1-az1", "222222222222": "use1-az4"}


def test_local_zones_are_ignored() -> None:
    consumer = AccountZones(
        label="consumer",
        account="222222222222",
        region="us-east-1",
        zones=(
            Zone("us-east-1a", "use1-az1"),
            Zone("us-east-1b", "use1-az2"),
            Zone("us-east-1-bos-1a", "use1-bos1-az1", "local-zone"),
        ),
    )
    other = AccountZones(
        label="provider",
        account="111111111111",
        region="us-east-1",
        zones=(*PROVIDER.zones, Zone("us-east-1-bos-1a", "use1-bos1-az2", "local-zone")),
    )
    assert [f.status for f in az_id_mapping.evaluate([other, consumer])] == [Status.PASS]


def test_regions_are_judged_separately() -> None:
    west = zones("provider", "111111111111", {"us-west-2a": "usw2-az1"}, region="us-west-2")
    west2 = zones("consumer", "222222222222", {"us-west-2a": "usw2-az2"}, region="us-west-2")
    findings = az_id_mapping.evaluate([PROVIDER, west, west2])
    assert {(f.region, f.status) for f in findings} == {
        ("us-east-1", Status.PASS),
        ("us-west-2", Status.WARN),
    }


# -- az-map-service-visible: the --service of az-map ---------------------------------

SERVICE = "com.amazonaws.vpce.us-east-1.vpce-svc-0123456789abcdef0"
CONSUMER = zones("consumer", "222222222222", {"us-east-1a": "use1-az2"})


def result(account: AccountZones, sees: bool) -> ScopeResult:
    detail = ServiceDetail(SERVICE, zone_ids=frozenset({"use1-az1"})) if sees else None
    return ScopeResult(account.label, account.region, account, detail, None)


def visibility(*results: ScopeResult, service: str | None = SERVICE) -> list[Finding]:
    return az_map_service_visible.judge(AzMapFacts(tuple(results), service))


def test_a_service_every_account_sees_passes_with_its_zones() -> None:
    [finding] = visibility(result(PROVIDER, True), result(CONSUMER, True))
    assert finding.status is Status.PASS
    assert "use1-az1" in finding.message


def test_a_service_no_account_sees_fails_naming_them() -> None:
    [finding] = visibility(result(PROVIDER, False), result(CONSUMER, False))
    assert finding.status is Status.FAIL
    assert finding.resource == SERVICE
    assert "111111111111" in finding.message
    assert "222222222222" in finding.message
    assert "arn:aws:iam::222222222222:root" in finding.remediation


def test_a_service_some_accounts_do_not_see_warns_naming_those() -> None:
    [finding] = visibility(result(PROVIDER, True), result(CONSUMER, False))
    assert finding.status is Status.WARN
    assert finding.details["not_visible_to"] == ["222222222222 (consumer, us-east-1)"]


def test_without_service_or_readable_accounts_nothing_is_judged() -> None:
    assert visibility(result(PROVIDER, True), service=None) == []
    unreadable = ScopeResult(
        "x",
        "us-east-1",
        None,
        None,
        AwsCallError(
            AwsErrorKind.ACCESS_DENIED, "ec2:DescribeAvailabilityZones", "AccessDenied", "no"
        ),
    )
    assert visibility(unreadable) == []


def test_the_explanation_says_which_regions_and_accounts_map_names_per_account() -> None:
    from plcheck.checks import catalog

    why = catalog()["az-id-mapping"].why
    assert "before November 2012" in why
    assert "before November 2025" in why
    assert "Newer Regions, and accounts created since, map names the same way" in why


DENIED = AwsCallError(
    AwsErrorKind.ACCESS_DENIED, "ec2:DescribeVpcEndpointServices", "AccessDenied", "no"
)


def unread(account: AccountZones) -> ScopeResult:
    return ScopeResult(account.label, account.region, account, None, None, service_error=DENIED)


def test_a_failed_service_lookup_is_this_checks_error_for_that_account() -> None:
    passed, error = visibility(result(PROVIDER, True), unread(CONSUMER))
    assert passed.status is Status.PASS
    assert "lookup failed in 222222222222" in passed.message
    assert error.status is Status.ERROR
    assert error.account == "222222222222"
    assert "DescribeVpcEndpointServices" in error.message
    [only] = visibility(unread(CONSUMER))
    assert only.status is Status.ERROR


def test_no_account_seeing_it_only_warns_when_another_lookup_failed() -> None:
    # The unread account may see it: "no endpoint can be made" is no longer certain.
    blind, error = visibility(result(PROVIDER, False), unread(CONSUMER))
    assert blind.status is Status.WARN
    assert error.status is Status.ERROR
