"""Links whose two sides disagree, for ``plcheck check``'s joins, built through the AWS API.

Each side of these links can look fine, or at least different, on its own; what
breaks shows only when the provider's facts meet the consumer's:

* **tacos** (the provider scenario's service): its NLB's security group (enforcement
  on) admits 443 only from a security group, so no consumer CIDR gets in; the
  target in its second zone is unhealthy with cross-zone load balancing off; its
  private DNS name waits for verification. The provider scenario's own consumer VPC
  (10.21.0.0/16) has an endpoint waiting for acceptance in the first zone;
  :func:`late_consumer` adds a VPC (10.22.0.0/16) that plans its endpoint in both
  zones, private DNS on by default, for clients there and in 192.168.50.0/24.
* **tortilla** (the consumer story's verified service, given a TCP 443 listener
  here): a VPC (10.7.0.0/16) whose endpoint is fine and whose clients connect on 8443.
"""

from __future__ import annotations

from dataclasses import dataclass

from plcheck.sim.consumer_scenarios import ConsumerVpc, Service, consumer_vpc
from plcheck.sim.provider_scenarios import ProviderScenario
from plcheck.sim.scenarios import AzMismatchScenario, create_vpc
from plcheck.sim.world import SimulatedWorld

#: Clients outside the late consumer's VPC (on premises) that use its endpoint.
LATE_CLIENT_CIDR = "192.168.50.0/24"

#: The port the tortilla link's clients use, which its NLB does not listen on.
TORTILLA_PORT = 8443


@dataclass(frozen=True)
class LateConsumer:
    """A consumer VPC that plans an endpoint to the tacos service in both of its zones."""

    vpc_id: str
    cidr: str
    subnet_ids: tuple[str, ...]
    """The planned subnets: one per zone of the tacos NLB, by AZ ID."""
    zone_ids: tuple[str, ...]


@dataclass(frozen=True)
class LinkStory:
    """What the links of the check demo connect."""

    tacos: ProviderScenario
    late: LateConsumer
    tortilla: Service
    eight_four_four_three: ConsumerVpc
    """The VPC whose clients use port 8443 on the tortilla service."""


def late_consumer(world: SimulatedWorld, tacos: ProviderScenario) -> LateConsumer:
    """A consumer VPC (10.22.0.0/16) with a subnet in each zone of the tacos NLB."""
    ec2 = world.admin_client(tacos.consumer_account, "ec2", tacos.region)
    cidr = "10.22.0.0/16"
    vpc_id = create_vpc(ec2, cidr, "tacos-late-consumer")
    subnets = tuple(
        str(
            ec2.create_subnet(VpcId=vpc_id, CidrBlock=f"10.22.{i}.0/24", AvailabilityZoneId=zone)[
                "Subnet"
            ]["SubnetId"]
        )
        for i, zone in enumerate(tacos.zone_ids, start=1)
    )
    return LateConsumer(vpc_id, cidr, subnets, tacos.zone_ids)


def link_story(
    world: SimulatedWorld,
    base: AzMismatchScenario,
    tacos: ProviderScenario,
    tortilla: Service,
) -> LinkStory:
    """The VPCs the check demo's tacos and tortilla links add to the given services.

    The tortilla NLB gets its listener on 443 (healthy IP targets in both zones) here.
    """
    elb = world.admin_client(base.provider_account, "elbv2", base.region)
    group_arn = elb.create_target_group(
        Name="tortilla-tg",
        Protocol="TCP",
        Port=443,
        VpcId=base.provider_vpc_id,
        TargetType="ip",
        HealthCheckProtocol="TCP",
    )["TargetGroups"][0]["TargetGroupArn"]
    elb.register_targets(
        TargetGroupArn=group_arn,
        Targets=[{"Id": ip, "Port": 443} for ip in ("10.0.1.20", "10.0.2.20")],
    )
    elb.create_listener(
        LoadBalancerArn=tortilla.nlb_arn,
        Protocol="TCP",
        Port=443,
        DefaultActions=[{"Type": "forward", "TargetGroupArn": group_arn}],
    )
    eight_four_four_three = consumer_vpc(
        world,
        base,
        tortilla.service_name,
        name="horchata",
        cidr="10.7.0.0/16",
        admit_ports=(TORTILLA_PORT,),
    )
    return LinkStory(tacos, late_consumer(world, tacos), tortilla, eight_four_four_three)


def links_toml(
    story: LinkStory, provider_profile: str, consumer_profile: str, resolver: str
) -> str:
    """The ``[[link]]`` tables of the tacos and tortilla links, for a ``plcheck.toml``."""
    tacos, late = story.tacos, story.late
    planned = ", ".join(f'"{s}"' for s in late.subnet_ids)
    provider = (
        f'provider = {{ profile = "{provider_profile}", region = "{tacos.region}", '
        f'resolver = "{resolver}", dns_timeout = 1 }}\n'
    )
    return (
        "[[link]]\n"
        'name = "tacos"\n'
        f'service = "{tacos.service_name}"\n'
        f"{provider}"
        "\n"
        "[[link.consumer]]\n"
        f'profile = "{consumer_profile}"\n'
        f'region = "{tacos.region}"\n'
        f'vpc = "{tacos.consumer_vpc_id}"\n'
        "\n"
        "[[link.consumer]]\n"
        f'profile = "{consumer_profile}"\n'
        f'region = "{tacos.region}"\n'
        f'vpc = "{late.vpc_id}"\n'
        f"subnets = [{planned}]\n"
        f'client_cidrs = ["{LATE_CLIENT_CIDR}"]\n'
        f'principal = "arn:aws:iam::{tacos.consumer_account}:role/tacos-deployer"\n'
        "\n"
        "[[link]]\n"
        'name = "tortilla"\n'
        f'service = "{story.tortilla.service_name}"\n'
        f"port = {TORTILLA_PORT}\n"
        f"{provider}"
        "\n"
        "[[link.consumer]]\n"
        f'profile = "{consumer_profile}"\n'
        f'region = "{tacos.region}"\n'
        f'vpc = "{story.eight_four_four_three.vpc_id}"\n'
        "\n"
    )
