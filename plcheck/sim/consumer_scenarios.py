"""Consumer-side scenarios for ``plcheck consumer``, built on the AZ-mismatch story.

Each function creates resources through the AWS API with
``world.admin_client(...)``, as the provider or the consumer would, and uses
the world's knobs only for what AWS alone decides (private DNS verification,
endpoint states). The provider's burrito service of
:func:`plcheck.sim.scenarios.az_mismatch` stays as it is (its private DNS name
pending verification); :func:`tortilla_service` adds a second, verified service
behind its own NLB in the same two zones, for endpoints that should work.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from plcheck.sim.scenarios import AzMismatchScenario, create_vpc, publish_service
from plcheck.sim.world import SimulatedWorld


@dataclass(frozen=True)
class Service:
    """An endpoint service of the provider that the consumer account may use."""

    service_id: str
    service_name: str
    private_dns_name: str
    zone_ids: tuple[str, ...]
    nlb_arn: str


@dataclass(frozen=True)
class ConsumerVpc:
    """A consumer VPC with subnets in us-east-1a/b/c and whatever problems were asked for."""

    vpc_id: str
    cidr: str
    subnet_ids: Mapping[str, str]
    """Consumer zone name -> subnet ID."""
    supported_subnet_ids: tuple[str, ...]
    """Subnets in zone IDs the service is offered in (the consumer's us-east-1b and 1c)."""
    unsupported_subnet_ids: tuple[str, ...]
    """Subnets elsewhere (the consumer's us-east-1a, which is use1-az4)."""
    security_group_id: str
    """The group for the endpoint (admits ``admit_ports`` from the VPC CIDR)."""
    default_security_group_id: str
    endpoint_id: str | None
    """The interface endpoint, when one was created."""
    network_acl_id: str | None
    """The custom ACL on the supported subnets, when ephemeral ports are blocked."""
    dhcp_options_id: str | None
    """The custom DHCP options, when custom name servers were asked for."""
    hosted_zone_id: str | None
    """The conflicting private hosted zone, when one was asked for."""
    resolver_rule_id: str | None = None
    """The FORWARD Resolver rule associated with the VPC, when one was asked for."""


def tortilla_service(
    world: SimulatedWorld,
    base: AzMismatchScenario,
    name: str = "tortilla",
    *,
    acceptance_required: bool = False,
) -> Service:
    """Another provider service, verified ``api.<name>.example.com``, in the burrito zones.

    Its NLB (``<name>-nlb``) sits in the provider's burrito subnets (use1-az1,
    use1-az2), and the consumer account is allowed.
    """
    region, provider = base.region, base.provider_account
    ec2 = world.admin_client(provider, "ec2", region)
    elb = world.admin_client(provider, "elbv2", region)
    nlb = elb.create_load_balancer(
        Name=f"{name}-nlb",
        Subnets=list(base.provider_subnet_ids.values()),
        Scheme="internal",
        Type="network",
    )["LoadBalancers"][0]
    dns_name = f"api.{name}.example.com"
    service = publish_service(
        ec2,
        nlb["LoadBalancerArn"],
        base.consumer_account,
        dns_name,
        acceptance_required=acceptance_required,
    )
    world.set_private_dns_state(provider, region, service["ServiceId"], "verified")
    return Service(
        service_id=str(service["ServiceId"]),
        service_name=str(service["ServiceName"]),
        private_dns_name=dns_name,
        zone_ids=base.service_zone_ids,
        nlb_arn=str(nlb["LoadBalancerArn"]),
    )


def consumer_vpc(
    world: SimulatedWorld,
    base: AzMismatchScenario,
    service_name: str,
    *,
    name: str,
    cidr: str,
    endpoint: bool = True,
    private_dns: bool = True,
    admit_ports: Sequence[int] = (443,),
    dns_hostnames: bool = True,
    dhcp_name_servers: Sequence[str] = (),
    block_ephemeral: bool = False,
    conflicting_zone: str | None = None,
    forward_domain: str | None = None,
    zone_records: Sequence[str] = (),
) -> ConsumerVpc:
    """A consumer VPC (CIDR ``cidr``, a /16) in the consumer account, with problems as asked.

    With ``endpoint`` an interface endpoint to ``service_name`` is created in the
    supported subnets with the VPC's endpoint group. Problems are made after the
    endpoint exists, as they would creep in later. ``conflicting_zone`` is a private
    hosted zone the team associates with the VPC, holding an A record at each of
    ``zone_records``.
    """
    region, consumer = base.region, base.consumer_account
    ec2 = world.admin_client(consumer, "ec2", region)
    prefix = cidr.split(".")[:2]
    vpc_id = create_vpc(ec2, cidr, name)
    subnets = {}
    for i, zone in enumerate(("a", "b", "c"), start=1):
        zone_name = f"{region}{zone}"
        subnets[zone_name] = str(
            ec2.create_subnet(
                VpcId=vpc_id,
                CidrBlock=".".join([*prefix, str(i), "0/24"]),
                AvailabilityZone=zone_name,
                TagSpecifications=[_name_tag("subnet", f"{name}-{zone_name}")],
            )["Subnet"]["SubnetId"]
        )
    zone_ids = set(base.service_zone_ids)
    supported = tuple(s for z, s in subnets.items() if base.consumer_az_mapping[z] in zone_ids)
    unsupported = tuple(s for s in subnets.values() if s not in supported)

    group_id = str(
        ec2.create_security_group(
            GroupName=f"{name}-endpoint", Description=f"{name} endpoint", VpcId=vpc_id
        )["GroupId"]
    )
    if admit_ports:
        ec2.authorize_security_group_ingress(
            GroupId=group_id,
            IpPermissions=[
                {
                    "IpProtocol": "tcp",
                    "FromPort": port,
                    "ToPort": port,
                    "IpRanges": [{"CidrIp": cidr}],
                }
                for port in admit_ports
            ],
        )
    default_group = ec2.describe_security_groups(
        Filters=[
            {"Name": "vpc-id", "Values": [vpc_id]},
            {"Name": "group-name", "Values": ["default"]},
        ]
    )["SecurityGroups"][0]["GroupId"]

    endpoint_id = None
    if endpoint:
        endpoint_id = str(
            ec2.create_vpc_endpoint(
                VpcEndpointType="Interface",
                VpcId=vpc_id,
                ServiceName=service_name,
                SubnetIds=list(supported),
                SecurityGroupIds=[group_id],
                PrivateDnsEnabled=private_dns,
            )["VpcEndpoint"]["VpcEndpointId"]
        )
    if not dns_hostnames:
        ec2.modify_vpc_attribute(VpcId=vpc_id, EnableDnsHostnames={"Value": False})
    dhcp_id = _custom_dhcp(ec2, vpc_id, dhcp_name_servers) if dhcp_name_servers else None
    acl_id = _ephemeral_blocking_acl(ec2, vpc_id, cidr, supported) if block_ephemeral else None
    zone_id = None
    if conflicting_zone:
        route53 = world.admin_client(consumer, "route53", region)
        created = route53.create_hosted_zone(
            Name=conflicting_zone,
            CallerReference=f"{vpc_id}-{conflicting_zone}",
            HostedZoneConfig={"PrivateZone": True, "Comment": "the team's own zone"},
            VPC={"VPCRegion": region, "VPCId": vpc_id},
        )
        zone_id = str(created["HostedZone"]["Id"]).rsplit("/", 1)[-1]
        if zone_records:
            route53.change_resource_record_sets(
                HostedZoneId=zone_id,
                ChangeBatch={
                    "Changes": [
                        {
                            "Action": "CREATE",
                            "ResourceRecordSet": {
                                "Name": record,
                                "Type": "A",
                                "TTL": 300,
                                "ResourceRecords": [{"Value": "10.99.0.10"}],
                            },
                        }
                        for record in zone_records
                    ]
                },
            )
    rule_id = (
        _forward_rule(world, base, vpc_id, list(subnets.values()), group_id, forward_domain)
        if forward_domain
        else None
    )
    return ConsumerVpc(
        vpc_id=vpc_id,
        cidr=cidr,
        subnet_ids=subnets,
        supported_subnet_ids=supported,
        unsupported_subnet_ids=unsupported,
        security_group_id=group_id,
        default_security_group_id=str(default_group),
        endpoint_id=endpoint_id,
        network_acl_id=acl_id,
        dhcp_options_id=dhcp_id,
        hosted_zone_id=zone_id,
        resolver_rule_id=rule_id,
    )


#: Where the scenario's FORWARD rule sends queries: the team's on-premises DNS servers.
FORWARD_TARGETS = ("10.99.0.53", "10.99.1.53")


def _forward_rule(
    world: SimulatedWorld,
    base: AzMismatchScenario,
    vpc_id: str,
    subnet_ids: Sequence[str],
    group_id: str,
    domain: str,
) -> str:
    """An outbound Resolver endpoint and a FORWARD rule for ``domain``, associated with the VPC."""
    resolver = world.admin_client(base.consumer_account, "route53resolver", base.region)
    endpoint = resolver.create_resolver_endpoint(
        CreatorRequestId=f"{vpc_id}-outbound",
        Name="to-on-premises",
        SecurityGroupIds=[group_id],
        Direction="OUTBOUND",
        IpAddresses=[{"SubnetId": s} for s in subnet_ids[:2]],
    )["ResolverEndpoint"]
    rule = resolver.create_resolver_rule(
        CreatorRequestId=f"{vpc_id}-{domain}",
        Name="corp-forward",
        RuleType="FORWARD",
        DomainName=domain,
        TargetIps=[{"Ip": ip, "Port": 53} for ip in FORWARD_TARGETS],
        ResolverEndpointId=endpoint["Id"],
    )["ResolverRule"]
    # A name: moto sorts associations by it and fails on None.
    resolver.associate_resolver_rule(ResolverRuleId=rule["Id"], VPCId=vpc_id, Name="corp-forward")
    return str(rule["Id"])


def _name_tag(resource_type: str, value: str) -> dict[str, Any]:
    return {"ResourceType": resource_type, "Tags": [{"Key": "Name", "Value": value}]}


def _custom_dhcp(ec2: Any, vpc_id: str, name_servers: Sequence[str]) -> str:
    options_id = str(
        ec2.create_dhcp_options(
            DhcpConfigurations=[
                {"Key": "domain-name-servers", "Values": list(name_servers)},
                {"Key": "domain-name", "Values": ["corp.example.internal"]},
            ]
        )["DhcpOptions"]["DhcpOptionsId"]
    )
    ec2.associate_dhcp_options(DhcpOptionsId=options_id, VpcId=vpc_id)
    return options_id


def _ephemeral_blocking_acl(ec2: Any, vpc_id: str, cidr: str, subnet_ids: Sequence[str]) -> str:
    """A custom ACL on ``subnet_ids``: 443 in from the VPC, but only 443 out (no replies)."""
    acl_id = str(
        ec2.create_network_acl(VpcId=vpc_id, TagSpecifications=[_name_tag("network-acl", "tight")])[
            "NetworkAcl"
        ]["NetworkAclId"]
    )
    for egress in (False, True):
        ec2.create_network_acl_entry(
            NetworkAclId=acl_id,
            RuleNumber=100,
            Protocol="6",
            RuleAction="allow",
            Egress=egress,
            CidrBlock=cidr,
            PortRange={"From": 443, "To": 443},
        )
    acls = ec2.describe_network_acls(Filters=[{"Name": "vpc-id", "Values": [vpc_id]}])
    associations = {
        a["SubnetId"]: a["NetworkAclAssociationId"]
        for acl in acls["NetworkAcls"]
        for a in acl.get("Associations", [])
    }
    for subnet_id in subnet_ids:
        ec2.replace_network_acl_association(
            AssociationId=associations[subnet_id], NetworkAclId=acl_id
        )
    return acl_id


@dataclass(frozen=True)
class ConsumerStory:
    """The demo's consumer story: one VPC planning, one without DNS hostnames, one broken."""

    tortilla: Service
    planning_without_hostnames: ConsumerVpc
    broken: ConsumerVpc


def consumer_story(world: SimulatedWorld, base: AzMismatchScenario) -> ConsumerStory:
    """The VPCs the demo's consumer steps diagnose.

    * ``planning_without_hostnames`` (10.2.0.0/16): no endpoint yet, DNS hostnames
      off, while the tortilla service has a private DNS name.
    * ``broken`` (10.3.0.0/16): an endpoint to tortilla with private DNS whose
      group admits only 80, whose subnets' ACL drops replies to ephemeral ports,
      with custom DHCP name servers, the team's own ``tortilla.example.com``
      private zone associated, still holding an old record for the service's name
      (shadowed by the endpoint's own, more specific zone), and a Resolver rule
      forwarding the service's own name ``api.tortilla.example.com`` to on-premises DNS
      servers (a rule for a parent domain would not do: Resolver's autodefined rule for the
      endpoint's private hosted zone is more specific, see
      https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/
      resolver-overview-forward-vpc-to-network-autodefined-rules.html).
    """
    tortilla = tortilla_service(world, base)
    planning = consumer_vpc(
        world,
        base,
        tortilla.service_name,
        name="salsa",
        cidr="10.2.0.0/16",
        endpoint=False,
        dns_hostnames=False,
    )
    broken = consumer_vpc(
        world,
        base,
        tortilla.service_name,
        name="guac",
        cidr="10.3.0.0/16",
        admit_ports=(80,),
        block_ephemeral=True,
        dhcp_name_servers=("10.3.0.53", "10.3.1.53"),
        conflicting_zone="tortilla.example.com",
        forward_domain=tortilla.private_dns_name,
        zone_records=(tortilla.private_dns_name,),
    )
    return ConsumerStory(tortilla=tortilla, planning_without_hostnames=planning, broken=broken)
