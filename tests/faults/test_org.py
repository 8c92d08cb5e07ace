"""``plcheck az-map --org``: every ACTIVE account of the organization, entered through a role."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from plcheck.aws.org import DEFAULT_ORG_ROLE
from plcheck.runs.az_map import ORG_ROLE
from plcheck.sim.faults import FaultInjector
from tests.faults.conftest import Served, plcheck

MANAGEMENT = "333333333333"


@dataclass(frozen=True)
class Org:
    """The organization built in the served world."""

    members: dict[str, str]
    """Account ID -> name of the ACTIVE member accounts."""
    closed: str
    """A member account that was closed (not ACTIVE)."""


@pytest.fixture(scope="module")
def org(served: Served) -> Org:
    served.world.add_profile("management", MANAGEMENT)
    client = served.world.admin_client(MANAGEMENT, "organizations")
    client.create_organization(FeatureSet="ALL")
    members = {}
    for i in range(4):
        status = client.create_account(AccountName=f"team-{i}", Email=f"team-{i}@example.com")
        members[str(status["CreateAccountStatus"]["AccountId"])] = f"team-{i}"
    closed = next(iter(members))
    client.close_account(AccountId=closed)
    del members[closed]
    return Org(members, closed)


def test_the_default_role_is_the_one_organizations_creates() -> None:
    assert ORG_ROLE == DEFAULT_ORG_ROLE == "OrganizationAccountAccessRole"


def test_every_active_account_is_mapped_through_the_org_role(
    org: Org, faults: FaultInjector, capsys: pytest.CaptureFixture[str]
) -> None:
    result = plcheck(capsys, "az-map", "--org", "--profile", "management")
    assert not result.errors()
    mapped = {a for f in result.findings for a in f["account"].split(",") if a}
    assert mapped == {MANAGEMENT, *org.members}
    assert org.closed not in mapped
    roles = [c.params["RoleArn"] for c in faults.calls if c.action == "sts:AssumeRole"]
    for account in org.members:
        assert f"arn:aws:iam::{account}:role/OrganizationAccountAccessRole" in roles
    # The management account is read directly: its own profile role, no org role.
    assert not any(f":{MANAGEMENT}:role/OrganizationAccountAccessRole" in r for r in roles)
    assert faults.count("organizations:ListAccounts") == 1
    # One role assumption per account (plus the management profile's own), not two.
    assert faults.count("sts:AssumeRole") == len(org.members) + 1
    heads = result.report["views"][0]["columns"]
    assert any(h.startswith("team-") for h in heads)


def test_an_account_that_cannot_be_entered_is_an_error_and_the_rest_are_mapped(
    org: Org, faults: FaultInjector, capsys: pytest.CaptureFixture[str]
) -> None:
    locked = sorted(org.members)[0]
    faults.deny_assume_role(locked)
    result = plcheck(capsys, "az-map", "--org", "--profile", "management", "--org-role", "Audit")
    errors = result.errors()
    assert len(errors) == 1
    assert errors[0]["account"] == locked
    assert errors[0]["resource"] == org.members[locked]
    assert errors[0]["details"]["action"] == "sts:AssumeRole"
    assert "sts:AssumeRole" in errors[0]["message"]
    mapped = {a for f in result.findings if f["status"] != "error" for a in f["account"].split(",")}
    assert mapped == {MANAGEMENT, *org.members} - {locked}
    assert result.code == 3
    assert any(":role/Audit" in str(c.params.get("RoleArn")) for c in faults.calls)


def test_an_account_that_cannot_list_the_organization_is_one_error(
    org: Org, faults: FaultInjector, capsys: pytest.CaptureFixture[str]
) -> None:
    faults.deny("organizations:ListAccounts")
    result = plcheck(capsys, "az-map", "--org", "--profile", "management")
    assert result.code == 3
    assert [f["details"]["action"] for f in result.errors()] == ["organizations:ListAccounts"]
    assert faults.count("ec2:DescribeAvailabilityZones") == 0


def test_a_listing_that_fails_part_way_still_reports_the_accounts_already_listed(
    org: Org,
    faults: FaultInjector,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from plcheck.aws import org as org_module

    # Two accounts a page, and every page after the first refused: the first page's
    # accounts were already being read when the second page was asked for.
    monkeypatch.setattr(org_module, "PAGE_SIZE", 2)
    faults.deny("organizations:ListAccounts", when=lambda r: "NextToken" in r.params)
    result = plcheck(capsys, "az-map", "--org", "--profile", "management")
    assert result.code == 3
    assert [f["details"]["action"] for f in result.errors()] == ["organizations:ListAccounts"]
    assert faults.count("organizations:ListAccounts") == 2
    mapped = {a for f in result.findings for a in f["account"].split(",") if a}
    assert mapped
    assert mapped < {MANAGEMENT, *org.members}
    assert faults.count("ec2:DescribeAvailabilityZones") == len(mapped)


def test_bounded_concurrency_still_maps_every_account(
    org: Org, faults: FaultInjector, capsys: pytest.CaptureFixture[str]
) -> None:
    result = plcheck(capsys, "az-map", "--org", "--profile", "management", "--max-workers", "1")
    assert not result.errors()
    assert faults.count("ec2:DescribeAvailabilityZones") == len(org.members) + 1


@pytest.mark.parametrize(
    "args",
    [
        ["az-map", "--org", "--profile", "management", "--role-arn", "arn:aws:iam::1:role/x"],
        ["az-map", "--org", "--profile", "management", "--profile", "consumer"],
        ["az-map", "--profile", "management", "--max-workers", "0"],
    ],
)
def test_contradictory_org_options_are_usage_errors(
    org: Org, faults: FaultInjector, capsys: pytest.CaptureFixture[str], args: list[str]
) -> None:
    assert plcheck(capsys, *args).code == 2
    assert faults.count() == 0


def test_the_progress_bar_counts_accounts_on_stderr(capsys: pytest.CaptureFixture[str]) -> None:
    from plcheck.commands.az_map import _progress_bar

    with _progress_bar(enabled=True) as (count, advance):
        count(2)
        advance(None)  # type: ignore[arg-type]
        advance(None)  # type: ignore[arg-type]
    out, _ = capsys.readouterr()
    assert out == ""  # never on stdout, where the report goes
    with _progress_bar(enabled=False) as (count, advance):
        count(2)
        advance(None)  # type: ignore[arg-type]
