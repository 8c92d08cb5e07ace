"""Properties of the zone judgements against simple reference implementations."""

from __future__ import annotations

import random

from hypothesis import given, settings
from hypothesis import strategies as st

from plcheck.checks import az_id_mapping, nlb_az_coverage
from plcheck.checks.endpoint_az_coverage import subnets_to_use
from plcheck.facts.consumer import ServiceDetail
from plcheck.facts.network import Subnet
from plcheck.facts.provider import LbZone, LoadBalancer, ServiceConfig
from plcheck.facts.zones import AccountZones, Zone
from plcheck.model import Status

REGIONS = ("us-east-1", "eu-west-1")
NAMES = tuple(f"{c}" for c in "abcdef")
ZONE_IDS = tuple(f"use1-az{i}" for i in range(1, 7))


@st.composite
def accounts(draw: st.DrawFn) -> list[AccountZones]:
    """Accounts with a random zone name -> zone ID mapping per region (a partial permutation)."""
    out = []
    ids = draw(st.lists(st.integers(100000000000, 100000000020), min_size=1, max_size=5))
    for number in dict.fromkeys(ids):
        region = draw(st.sampled_from(REGIONS))
        count = draw(st.integers(1, len(NAMES)))
        seed = draw(st.integers(0, 10_000))
        shuffled = list(ZONE_IDS)
        random.Random(seed).shuffle(shuffled)
        prefix = region[:2]
        zones = tuple(
            Zone(name=f"{region}{n}", zone_id=f"{prefix}{z.removeprefix('use1')}")
            for n, z in zip(NAMES[:count], shuffled, strict=False)
        )
        out.append(AccountZones(f"p{number}", str(number), region, zones))
    return out


def reference_mismatches(all_accounts: list[AccountZones]) -> set[tuple[str, str]]:
    """(region, zone name) pairs whose IDs differ between the accounts that have the name."""
    seen: dict[tuple[str, str], set[str]] = {}
    for account in all_accounts:
        for zone in account.zones:
            seen.setdefault((account.region, zone.name), set()).add(zone.zone_id)
    return {key for key, ids in seen.items() if len(ids) > 1}


@settings(max_examples=200, deadline=None)
@given(accounts())
def test_az_id_mapping_warns_exactly_where_a_name_means_different_zones(
    all_accounts: list[AccountZones],
) -> None:
    findings = az_id_mapping.evaluate(all_accounts)
    warned = {(f.region, f.resource) for f in findings if f.status is Status.WARN}
    assert warned == reference_mismatches(all_accounts)
    assert {f.status for f in findings} <= {Status.WARN, Status.PASS}
    for region in {a.region for a in all_accounts}:
        passes = [f for f in findings if f.region == region and f.status is Status.PASS]
        mismatched = any(r == region for r, _ in warned)
        assert len(passes) == (0 if mismatched else 1)
    for finding in findings:
        if finding.status is Status.WARN:
            # The message names every account's zone ID for the name.
            for account, zone_id in finding.details["zone_ids"].items():
                assert zone_id in finding.message
                assert account in finding.message


@st.composite
def vpc_subnets(draw: st.DrawFn) -> list[Subnet]:
    count = draw(st.integers(0, 8))
    return [
        Subnet(
            subnet_id=f"subnet-{i:08x}",
            vpc_id="vpc-1",
            zone_name=f"us-east-1{draw(st.sampled_from(NAMES))}",
            zone_id=draw(st.sampled_from(ZONE_IDS)),
            cidr=f"10.0.{i}.0/24",
            available_ips=draw(st.integers(0, 250)),
        )
        for i in range(count)
    ]


@settings(max_examples=200, deadline=None)
@given(
    vpc_subnets(),
    st.frozensets(st.sampled_from(ZONE_IDS), max_size=6),
    st.data(),
)
def test_subnets_to_use_picks_one_subnet_per_served_zone(
    subnets: list[Subnet], served: frozenset[str], data: st.DataObject
) -> None:
    preferred = data.draw(st.lists(st.sampled_from([s.subnet_id for s in subnets] or ["x"])))
    zones = AccountZones(
        "c",
        "2",
        "us-east-1",
        tuple(Zone(f"us-east-1{n}", z) for n, z in zip(NAMES, ZONE_IDS, strict=True)),
    )
    service = ServiceDetail(service_name="svc", zone_ids=served)
    choices = subnets_to_use(service, subnets, zones, preferred=preferred)
    assert [c.zone_id for c in choices] == sorted(served, key=lambda z: int(z.rpartition("-az")[2]))
    for choice in choices:
        here = [s for s in subnets if s.zone_id == choice.zone_id]
        assert choice.zone_name == zones.id_to_name[choice.zone_id]
        if not here:
            assert choice.subnet is None
            continue
        assert choice.subnet in here
        wanted = [s for s in here if s.subnet_id in preferred]
        pool = wanted or here
        # A preferred subnet wins; otherwise (and among preferred) the most free addresses.
        assert choice.subnet in pool
        assert choice.subnet.available_ips == max(s.available_ips for s in pool)


@st.composite
def provider_layout(
    draw: st.DrawFn,
) -> tuple[AccountZones, list[LoadBalancer], dict[str, Subnet]]:
    """A provider's zones (a shuffled name -> ID map) and load balancers in some of them."""
    seed = draw(st.integers(0, 10_000))
    shuffled = list(ZONE_IDS)
    random.Random(seed).shuffle(shuffled)
    count = draw(st.integers(1, len(NAMES)))
    zones = AccountZones(
        "provider",
        "111111111111",
        "us-east-1",
        tuple(Zone(f"us-east-1{n}", z) for n, z in zip(NAMES[:count], shuffled, strict=False)),
    )
    subnets = {
        f"subnet-{i}": Subnet(f"subnet-{i}", "vpc-1", z.name, z.zone_id, f"10.0.{i}.0/24")
        for i, z in enumerate(zones.zones)
    }
    balancers = []
    for b in range(draw(st.integers(1, 3))):
        chosen = draw(st.lists(st.sampled_from(sorted(subnets)), max_size=count, unique=True))
        balancers.append(
            LoadBalancer(
                arn=f"arn:lb/{b}",
                name=f"nlb-{b}",
                lb_type="network",
                vpc_id="vpc-1",
                state="active",
                zones=tuple(LbZone(subnets[s].zone_name, s) for s in chosen),
            )
        )
    return zones, balancers, subnets


@settings(max_examples=200, deadline=None)
@given(provider_layout())
def test_nlb_az_coverage_warns_exactly_for_the_zones_no_balancer_has(
    layout: tuple[AccountZones, list[LoadBalancer], dict[str, Subnet]],
) -> None:
    zones, balancers, subnets = layout
    service = ServiceConfig(
        "vpce-svc-1",
        "com.amazonaws.vpce.us-east-1.vpce-svc-1",
        "us-east-1",
        "Available",
        False,
        tuple(b.arn for b in balancers),
    )
    [finding] = nlb_az_coverage.evaluate(service, balancers, subnets, zones)
    # Reference: every zone ID of the region minus those of any balancer's subnets.
    covered = {subnets[z.subnet_id].zone_id for b in balancers for z in b.zones}
    missing = {z.zone_id for z in zones.zones} - covered
    assert finding.status is (Status.WARN if missing else Status.PASS)
    assert set(finding.details["missing_zone_ids"]) == missing
    for zone_id in missing:
        assert zone_id in finding.message
        assert zones.id_to_name[zone_id] in finding.message
