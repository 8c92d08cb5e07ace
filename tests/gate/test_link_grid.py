"""runs/check.link_grid and the admission bookkeeping of a join, on test_joins' facts."""

from __future__ import annotations

from dataclasses import replace

from plcheck.facts.outcome import Outcome
from plcheck.gate.topology import Account, Consumer, Link
from plcheck.runs.check import _admission_judged, link_grid
from tests.gate.test_joins import (
    CONSUMER,
    DENIED,
    ROLE,
    consumer,
    endpoint,
    healthy,
    link,
    provider,
    target_group,
)


def rows(view_rows: tuple[tuple[str, ...], ...]) -> dict[str, tuple[str, ...]]:
    return {r[0]: r for r in view_rows}


def test_a_planned_link_names_each_zone_in_both_accounts_with_its_planned_subnets() -> None:
    view = link_grid(link())
    assert view is not None
    assert view.title == "Zones by AZ ID: link svc, vpc-0aaaaaaaaaaaaaaaa"
    assert view.columns[1:3] == ("provider (111111111111)", "consumer (222222222222)")
    assert "Planned subnets" in view.columns
    grid = rows(view.rows)
    # The provider's us-east-1a is the consumer's us-east-1b: one row, use1-az1.
    assert grid["use1-az1"][:7] == (
        "use1-az1",
        "us-east-1a",
        "us-east-1b",
        "subnet-p1",
        "1",
        "subnet-b",
        "subnet-b",
    )
    assert grid["use1-az4"][1] == "—"  # only the consumer has it
    assert not view.highlight


def test_an_endpoint_where_the_load_balancer_is_not_is_highlighted() -> None:
    facts = link(consumer_facts=consumer(endpoints=(endpoint(subnet_ids=("subnet-a",)),)))
    view = link_grid(facts)
    assert view is not None
    assert "Endpoint subnets" in view.columns
    grid = rows(view.rows)
    assert grid["use1-az4"][6] == "subnet-a"
    assert grid["use1-az4"][-1].startswith("✗")
    assert {view.rows[i][0] for i in view.highlight} == {"use1-az4"}


def test_healthy_targets_are_counted_per_zone_id() -> None:
    group = target_group(healthy("us-east-1a"), healthy("us-east-1a"), healthy("us-east-1b", "x"))
    view = link_grid(link(provider(group=group)))
    assert view is not None
    grid = rows(view.rows)
    assert (grid["use1-az1"][4], grid["use1-az2"][4]) == ("2", "0")


def test_no_grid_without_the_service_or_a_side_s_zones() -> None:
    assert link_grid(link(service=None)) is None
    unread = replace(provider(), zones=Outcome(error=DENIED))
    assert link_grid(link(unread)) is None
    assert link_grid(link(consumer_facts=replace(consumer(), zones=Outcome(error=DENIED)))) is None


SERVICE = "com.amazonaws.vpce.us-east-1.vpce-svc-0123456789abcdef0"


def test_admission_is_judged_by_the_provider_side_for_the_pairs_it_is_given() -> None:
    plain = Consumer(account=Account(), vpc="vpc-1")
    declared = Consumer(account=Account(), vpc="vpc-2", principal=ROLE)
    both = Link(name="svc", service=SERVICE, provider=None, consumers=(plain, declared))
    # A declared principal is judged exactly; its account then is not judged as a whole.
    assert _admission_judged(both, declared, CONSUMER)
    assert not _admission_judged(both, plain, CONSUMER)
    alone = Link(name="svc", service=SERVICE, provider=None, consumers=(plain,))
    assert _admission_judged(alone, plain, CONSUMER)
    assert not _admission_judged(alone, plain, "")  # an unknown account is not judged
