"""Scenarios built in a :class:`~plcheck.sim.world.SimulatedWorld` through the AWS API.

Each scenario function creates resources with ``world.admin_client(...)``, as
an operator would, and uses the world's knobs only for what AWS alone decides
(zone mappings, verification, health). It returns a frozen dataclass with the
IDs it created.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from plcheck.sim.world import SimulatedWorld

PROVIDER_ACCOUNT = "111111111111"
CONSUMER_ACCOUNT = "222222222222"
REGION = "us-east-1"


@dataclass(frozen=True)
class AzMismatchScenario:
    """A service whose zones cover only some of the consumer's subnets.

    The provider's and the consumer's zone names map to different zone IDs, so
    matching by name is wrong: the provider's us-east-1a is the consumer's
    us-east-1b. Zone-keyed mappings use each account's own zone names.
    """

    region: str
    provider_account: str
    consumer_account: str
    provider_profile: str
    consumer_profile: str
    provider_az_mapping: Mapping[str, str]
    """Provider's zone name -> zone ID."""
    consumer_az_mapping: Mapping[str, str]
    """Consumer's zone name -> zone ID."""

    provider_vpc_id: str
    provider_subnet_ids: Mapping[str, str]
    """Provider's zone name -> subnet id (the NLB's subnets)."""
    nlb_arn: str
    nlb_name: str
    nlb_dns_name: str
    listener_arn: str
    target_group_arn: str
    target_ips: tuple[str, ...]

    service_id: str
    service_name: str
    private_dns_name: str
    service_zone_ids: tuple[str, ...]
    """Zone IDs the service is in (those of the NLB's subnets)."""

    consumer_vpc_id: str
    consumer_subnet_ids: Mapping[str, str]
    """Consumer's zone name -> subnet id (us-east-1a/b/c)."""
    consumer_security_group_id: str
    supported_consumer_subnet_ids: tuple[str, ...]
    """Consumer subnets in one of the service's zone IDs."""
    unsupported_consumer_subnet_ids: tuple[str, ...]
    """Consumer subnets outside the service's zone IDs."""


def _profile_for(world: SimulatedWorld, account_id: str) -> str:
    for name, acct in world.accounts.items():
        if acct == account_id:
            return name
    raise ValueError(f"no profile for account {account_id} in this world")


def create_vpc(ec2: Any, cidr: str, name: str) -> str:
    """A named VPC with DNS support and DNS hostnames on, as most real ones have."""
    vpc_id = str(
        ec2.create_vpc(
            CidrBlock=cidr,
            TagSpecifications=[{"ResourceType": "vpc", "Tags": [{"Key": "Name", "Value": name}]}],
        )["Vpc"]["VpcId"]
    )
    ec2.modify_vpc_attribute(VpcId=vpc_id, EnableDnsSupport={"Value": True})
    ec2.modify_vpc_attribute(VpcId=vpc_id, EnableDnsHostnames={"Value": True})
    return vpc_id


def _create_subnets(ec2: Any, vpc_id: str, cidrs: Mapping[str, str], prefix: str) -> dict[str, str]:
    subnets = {}
    for zone, cidr in cidrs.items():
        subnets[zone] = str(
            ec2.create_subnet(
                VpcId=vpc_id,
                CidrBlock=cidr,
                AvailabilityZone=zone,
                TagSpecifications=[
                    {
                        "ResourceType": "subnet",
                        "Tags": [{"Key": "Name", "Value": f"{prefix}-{zone}"}],
                    }
                ],
            )["Subnet"]["SubnetId"]
        )
    return subnets


def publish_service(
    ec2: Any,
    nlb_arn: str,
    consumer_account: str,
    private_dns_name: str,
    *,
    acceptance_required: bool = False,
) -> dict[str, Any]:
    """An endpoint service in front of ``nlb_arn`` that ``consumer_account`` may use."""
    service: dict[str, Any] = ec2.create_vpc_endpoint_service_configuration(
        NetworkLoadBalancerArns=[nlb_arn],
        AcceptanceRequired=acceptance_required,
        PrivateDnsName=private_dns_name,
    )["ServiceConfiguration"]
    ec2.modify_vpc_endpoint_service_permissions(
        ServiceId=service["ServiceId"],
        AddAllowedPrincipals=[f"arn:aws:iam::{consumer_account}:root"],
    )
    return service


def az_mismatch(world: SimulatedWorld) -> AzMismatchScenario:
    """Provider NLB service in zone IDs az1/az2; consumer subnets in az4/az1/az2.

    Provider: us-east-1a=use1-az1, 1b=use1-az2, 1c=use1-az3, ...; its NLB
    (internal, TCP:443, two IP targets) is in 1a and 1b, behind an endpoint
    service (no acceptance, private DNS ``api.burrito.example.com``, pending
    verification) that allows the consumer account.

    Consumer: us-east-1a=use1-az4, 1b=use1-az1, 1c=use1-az2, ...; a VPC with
    DNS support and hostnames on, subnets in 1a/1b/1c. So the consumer's
    us-east-1a is not served, although the provider also has a "us-east-1a".
    """
    region = REGION
    provider, consumer = PROVIDER_ACCOUNT, CONSUMER_ACCOUNT
    provider_mapping = {f"{region}{c}": f"use1-az{i}" for i, c in enumerate("abcdef", start=1)}
    consumer_mapping = {
        f"{region}a": "use1-az4",
        f"{region}b": "use1-az1",
        f"{region}c": "use1-az2",
        f"{region}d": "use1-az3",
        f"{region}e": "use1-az6",
        f"{region}f": "use1-az5",
    }
    world.set_az_mapping(provider, region, provider_mapping)
    world.set_az_mapping(consumer, region, consumer_mapping)

    # Provider: VPC, NLB, targets, listener, endpoint service.
    p_ec2 = world.admin_client(provider, "ec2", region)
    p_elb = world.admin_client(provider, "elbv2", region)
    provider_vpc = create_vpc(p_ec2, "10.0.0.0/16", "burrito-provider")
    provider_subnets = _create_subnets(
        p_ec2,
        provider_vpc,
        {f"{region}a": "10.0.1.0/24", f"{region}b": "10.0.2.0/24"},
        "burrito-provider",
    )
    nlb = p_elb.create_load_balancer(
        Name="burrito-nlb",
        Subnets=list(provider_subnets.values()),
        Scheme="internal",
        Type="network",
    )["LoadBalancers"][0]
    target_group_arn = str(
        p_elb.create_target_group(
            Name="burrito-tg",
            Protocol="TCP",
            Port=443,
            VpcId=provider_vpc,
            TargetType="ip",
            HealthCheckProtocol="TCP",
        )["TargetGroups"][0]["TargetGroupArn"]
    )
    target_ips = ("10.0.1.10", "10.0.2.10")
    p_elb.register_targets(
        TargetGroupArn=target_group_arn, Targets=[{"Id": ip, "Port": 443} for ip in target_ips]
    )
    listener_arn = str(
        p_elb.create_listener(
            LoadBalancerArn=nlb["LoadBalancerArn"],
            Protocol="TCP",
            Port=443,
            DefaultActions=[{"Type": "forward", "TargetGroupArn": target_group_arn}],
        )["Listeners"][0]["ListenerArn"]
    )
    private_dns_name = "api.burrito.example.com"
    service = publish_service(p_ec2, nlb["LoadBalancerArn"], consumer, private_dns_name)

    # Consumer: VPC with DNS on, subnets in a/b/c, a security group for endpoints.
    c_ec2 = world.admin_client(consumer, "ec2", region)
    consumer_vpc = create_vpc(c_ec2, "10.1.0.0/16", "burrito-consumer")
    consumer_subnets = _create_subnets(
        c_ec2,
        consumer_vpc,
        {f"{region}a": "10.1.1.0/24", f"{region}b": "10.1.2.0/24", f"{region}c": "10.1.3.0/24"},
        "burrito-consumer",
    )
    group_id = str(
        c_ec2.create_security_group(
            GroupName="burrito-endpoint", Description="burrito endpoint", VpcId=consumer_vpc
        )["GroupId"]
    )
    c_ec2.authorize_security_group_ingress(
        GroupId=group_id,
        IpPermissions=[
            {
                "IpProtocol": "tcp",
                "FromPort": 443,
                "ToPort": 443,
                "IpRanges": [{"CidrIp": "10.1.0.0/16"}],
            }
        ],
    )

    service_zone_ids = tuple(sorted(provider_mapping[z] for z in provider_subnets))
    supported = tuple(
        s for z, s in consumer_subnets.items() if consumer_mapping[z] in service_zone_ids
    )
    unsupported = tuple(s for s in consumer_subnets.values() if s not in supported)
    return AzMismatchScenario(
        region=region,
        provider_account=provider,
        consumer_account=consumer,
        provider_profile=_profile_for(world, provider),
        consumer_profile=_profile_for(world, consumer),
        provider_az_mapping=provider_mapping,
        consumer_az_mapping=consumer_mapping,
        provider_vpc_id=provider_vpc,
        provider_subnet_ids=provider_subnets,
        nlb_arn=str(nlb["LoadBalancerArn"]),
        nlb_name=str(nlb["LoadBalancerName"]),
        nlb_dns_name=str(nlb["DNSName"]),
        listener_arn=listener_arn,
        target_group_arn=target_group_arn,
        target_ips=target_ips,
        service_id=str(service["ServiceId"]),
        service_name=str(service["ServiceName"]),
        private_dns_name=private_dns_name,
        service_zone_ids=service_zone_ids,
        consumer_vpc_id=consumer_vpc,
        consumer_subnet_ids=consumer_subnets,
        consumer_security_group_id=group_id,
        supported_consumer_subnet_ids=supported,
        unsupported_consumer_subnet_ids=unsupported,
    )
