"""Gather security groups and network ACLs: one call each, however many resources."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from plcheck.aws.context import AwsContext, Scope
from plcheck.aws.filters import paginate_filtered
from plcheck.facts.network import NaclEntry, NetworkAcl, SecurityGroup, SgRule, Subnet


def security_groups(ctx: AwsContext, scope: Scope, group_ids: Iterable[str]) -> list[SecurityGroup]:
    """The given security groups with their rules, in one paginated call per 200 VPCs."""
    ids = sorted(set(group_ids))
    if not ids:
        return []
    response = ctx.paginate(scope, "ec2", "describe_security_groups", GroupIds=ids)
    return [_group(g) for g in response.get("SecurityGroups", [])]


def subnets_in_vpcs(ctx: AwsContext, scope: Scope, vpc_ids: Iterable[str]) -> list[Subnet]:
    """Every subnet of the given VPCs with zone name and AZ ID (a paginated call per 200 VPCs)."""
    ids = sorted(set(vpc_ids))
    if not ids:
        return []
    response = paginate_filtered(ctx, scope, "ec2", "describe_subnets", "vpc-id", ids)
    return sorted(
        (_subnet(s) for s in response.get("Subnets", [])),
        key=lambda s: (s.zone_name, s.subnet_id),
    )


def _subnet(s: Mapping[str, Any]) -> Subnet:
    """One DescribeSubnets entry as a fact (its associated IPv6 blocks included)."""
    return Subnet(
        subnet_id=s["SubnetId"],
        vpc_id=s.get("VpcId", ""),
        zone_name=s.get("AvailabilityZone", ""),
        zone_id=s.get("AvailabilityZoneId", ""),
        cidr=s.get("CidrBlock", ""),
        available_ips=int(s.get("AvailableIpAddressCount", 0)),
        name=name_tag(s.get("Tags")),
        ipv6_cidrs=tuple(
            a["Ipv6CidrBlock"]
            for a in s.get("Ipv6CidrBlockAssociationSet", [])
            if a.get("Ipv6CidrBlock")
            and (a.get("Ipv6CidrBlockState") or {}).get("State", "associated") == "associated"
        ),
    )


def name_tag(tags: list[dict[str, str]] | None) -> str:
    """The value of a resource's ``Name`` tag, or ""."""
    return next((t.get("Value", "") for t in tags or () if t.get("Key") == "Name"), "")


def security_groups_in_vpcs(
    ctx: AwsContext, scope: Scope, vpc_ids: Iterable[str]
) -> list[SecurityGroup]:
    """Every security group of the given VPCs, in one paginated call per 200 VPCs."""
    ids = sorted(set(vpc_ids))
    if not ids:
        return []
    response = paginate_filtered(ctx, scope, "ec2", "describe_security_groups", "vpc-id", ids)
    return [_group(g) for g in response.get("SecurityGroups", [])]


def network_acls_for_vpcs(
    ctx: AwsContext, scope: Scope, vpc_ids: Iterable[str]
) -> list[NetworkAcl]:
    """Every network ACL of the given VPCs, in one paginated call per 200 VPCs."""
    ids = sorted(set(vpc_ids))
    if not ids:
        return []
    response = paginate_filtered(ctx, scope, "ec2", "describe_network_acls", "vpc-id", ids)
    return [_acl(a) for a in response.get("NetworkAcls", [])]


def _rules(group_id: str, permissions: list[dict[str, Any]]) -> tuple[SgRule, ...]:
    return tuple(
        SgRule(
            group_id=group_id,
            protocol=str(p.get("IpProtocol", "-1")),
            from_port=p.get("FromPort") if p.get("IpProtocol") != "-1" else None,
            to_port=p.get("ToPort") if p.get("IpProtocol") != "-1" else None,
            cidrs=tuple(
                [r["CidrIp"] for r in p.get("IpRanges", [])]
                + [r["CidrIpv6"] for r in p.get("Ipv6Ranges", [])]
            ),
            prefix_lists=tuple(r["PrefixListId"] for r in p.get("PrefixListIds", [])),
            groups=tuple(r["GroupId"] for r in p.get("UserIdGroupPairs", []) if "GroupId" in r),
        )
        for p in permissions
    )


def _group(g: dict[str, Any]) -> SecurityGroup:
    return SecurityGroup(
        group_id=g["GroupId"],
        name=g.get("GroupName", ""),
        vpc_id=g.get("VpcId", ""),
        inbound=_rules(g["GroupId"], g.get("IpPermissions", [])),
        outbound=_rules(g["GroupId"], g.get("IpPermissionsEgress", [])),
    )


def _acl(a: dict[str, Any]) -> NetworkAcl:
    return NetworkAcl(
        acl_id=a["NetworkAclId"],
        vpc_id=a.get("VpcId", ""),
        is_default=bool(a.get("IsDefault")),
        subnet_ids=tuple(x["SubnetId"] for x in a.get("Associations", []) if "SubnetId" in x),
        entries=tuple(
            NaclEntry(
                rule_number=int(e["RuleNumber"]),
                protocol=str(e.get("Protocol", "-1")),
                allow=e.get("RuleAction") == "allow",
                egress=bool(e.get("Egress")),
                cidr=e.get("CidrBlock") or e.get("Ipv6CidrBlock") or "0.0.0.0/0",
                port_from=(e.get("PortRange") or {}).get("From"),
                port_to=(e.get("PortRange") or {}).get("To"),
            )
            for e in a.get("Entries", [])
        ),
    )


def subnets_by_id(ctx: AwsContext, scope: Scope, subnet_ids: Iterable[str]) -> list[Subnet]:
    """The given subnets with zone name and AZ ID, in one paginated call per 200 VPCs."""
    ids = sorted(set(subnet_ids))
    if not ids:
        return []
    response = ctx.paginate(scope, "ec2", "describe_subnets", SubnetIds=ids)
    return [_subnet(s) for s in response.get("Subnets", [])]
