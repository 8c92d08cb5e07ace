"""Gather a consumer VPC, its interface endpoints and their services.

Every gatherer makes one call (or one paginated call) however many endpoints,
subnets or services there are; the command runs them concurrently.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from plcheck.aws.context import AwsContext, Scope
from plcheck.aws.filters import paginate_filtered
from plcheck.errors import AwsCallError, AwsErrorKind
from plcheck.facts.consumer import (
    AMAZON_PROVIDED_DNS,
    DhcpOptions,
    HostedZone,
    ResolverRule,
    ServiceDetail,
    Vpc,
    VpcDnsAttributes,
    ZoneRecord,
)
from plcheck.facts.outcome import Outcome

#: Records read per zone and domain: enough to see whether any sits at or below the domain.
RECORDS_PER_ZONE = 10


def vpc(ctx: AwsContext, scope: Scope, vpc_id: str) -> Vpc:
    """The VPC: owner, CIDR blocks and DHCP options set (one call)."""
    listed = ctx.call(scope, "ec2", "describe_vpcs", VpcIds=[vpc_id]).get("Vpcs", [])
    if not listed:
        raise _vpc_not_found(vpc_id)
    return _vpc(listed[0])


def vpcs(ctx: AwsContext, scope: Scope, vpc_ids: Iterable[str]) -> dict[str, Outcome[Vpc]]:
    """Each VPC by ID, from one paginated DescribeVpcs for them all.

    A ``vpc-id`` filter rather than ``VpcIds``: an ID the account does not have is then
    absent (its own not-found outcome) instead of failing the call for every VPC.
    """
    ids = sorted(set(vpc_ids))
    if not ids:
        return {}
    listed = paginate_filtered(ctx, scope, "ec2", "describe_vpcs", "vpc-id", ids).get("Vpcs", [])
    found = {v["VpcId"]: _vpc(v) for v in listed}
    return {
        i: Outcome(value=found[i]) if i in found else Outcome(error=_vpc_not_found(i)) for i in ids
    }


def _vpc_not_found(vpc_id: str) -> AwsCallError:
    return AwsCallError(AwsErrorKind.NOT_FOUND, "ec2:DescribeVpcs", "InvalidVpcID.NotFound", vpc_id)


def _vpc(found: Mapping[str, Any]) -> Vpc:
    cidrs = [found["CidrBlock"]] if found.get("CidrBlock") else []
    for assoc in found.get("CidrBlockAssociationSet", []):
        state = assoc.get("CidrBlockState", {}).get("State", "associated")
        if state == "associated" and assoc.get("CidrBlock") not in cidrs:
            cidrs.append(assoc["CidrBlock"])
    for assoc in found.get("Ipv6CidrBlockAssociationSet", []):
        state = assoc.get("Ipv6CidrBlockState", {}).get("State", "associated")
        if state == "associated" and assoc.get("Ipv6CidrBlock"):
            cidrs.append(assoc["Ipv6CidrBlock"])
    return Vpc(
        vpc_id=found["VpcId"],
        owner=str(found.get("OwnerId", "")),
        cidr_blocks=tuple(cidrs),
        dhcp_options_id=str(found.get("DhcpOptionsId") or "default"),
    )


def vpc_dns_attributes(ctx: AwsContext, scope: Scope, vpc_id: str) -> VpcDnsAttributes:
    """``enableDnsSupport`` and ``enableDnsHostnames`` (two calls, run concurrently)."""
    support, hostnames = ctx.gather(
        [
            lambda: ctx.call(
                scope, "ec2", "describe_vpc_attribute", VpcId=vpc_id, Attribute="enableDnsSupport"
            ),
            lambda: ctx.call(
                scope, "ec2", "describe_vpc_attribute", VpcId=vpc_id, Attribute="enableDnsHostnames"
            ),
        ]
    )
    return VpcDnsAttributes(
        vpc_id=vpc_id,
        dns_support=bool(support.get().get("EnableDnsSupport", {}).get("Value")),
        dns_hostnames=bool(hostnames.get().get("EnableDnsHostnames", {}).get("Value")),
    )


def dhcp_options(ctx: AwsContext, scope: Scope, options_id: str) -> DhcpOptions:
    """The DHCP options set; ``default`` (none associated) needs no call."""
    if options_id == "default":
        return DhcpOptions(options_id="default")
    sets = ctx.call(scope, "ec2", "describe_dhcp_options", DhcpOptionsIds=[options_id])
    config: dict[str, list[str]] = {}
    for item in sets.get("DhcpOptions", [{}])[0].get("DhcpConfigurations", []):
        config[item["Key"]] = [str(v.get("Value", "")) for v in item.get("Values", [])]
    # A set without domain-name-servers leaves instances on the VPC resolver.
    servers = tuple(config.get("domain-name-servers") or [AMAZON_PROVIDED_DNS])
    return DhcpOptions(
        options_id=options_id,
        name_servers=servers,
        domain_name=" ".join(config.get("domain-name", [])),
    )


def endpoint_services(
    ctx: AwsContext, scope: Scope, service_names: Iterable[str], regions: Iterable[str] = ()
) -> dict[str, ServiceDetail]:
    """The services this account can see, by name (one paginated call per 200 names).

    A name the account cannot see is simply absent. The names go in a
    ``service-name`` filter rather than ``ServiceNames``, which fails the whole
    call on the first name that is not visible. ``regions`` are the services'
    regions; other regions than the scope's are asked for with ``ServiceRegions``.
    """
    names = sorted(set(service_names))
    if not names:
        return {}
    params: dict[str, Any] = {}
    here = ctx.region(scope)
    wanted = sorted({r for r in regions if r} | {here})
    if wanted != [here]:
        params["ServiceRegions"] = wanted
    response = paginate_filtered(
        ctx, scope, "ec2", "describe_vpc_endpoint_services", "service-name", names, **params
    )
    details = {}
    for d in response.get("ServiceDetails", []):
        if d.get("ServiceName") not in names:
            continue
        details[d["ServiceName"]] = ServiceDetail(
            service_name=d["ServiceName"],
            service_id=str(d.get("ServiceId", "")),
            owner=str(d.get("Owner", "")),
            region=str(d.get("ServiceRegion") or here),
            zone_ids=frozenset(d.get("AvailabilityZoneIds", [])),
            private_dns_name=str(d.get("PrivateDnsName", "")),
            private_dns_verification=str(d.get("PrivateDnsNameVerificationState", "")),
            acceptance_required=bool(d.get("AcceptanceRequired")),
            service_types=tuple(t["ServiceType"] for t in d.get("ServiceType", [])),
            supported_ip_address_types=tuple(d.get("SupportedIpAddressTypes", [])),
        )
    return details


def hosted_zones_for_vpc(
    ctx: AwsContext, scope: Scope, vpc_id: str, region: str
) -> list[HostedZone]:
    """Private hosted zones associated with the VPC, whoever owns them (ListHostedZonesByVPC)."""
    zones: list[HostedZone] = []
    token: str | None = None
    while True:
        params: dict[str, Any] = {"VPCId": vpc_id, "VPCRegion": region}
        if token:
            params["NextToken"] = token
        page = ctx.call(scope, "route53", "list_hosted_zones_by_vpc", **params)
        for z in page.get("HostedZoneSummaries", []):
            owner = z.get("Owner") or {}
            zones.append(
                HostedZone(
                    zone_id=str(z["HostedZoneId"]).rsplit("/", 1)[-1],
                    name=str(z["Name"]).rstrip(".").lower(),
                    owning_account=str(owner.get("OwningAccount", "")),
                    owning_service=str(owner.get("OwningService", "")),
                )
            )
        token = page.get("NextToken")
        if not token:
            return zones


def resolver_rules_for_vpc(ctx: AwsContext, scope: Scope, vpc_id: str) -> list[ResolverRule]:
    """The Resolver rules associated with the VPC (two paginated calls, run concurrently)."""
    associated, rules = resolver_rule_index(ctx, scope, [vpc_id])
    return sorted(
        (rules[i] for i in associated.get(vpc_id, ()) if i in rules),
        key=lambda rule: rule.rule_id,
    )


#: VPC ID → the IDs of the rules associated with it; rule ID → every rule the account sees.
ResolverIndex = tuple[dict[str, tuple[str, ...]], dict[str, ResolverRule]]


def resolver_rule_index(ctx: AwsContext, scope: Scope, vpc_ids: Iterable[str]) -> ResolverIndex:
    """The rules associated with each of ``vpc_ids``, and every rule the account can see.

    Two paginated calls, run concurrently (none for the associations without a VPC).
    One VPC is asked for with a ``VPCId`` filter; several with no filter, joined here: the
    API reference documents a filter's value, not a list of alternatives
    (https://docs.aws.amazon.com/Route53/latest/APIReference/API_route53resolver_Filter.html).
    ListResolverRules has no filter by rule ID, so every rule is listed once.
    """
    vpcs = sorted(set(vpc_ids))
    params: dict[str, Any] = (
        {"Filters": [{"Name": "VPCId", "Values": vpcs}]} if len(vpcs) == 1 else {}
    )
    associations, rules = ctx.gather(
        [
            lambda: (
                ctx.paginate(scope, "route53resolver", "list_resolver_rule_associations", **params)
                if vpcs
                else {}
            ),
            lambda: ctx.paginate(scope, "route53resolver", "list_resolver_rules"),
        ]
    )
    associated: dict[str, dict[str, None]] = {v: {} for v in vpcs}
    for a in associations.get().get("ResolverRuleAssociations", []):
        vpc = str(a.get("VPCId") or (vpcs[0] if params else ""))  # filtered: that VPC's
        if vpc in associated and a.get("Status", "COMPLETE") != "DELETING":
            associated[vpc][str(a["ResolverRuleId"])] = None
    by_id = {
        str(r["Id"]): ResolverRule(
            rule_id=str(r["Id"]),
            domain=str(r.get("DomainName", "")).rstrip(".").lower(),
            rule_type=str(r.get("RuleType", "")),
            name=str(r.get("Name", "")),
            target_ips=tuple(
                f"{t.get('Ip') or t.get('Ipv6')}:{t.get('Port', 53)}"
                for t in r.get("TargetIps", [])
            ),
            owner=str(r.get("OwnerId", "")),
        )
        for r in rules.get().get("ResolverRules", [])
        if r.get("Id")
    }
    return {v: tuple(ids) for v, ids in associated.items()}, by_id


def region_opt_in(ctx: AwsContext, scope: Scope, regions: Iterable[str]) -> dict[str, str]:
    """Region → the scope's account's ``OptInStatus`` there, in one DescribeRegions call.

    ``AllRegions`` makes AWS list Regions the account has not enabled too.
    """
    names = sorted(set(regions))
    if not names:
        return {}
    response = ctx.call(scope, "ec2", "describe_regions", AllRegions=True, RegionNames=names)
    return {
        str(r["RegionName"]): str(r.get("OptInStatus", "")) for r in response.get("Regions", [])
    }


def records_under(
    ctx: AwsContext, scope: Scope, pairs: Iterable[tuple[str, str]]
) -> Mapping[tuple[str, str], Outcome[tuple[ZoneRecord, ...]]]:
    """Per (zone ID, domain): the zone's first records at ``domain`` or below it.

    One ListResourceRecordSets per pair (StartRecordName=domain, a few items), all pairs
    concurrently: Route 53 lists records in the order of their reversed labels, so the
    records at the domain and under it come first. A zone that cannot be read (another
    account's zone, AccessDenied) is that pair's failure; the others are still read.
    """
    wanted = sorted(set(pairs))
    outcomes = ctx.gather(
        [
            lambda zone=zone, domain=domain: _records_under(ctx, scope, zone, domain)  # type: ignore[misc]
            for zone, domain in wanted
        ]
    )
    return dict(zip(wanted, outcomes, strict=True))


def _records_under(
    ctx: AwsContext, scope: Scope, zone_id: str, domain: str
) -> tuple[ZoneRecord, ...]:
    page = ctx.call(
        scope,
        "route53",
        "list_resource_record_sets",
        HostedZoneId=zone_id,
        StartRecordName=domain,
        MaxItems=str(RECORDS_PER_ZONE),
    )
    found = []
    for record in page.get("ResourceRecordSets", []):
        name = str(record.get("Name", "")).rstrip(".").lower().replace("\\052", "*")
        if name == domain or name.endswith("." + domain):
            found.append(ZoneRecord(name, str(record.get("Type", ""))))
    return tuple(found)
