"""The provider preflight scenario, built in a SimulatedWorld through the AWS API.

One endpoint service with everything that commonly breaks on the provider side:
its NLB covers two of the region's six zones, the target in the second zone is
unhealthy with cross-zone load balancing off, the NLB's security group (with
enforcement on PrivateLink traffic on) admits the listener port only from a
security group, the private DNS name waits in pendingVerification, and an
endpoint of the consumer account waits for acceptance. Behind the NLB, the
targets' own security group admits the NLB only on the health-check port (8080),
not on the traffic port (443); the target group has proxy protocol v2 on; and the
NLB is ``active_impaired``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from plcheck.sim.scenarios import create_vpc, publish_service
from plcheck.sim.world import SimulatedWorld

PROVIDER_ACCOUNT = "111111111111"
CONSUMER_ACCOUNT = "222222222222"
REGION = "us-east-1"
HEALTH_CHECK_PORT = 8080
"""The port the scenario's target group health-checks on (the traffic port is 443)."""


@dataclass(frozen=True)
class ProviderScenario:
    """IDs of what :func:`provider_preflight` created."""

    region: str
    provider_account: str
    consumer_account: str
    provider_vpc_id: str
    subnet_ids: tuple[str, ...]
    """The NLB's subnets (provider zones ``zone_names``)."""
    zone_names: tuple[str, ...]
    """The provider's names for the NLB's zones."""
    zone_ids: tuple[str, ...]
    """The AZ IDs of the NLB's zones."""
    nlb_arn: str
    nlb_name: str
    security_group_id: str
    """The NLB's security group (admits 443 only from ``app_security_group_id``)."""
    app_security_group_id: str
    """The targets' group: admits the NLB's group on 8080 (health checks) only."""
    listener_port: int
    target_group_arn: str
    healthy_target: str
    unhealthy_target: str
    """An IP target in the NLB's second zone, failing its health checks."""
    service_id: str
    service_name: str
    private_dns_name: str
    txt_name: str
    """Label AWS asks for (``_…``)."""
    txt_value: str
    """Value AWS asks for (``vpce:…``)."""
    consumer_endpoint_id: str
    """The consumer's endpoint, pendingAcceptance."""
    consumer_vpc_id: str = ""
    """The VPC of ``consumer_endpoint_id`` (10.21.0.0/16, in the consumer account)."""


def provider_preflight(world: SimulatedWorld, prefix: str = "tacos") -> ProviderScenario:
    """Build the scenario; ``prefix`` names the resources (several can coexist)."""
    region, provider, consumer = REGION, PROVIDER_ACCOUNT, CONSUMER_ACCOUNT
    ec2 = world.admin_client(provider, "ec2", region)
    elb = world.admin_client(provider, "elbv2", region)
    mapping = world.az_mapping(provider, region)
    zone_names = tuple(sorted(mapping)[:2])
    zone_ids = tuple(mapping[n] for n in zone_names)

    vpc_id = create_vpc(ec2, "10.20.0.0/16", f"{prefix}-provider")
    subnet_ids = tuple(
        str(
            ec2.create_subnet(VpcId=vpc_id, CidrBlock=f"10.20.{i}.0/24", AvailabilityZone=zone)[
                "Subnet"
            ]["SubnetId"]
        )
        for i, zone in enumerate(zone_names, start=1)
    )
    app_group = _group(ec2, vpc_id, f"{prefix}-app")
    nlb_group = _group(ec2, vpc_id, f"{prefix}-nlb")
    # The classic mistake: 443 admitted from the application's group (which PrivateLink
    # traffic never matches) and a CIDR rule only on another port.
    ec2.authorize_security_group_ingress(
        GroupId=nlb_group,
        IpPermissions=[
            {
                "IpProtocol": "tcp",
                "FromPort": 443,
                "ToPort": 443,
                "UserIdGroupPairs": [{"GroupId": app_group}],
            },
            {
                "IpProtocol": "tcp",
                "FromPort": 80,
                "ToPort": 80,
                "IpRanges": [{"CidrIp": "10.0.0.0/8"}],
            },
        ],
    )
    nlb = elb.create_load_balancer(
        Name=f"{prefix}-nlb",
        Subnets=list(subnet_ids),
        SecurityGroups=[nlb_group],
        Scheme="internal",
        Type="network",
    )["LoadBalancers"][0]
    group_arn = str(
        elb.create_target_group(
            Name=f"{prefix}-tg",
            Protocol="TCP",
            Port=443,
            VpcId=vpc_id,
            TargetType="ip",
            HealthCheckProtocol="TCP",
            HealthCheckPort=str(HEALTH_CHECK_PORT),
        )["TargetGroups"][0]["TargetGroupArn"]
    )
    elb.modify_target_group_attributes(
        TargetGroupArn=group_arn,
        Attributes=[{"Key": "proxy_protocol_v2.enabled", "Value": "true"}],
    )
    healthy, unhealthy = "10.20.1.10", "10.20.2.10"
    # The targets' interfaces carry the application's group, which admits the NLB on the
    # health-check port only: health checks pass, PrivateLink traffic on 443 is dropped.
    for subnet_id, address in zip(subnet_ids, (healthy, unhealthy), strict=True):
        ec2.create_network_interface(
            SubnetId=subnet_id, PrivateIpAddress=address, Groups=[app_group]
        )
    ec2.authorize_security_group_ingress(
        GroupId=app_group,
        IpPermissions=[
            {
                "IpProtocol": "tcp",
                "FromPort": HEALTH_CHECK_PORT,
                "ToPort": HEALTH_CHECK_PORT,
                "UserIdGroupPairs": [{"GroupId": nlb_group}],
            }
        ],
    )
    elb.register_targets(
        TargetGroupArn=group_arn, Targets=[{"Id": ip, "Port": 443} for ip in (healthy, unhealthy)]
    )
    world.set_target_health(
        provider,
        region,
        group_arn,
        unhealthy,
        "unhealthy",
        "Target.FailedHealthChecks",
        "Health checks failed",
    )
    elb.create_listener(
        LoadBalancerArn=nlb["LoadBalancerArn"],
        Protocol="TCP",
        Port=443,
        DefaultActions=[{"Type": "forward", "TargetGroupArn": group_arn}],
    )
    world.set_load_balancer_state(
        provider, region, nlb["LoadBalancerArn"], "active_impaired", "zone use1-az2 impaired"
    )
    private_dns_name = f"api.{prefix}.example.com"
    service = publish_service(
        ec2, nlb["LoadBalancerArn"], consumer, private_dns_name, acceptance_required=True
    )

    # The consumer asks for a connection from a subnet in the first zone (by AZ ID).
    c_ec2 = world.admin_client(consumer, "ec2", region)
    c_vpc = create_vpc(c_ec2, "10.21.0.0/16", f"{prefix}-consumer")
    c_subnet = c_ec2.create_subnet(
        VpcId=c_vpc, CidrBlock="10.21.1.0/24", AvailabilityZoneId=zone_ids[0]
    )["Subnet"]["SubnetId"]
    endpoint_id = str(
        c_ec2.create_vpc_endpoint(
            VpcEndpointType="Interface",
            VpcId=c_vpc,
            ServiceName=service["ServiceName"],
            SubnetIds=[c_subnet],
            PrivateDnsEnabled=False,
        )["VpcEndpoint"]["VpcEndpointId"]
    )
    dns = service["PrivateDnsNameConfiguration"]
    return ProviderScenario(
        region=region,
        provider_account=provider,
        consumer_account=consumer,
        provider_vpc_id=vpc_id,
        subnet_ids=subnet_ids,
        zone_names=zone_names,
        zone_ids=zone_ids,
        nlb_arn=str(nlb["LoadBalancerArn"]),
        nlb_name=str(nlb["LoadBalancerName"]),
        security_group_id=nlb_group,
        app_security_group_id=app_group,
        listener_port=443,
        target_group_arn=group_arn,
        healthy_target=healthy,
        unhealthy_target=unhealthy,
        service_id=str(service["ServiceId"]),
        service_name=str(service["ServiceName"]),
        private_dns_name=private_dns_name,
        txt_name=str(dns["Name"]),
        txt_value=str(dns["Value"]),
        consumer_endpoint_id=endpoint_id,
        consumer_vpc_id=c_vpc,
    )


def _group(ec2: Any, vpc_id: str, name: str) -> str:
    return str(ec2.create_security_group(GroupName=name, Description=name, VpcId=vpc_id)["GroupId"])
