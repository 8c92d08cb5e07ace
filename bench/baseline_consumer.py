"""Baseline for ``plcheck consumer``: a plain boto3 script making the same AWS calls.

``make bench`` runs it beside ``plcheck consumer VPC --profile PROFILE`` against the same
simulated world and compares their CPU time: the issue's target is that plcheck uses at
most 0.8x of this script's CPU. It is what a user would write by hand: one
``boto3.Session`` for the profile (a role profile: botocore assumes the role), one
client per service, the calls one after another, paginated where AWS paginates.

    python bench/baseline_consumer.py VPC_ID --profile PROFILE [--region REGION]

The calls are those of ``plcheck.commands.consumer.gather`` with one endpoint service:
GetCallerIdentity; DescribeVpcs, DescribeVpcAttribute x2, DescribeAvailabilityZones,
DescribeSubnets, DescribeVpcEndpoints, DescribeSecurityGroups, DescribeNetworkAcls,
ListHostedZonesByVPC; then DescribeVpcEndpointServices and DescribeDhcpOptions.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from typing import Any


def gather(session: Any, vpc_id: str) -> dict[str, Any]:
    """Every response plcheck's consumer reads, by name."""
    region = session.region_name
    ec2 = session.client("ec2")
    sts = session.client("sts")
    route53 = session.client("route53")
    resolver = session.client("route53resolver")
    by_vpc = [{"Name": "vpc-id", "Values": [vpc_id]}]

    def pages(operation: str, **params: Any) -> dict[str, Any]:
        return dict(ec2.get_paginator(operation).paginate(**params).build_full_result())

    out: dict[str, Any] = {
        "account": sts.get_caller_identity()["Account"],
        "vpc": ec2.describe_vpcs(VpcIds=[vpc_id])["Vpcs"][0],
        "dns_support": ec2.describe_vpc_attribute(VpcId=vpc_id, Attribute="enableDnsSupport"),
        "dns_hostnames": ec2.describe_vpc_attribute(VpcId=vpc_id, Attribute="enableDnsHostnames"),
        "zones": ec2.describe_availability_zones()["AvailabilityZones"],
        "subnets": pages("describe_subnets", Filters=by_vpc)["Subnets"],
        "endpoints": pages("describe_vpc_endpoints", Filters=by_vpc)["VpcEndpoints"],
        "groups": pages("describe_security_groups", Filters=by_vpc)["SecurityGroups"],
        "acls": pages("describe_network_acls", Filters=by_vpc)["NetworkAcls"],
        "hosted_zones": route53.list_hosted_zones_by_vpc(VPCId=vpc_id, VPCRegion=region)[
            "HostedZoneSummaries"
        ],
        "rule_associations": resolver.get_paginator("list_resolver_rule_associations")
        .paginate(Filters=[{"Name": "VPCId", "Values": [vpc_id]}])
        .build_full_result()["ResolverRuleAssociations"],
        "rules": resolver.get_paginator("list_resolver_rules")
        .paginate()
        .build_full_result()["ResolverRules"],
    }
    names = sorted({e["ServiceName"] for e in out["endpoints"]})
    out["services"] = pages(
        "describe_vpc_endpoint_services", Filters=[{"Name": "service-name", "Values": names}]
    )["ServiceDetails"]
    options_id = out["vpc"].get("DhcpOptionsId", "default")
    if options_id != "default":
        out["dhcp"] = ec2.describe_dhcp_options(DhcpOptionsIds=[options_id])["DhcpOptions"]
    return out


def main(argv: Sequence[str] | None = None) -> int:
    import boto3

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("vpc_id")
    parser.add_argument("--profile")
    parser.add_argument("--region")
    args = parser.parse_args(argv)
    session = boto3.Session(profile_name=args.profile, region_name=args.region)
    result = gather(session, args.vpc_id)
    json.dump({k: len(v) if isinstance(v, list) else 1 for k, v in result.items()}, sys.stdout)
    print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
