"""``plcheck consumer``: preflight a consumer VPC and its interface endpoints.

Without ``--service`` every interface endpoint of the VPC is checked against its
service. With ``--service`` the VPC's endpoints to that service are checked, and
where there is none yet (pre-deploy) the planned subnets and security groups
are checked instead and the report says which subnets to use.

Everything is read in two rounds of concurrent calls whose number does not grow
with the number of endpoints: the VPC, its attributes, subnets, zones,
endpoints, security groups, network ACLs and hosted zones first; then the
services of all endpoints in one call, and the DHCP options.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Annotated, Any

import typer

from plcheck.checks import (
    endpoint_az_coverage,
    endpoint_network_acls,
    endpoint_private_dns,
    endpoint_security_groups,
    endpoint_state,
    private_dns_conflict,
    service_visible,
    vpc_dhcp_resolver,
    vpc_dns_attributes,
)
from plcheck.commands.common import (
    ExternalIdOption,
    FailOnOption,
    FormatOption,
    OutputOption,
    OutputOptions,
    ProfileOption,
    RegionOption,
    RoleArnOption,
    error_finding,
    finish,
    validate_id,
)
from plcheck.errors import AwsCallError, AwsErrorKind, UsageError
from plcheck.facts.consumer import (
    DhcpOptions,
    HostedZone,
    ServiceDetail,
    Vpc,
    VpcDnsAttributes,
)
from plcheck.facts.endpoints import Endpoint
from plcheck.facts.network import NetworkAcl, SecurityGroup, Subnet
from plcheck.facts.zones import AccountZones
from plcheck.model import CheckSpec, FailOn, Finding, Status, View
from plcheck.report import Format
from plcheck.service_names import SERVICE_ID, is_service_name, region_in_service_name

if TYPE_CHECKING:  # the AWS layer is imported only when a command runs
    from plcheck.aws import AwsContext, Scope
    from plcheck.commands.demo import DemoStep
    from plcheck.sim.scenarios import AzMismatchScenario
    from plcheck.sim.world import SimulatedWorld

DEFAULT_PORT = 443


@dataclass(frozen=True)
class ConsumerOptions:
    """What ``plcheck consumer`` is asked to check."""

    vpc_id: str
    """The consumer VPC."""
    services: tuple[str, ...] = ()
    """Service names to check (empty: the services of the VPC's interface endpoints)."""
    subnets: tuple[str, ...] = ()
    """Planned subnets for services with no endpoint yet (empty: every subnet of the VPC)."""
    security_groups: tuple[str, ...] = ()
    """Planned security groups (empty: the VPC's default group, as AWS would use)."""
    ports: tuple[int, ...] = (DEFAULT_PORT,)
    """TCP ports clients use."""


def validate(options: ConsumerOptions) -> None:
    """Malformed IDs, names and ports are usage errors (exit 2)."""
    validate_id("vpc", options.vpc_id)
    for subnet in options.subnets:
        validate_id("subnet", subnet)
    for group in options.security_groups:
        validate_id("security group", group)
    for name in options.services:
        if SERVICE_ID.fullmatch(name):
            raise UsageError(
                f"--service takes a service name (com.amazonaws.vpce.REGION.{name}), "
                f"not the service ID {name!r}"
            )
        if not is_service_name(name):
            raise UsageError(f"malformed endpoint service name {name!r}")
    for port in options.ports:
        if not 0 < port < 65536:
            raise UsageError(f"bad --port {port}: must be 1-65535")
    if (options.subnets or options.security_groups) and not options.services:
        raise UsageError("--subnet and --security-group plan an endpoint: pass --service too")


@dataclass(frozen=True)
class ConsumerFacts:
    """Everything gathered for one VPC; a fact that could not be read holds its error."""

    options: ConsumerOptions
    """What was asked."""
    account: str
    """The consumer account ("" when it could not be read)."""
    region: str
    """The VPC's region."""
    vpc: Vpc | AwsCallError
    """DescribeVpcs."""
    dns: VpcDnsAttributes | AwsCallError
    """DescribeVpcAttribute, twice (one attribute per call)."""
    dhcp: DhcpOptions | AwsCallError
    """DescribeDhcpOptions (the VPC's error when the VPC could not be read)."""
    zones: AccountZones | AwsCallError
    """DescribeAvailabilityZones."""
    subnets: list[Subnet] | AwsCallError
    """DescribeSubnets of the VPC."""
    endpoints: list[Endpoint] | AwsCallError
    """DescribeVpcEndpoints of the VPC (interface endpoints only)."""
    services: dict[str, ServiceDetail] | AwsCallError
    """DescribeVpcEndpointServices: the services this account can see, by name."""
    groups: list[SecurityGroup] | AwsCallError
    """DescribeSecurityGroups of the VPC."""
    acls: list[NetworkAcl] | AwsCallError
    """DescribeNetworkAcls of the VPC."""
    hosted_zones: list[HostedZone] | AwsCallError
    """ListHostedZonesByVPC."""


@dataclass(frozen=True)
class Target:
    """One endpoint to check, or one planned endpoint (pre-deploy)."""

    service_name: str
    """The service it connects to."""
    endpoint: Endpoint | None
    """The endpoint; None when planned."""
    subnet_ids: tuple[str, ...]
    """Its subnets, or the planned ones."""
    group_ids: tuple[str, ...]
    """Its security groups, or the planned ones."""
    chosen: bool = True
    """False for a plan without --subnet: every subnet of the VPC is a candidate."""
    notes: tuple[str, ...] = field(default=())
    """Why the plan looks as it does."""

    @property
    def resource(self) -> str:
        """The endpoint ID, or the service name for a plan."""
        return self.endpoint.endpoint_id if self.endpoint else self.service_name


def _settle(ctx: AwsContext, thunks: dict[str, Callable[[], Any]]) -> dict[str, Any]:
    """Run independent gatherers concurrently; each value is its result or its AwsCallError."""
    outcomes = ctx.gather(list(thunks.values()))
    return {
        key: outcome.error if outcome.error is not None else outcome.value
        for key, outcome in zip(thunks, outcomes, strict=True)
    }


def gather(ctx: AwsContext, scope: Scope, options: ConsumerOptions) -> ConsumerFacts:
    """Read everything the consumer checks need, in two concurrent rounds."""
    from plcheck.aws import consumer as aws
    from plcheck.aws.endpoints import interface_endpoints
    from plcheck.aws.network import (
        network_acls_for_vpcs,
        security_groups_in_vpcs,
        subnets_in_vpcs,
    )
    from plcheck.aws.zones import account_zones

    validate(options)
    vpc_id = options.vpc_id
    region = ctx.region(scope)
    first = _settle(
        ctx,
        {
            "account": lambda: ctx.account_id(scope),
            "vpc": lambda: aws.vpc(ctx, scope, vpc_id),
            "dns": lambda: aws.vpc_dns_attributes(ctx, scope, vpc_id),
            "zones": lambda: ctx.call(scope, "ec2", "describe_availability_zones"),
            "subnets": lambda: subnets_in_vpcs(ctx, scope, [vpc_id]),
            "endpoints": lambda: interface_endpoints(ctx, scope, vpc_id),
            "groups": lambda: security_groups_in_vpcs(ctx, scope, [vpc_id]),
            "acls": lambda: network_acls_for_vpcs(ctx, scope, [vpc_id]),
            "hosted_zones": lambda: aws.hosted_zones_for_vpc(ctx, scope, vpc_id, region),
        },
    )
    vpc = first["vpc"]
    for key in ("vpc", "dns"):
        error = first[key]
        if isinstance(error, AwsCallError) and error.kind is AwsErrorKind.NOT_FOUND:
            raise UsageError(
                f"VPC {vpc_id} does not exist in {scope.label} ({region}); "
                "check the VPC ID, --profile and --region"
            )
    account = first["account"]
    if isinstance(account, AwsCallError):
        account = vpc.owner if isinstance(vpc, Vpc) else ""
    endpoints = first["endpoints"]
    names = list(options.services)
    regions = [region_in_service_name(n) for n in names]
    if not isinstance(endpoints, AwsCallError):
        for endpoint in endpoints:
            names.append(endpoint.service_name)
            regions.append(endpoint.service_region or region_in_service_name(endpoint.service_name))
    second = _settle(
        ctx,
        {
            "services": lambda: aws.endpoint_services(ctx, scope, names, regions),
            "dhcp": lambda: (
                vpc
                if isinstance(vpc, AwsCallError)
                else aws.dhcp_options(ctx, scope, vpc.dhcp_options_id)
            ),
            # Served from the call cache: the zones were read in the first round.
            "zones": lambda: account_zones(ctx, scope, str(account)),
        },
    )
    dhcp = second["dhcp"]
    return ConsumerFacts(
        options=options,
        account=str(account),
        region=region,
        vpc=vpc,
        dns=first["dns"],
        dhcp=dhcp,
        zones=second["zones"],
        subnets=first["subnets"],
        endpoints=endpoints,
        services=second["services"],
        groups=first["groups"],
        acls=first["acls"],
        hosted_zones=first["hosted_zones"],
    )


def targets(facts: ConsumerFacts) -> list[Target] | AwsCallError:
    """The endpoints to check, and the planned endpoints for services without one."""
    if isinstance(facts.endpoints, AwsCallError):
        return facts.endpoints
    options = facts.options
    found = [
        Target(e.service_name, e, e.subnet_ids, e.group_ids)
        for e in facts.endpoints
        if not options.services or e.service_name in options.services
    ]
    for name in options.services:
        if any(t.service_name == name for t in found):
            continue
        notes = []
        subnets = options.subnets
        if not subnets and not isinstance(facts.subnets, AwsCallError):
            subnets = tuple(s.subnet_id for s in facts.subnets)
            notes.append("every subnet of the VPC is a candidate (no --subnet)")
        groups = options.security_groups
        if not groups and not isinstance(facts.groups, AwsCallError):
            groups = tuple(
                g.group_id
                for g in facts.groups
                if g.name == "default" and g.vpc_id in ("", options.vpc_id)
            )
            notes.append("the VPC's default security group, as AWS uses it (no --security-group)")
        found.append(
            Target(name, None, subnets, groups, chosen=bool(options.subnets), notes=tuple(notes))
        )
    return found


def judge(facts: ConsumerFacts) -> list[Finding]:
    """Every consumer check over the gathered facts; unreadable facts become error findings."""
    account, region, vpc_id = facts.account, facts.region, facts.options.vpc_id
    findings: list[Finding] = []

    def error(spec: CheckSpec, resource: str, *facts_needed: object) -> bool:
        """Add the error finding when a needed fact could not be read."""
        failed = next((f for f in facts_needed if isinstance(f, AwsCallError)), None)
        if failed is not None:
            findings.append(error_finding(spec, resource, failed, account, region))
        return failed is not None

    planned = targets(facts)
    services = facts.services
    names = list(dict.fromkeys([*facts.options.services, *_target_services(planned)]))

    # service-visible
    if not names and not isinstance(planned, AwsCallError):
        findings.append(_nothing_to_check(facts))
    elif not error(service_visible.SPEC, vpc_id, planned) and not error(
        service_visible.SPEC, ", ".join(names), services
    ):
        assert not isinstance(services, AwsCallError)
        findings.extend(service_visible.judge(names, services, account=account, region=region))

    # vpc-dns-attributes
    dns = facts.dns
    if not error(vpc_dns_attributes.SPEC, vpc_id, dns):
        assert isinstance(dns, VpcDnsAttributes)
        if (not dns.dns_support or not dns.dns_hostnames) and error(
            vpc_dns_attributes.SPEC, vpc_id, planned, services
        ):
            pass  # whether private DNS is used could not be read
        else:
            users = _private_dns_users(planned, services)
            findings.extend(vpc_dns_attributes.judge(dns, users, account=account, region=region))

    # vpc-dhcp-resolver
    if not error(vpc_dhcp_resolver.SPEC, vpc_id, facts.vpc, facts.dhcp):
        assert isinstance(facts.vpc, Vpc)
        assert isinstance(facts.dhcp, DhcpOptions)
        findings.extend(
            vpc_dhcp_resolver.judge(facts.vpc, facts.dhcp, account=account, region=region)
        )

    if isinstance(planned, AwsCallError):
        for spec in _TARGET_SPECS:
            error(spec, vpc_id, planned)
        return findings
    for target in planned:
        findings.extend(_judge_target(facts, target, planned))
    return findings


_TARGET_SPECS = (
    endpoint_state.SPEC,
    endpoint_az_coverage.SPEC,
    endpoint_private_dns.SPEC,
    endpoint_security_groups.SPEC,
    endpoint_network_acls.SPEC,
    private_dns_conflict.SPEC,
)


def _target_services(planned: list[Target] | AwsCallError) -> list[str]:
    return [] if isinstance(planned, AwsCallError) else [t.service_name for t in planned]


def _private_dns_users(
    planned: list[Target] | AwsCallError, services: dict[str, ServiceDetail] | AwsCallError
) -> list[str]:
    if isinstance(planned, AwsCallError):
        return []
    users = []
    for target in planned:
        if target.endpoint is not None:
            if target.endpoint.private_dns_enabled:
                users.append(target.endpoint.endpoint_id)
        elif not isinstance(services, AwsCallError):
            detail = services.get(target.service_name)
            if detail is not None and detail.private_dns_name:
                users.append(f"the planned endpoint to {target.service_name}")
    return users


def _nothing_to_check(facts: ConsumerFacts) -> Finding:
    return Finding(
        check=service_visible.SPEC.id,
        status=Status.SKIP,
        resource=facts.options.vpc_id,
        account=facts.account,
        region=facts.region,
        message=(
            f"{facts.options.vpc_id} has no interface endpoints; pass --service NAME to "
            "preflight one before it exists"
        ),
    )


def _not_visible(spec: CheckSpec, target: Target, facts: ConsumerFacts) -> Finding:
    return Finding(
        check=spec.id,
        status=Status.SKIP,
        resource=target.resource,
        account=facts.account,
        region=facts.region,
        message=f"{target.service_name} is not visible to this account (see service-visible)",
    )


def _judge_target(facts: ConsumerFacts, target: Target, planned: list[Target]) -> list[Finding]:
    account, region, vpc_id = facts.account, facts.region, facts.options.vpc_id
    resource = target.resource
    findings: list[Finding] = []
    where = {"account": account, "region": region}

    def error(spec: CheckSpec, *facts_needed: object) -> bool:
        failed = next((f for f in facts_needed if isinstance(f, AwsCallError)), None)
        if failed is not None:
            findings.append(error_finding(spec, resource, failed, account, region))
        return failed is not None

    services = facts.services
    service = None if isinstance(services, AwsCallError) else services.get(target.service_name)

    # endpoint-state
    if target.endpoint is None:
        findings.append(endpoint_state.planned(target.service_name, **where))
    else:
        findings.extend(endpoint_state.judge(target.endpoint, service, **where))

    # endpoint-az-coverage
    spec = endpoint_az_coverage.SPEC
    if not error(spec, services, facts.subnets, facts.zones):
        assert isinstance(facts.subnets, list)
        assert isinstance(facts.zones, AccountZones)
        if service is None:
            findings.append(_not_visible(spec, target, facts))
        else:
            findings.extend(
                endpoint_az_coverage.judge(
                    resource,
                    service,
                    target.subnet_ids,
                    facts.subnets,
                    facts.zones,
                    vpc_id=vpc_id,
                    chosen=target.chosen,
                    existing=target.endpoint is not None,
                )
            )

    # endpoint-private-dns
    spec = endpoint_private_dns.SPEC
    if not error(spec, services):
        if service is None:
            findings.append(_not_visible(spec, target, facts))
        else:
            findings.extend(endpoint_private_dns.judge(resource, service, target.endpoint, **where))

    # endpoint-security-groups
    spec = endpoint_security_groups.SPEC
    if not error(spec, facts.vpc, facts.groups):
        assert isinstance(facts.vpc, Vpc)
        assert isinstance(facts.groups, list)
        findings.extend(
            endpoint_security_groups.judge(
                resource,
                target.group_ids,
                facts.groups,
                facts.vpc,
                facts.options.ports,
                **where,
            )
        )

    # endpoint-network-acls: a plan without --subnet is judged on the subnets recommended.
    spec = endpoint_network_acls.SPEC
    if not error(spec, facts.vpc, facts.acls):
        assert isinstance(facts.vpc, Vpc)
        assert isinstance(facts.acls, list)
        subnet_ids = target.subnet_ids
        if not target.chosen:
            subnet_ids = _recommended(facts, service) or subnet_ids
        findings.extend(
            endpoint_network_acls.judge(
                resource, subnet_ids, facts.acls, facts.vpc, facts.options.ports, **where
            )
        )

    # private-dns-conflict
    spec = private_dns_conflict.SPEC
    if not error(spec, services, facts.hosted_zones):
        assert isinstance(facts.hosted_zones, list)
        if service is None:
            findings.append(_not_visible(spec, target, facts))
        else:
            in_use = any(
                t.endpoint is not None
                and t.endpoint.private_dns_enabled
                and t.service_name == target.service_name
                for t in planned
            )
            findings.extend(
                private_dns_conflict.judge(
                    resource,
                    service,
                    facts.hosted_zones,
                    vpc_id=vpc_id,
                    private_dns_in_use=in_use,
                    private_dns_planned=target.endpoint is None
                    or target.endpoint.private_dns_enabled,
                    **where,
                )
            )
    return findings


def _recommended(facts: ConsumerFacts, service: ServiceDetail | None) -> tuple[str, ...]:
    if service is None or isinstance(facts.subnets, AwsCallError):
        return ()
    if isinstance(facts.zones, AwsCallError):
        return ()
    choices = endpoint_az_coverage.subnets_to_use(service, facts.subnets, facts.zones)
    return tuple(c.subnet.subnet_id for c in choices if c.subnet)


def views(facts: ConsumerFacts) -> list[View]:
    """Per service: its zones in this account's names, and the subnet to use in each."""
    planned = targets(facts)
    if (
        isinstance(planned, AwsCallError)
        or isinstance(facts.services, AwsCallError)
        or isinstance(facts.subnets, AwsCallError)
        or isinstance(facts.zones, AwsCallError)
    ):
        return []
    out = []
    for name in dict.fromkeys(t.service_name for t in planned):
        service = facts.services.get(name)
        if service is None or (service.region and service.region != facts.region):
            continue
        mine = [t for t in planned if t.service_name == name]
        current = {s for t in mine if t.endpoint for s in t.subnet_ids}
        chosen = {s for t in mine if not t.endpoint and t.chosen for s in t.subnet_ids}
        choices = endpoint_az_coverage.subnets_to_use(
            service, facts.subnets, facts.zones, preferred=sorted(current | chosen)
        )
        rows: list[tuple[str, ...]] = []
        highlight = set()
        for choice in choices:
            subnet = choice.subnet
            if subnet is None:
                note = "no subnet here: create one"
            elif subnet.subnet_id in current:
                note = "✓ endpoint subnet"
            elif subnet.subnet_id in chosen:
                note = "✓ planned"
            else:
                note = "✓ use this"
            rows.append(
                (
                    choice.zone_id,
                    choice.zone_name or "—",
                    subnet.subnet_id if subnet else "—",
                    subnet.name if subnet and subnet.name else "",
                    note,
                )
            )
        for subnet in facts.subnets:
            if subnet.zone_id in service.zone_ids:
                continue
            highlight.add(len(rows))
            planned_here = subnet.subnet_id in chosen or subnet.subnet_id in current
            rows.append(
                (
                    subnet.zone_id,
                    subnet.zone_name,
                    subnet.subnet_id,
                    subnet.name,
                    "✗ not offered" + (" (planned!)" if planned_here else ""),
                )
            )
        out.append(
            View(
                title=f"Subnets for {name}",
                columns=("AZ ID", "Zone name", "Subnet", "Name", "Use"),
                rows=tuple(rows),
                highlight=frozenset(highlight),
                note=(
                    f"Zone names are account {facts.account}'s. One subnet per zone the "
                    "service is offered in; zones compared by AZ ID."
                ),
            )
        )
    return out


def register(app: typer.Typer) -> None:
    @app.command("consumer")
    def consumer(
        vpc_id: Annotated[
            str, typer.Argument(help="The consumer VPC (vpc-…).", show_default=False)
        ],
        profile: ProfileOption = None,
        region: RegionOption = None,
        service: Annotated[
            list[str] | None,
            typer.Option(
                "--service",
                "-s",
                metavar="SERVICE",
                help="Endpoint service name to check (repeatable); planned if the VPC has "
                "no endpoint to it yet.",
                show_default=False,
            ),
        ] = None,
        subnet: Annotated[
            list[str] | None,
            typer.Option(
                "--subnet",
                metavar="SUBNET_ID",
                help="Planned endpoint subnet (repeatable; default: every subnet of the VPC).",
                show_default=False,
            ),
        ] = None,
        security_group: Annotated[
            list[str] | None,
            typer.Option(
                "--security-group",
                metavar="SG_ID",
                help="Planned endpoint security group (repeatable; default: the VPC's default).",
                show_default=False,
            ),
        ] = None,
        port: Annotated[
            list[int] | None,
            typer.Option(
                "--port",
                metavar="PORT",
                help="TCP port clients use (repeatable; default 443).",
                show_default=False,
            ),
        ] = None,
        role_arn: RoleArnOption = None,
        external_id: ExternalIdOption = None,
        fmt: FormatOption = Format.TABLE,
        output: OutputOption = None,
        fail_on: FailOnOption = FailOn.FAIL,
    ) -> None:
        """Preflight a consumer VPC and its interface endpoints, before and after they exist."""
        options = ConsumerOptions(
            vpc_id=vpc_id,
            services=tuple(dict.fromkeys(service or [])),
            subnets=tuple(dict.fromkeys(subnet or [])),
            security_groups=tuple(dict.fromkeys(security_group or [])),
            ports=tuple(dict.fromkeys(port or [DEFAULT_PORT])),
        )
        validate(options)
        from plcheck.aws import AwsContext, Scope

        scope = Scope(profile=profile, region=region, role_arn=role_arn, external_id=external_id)
        with AwsContext() as ctx:
            facts = gather(ctx, scope, options)
        finish("consumer", judge(facts), OutputOptions(fmt, output, fail_on), views(facts))


def demo_steps(world: SimulatedWorld, mismatch: AzMismatchScenario) -> Iterator[DemoStep]:
    """The ``plcheck demo`` steps: the AZ-mismatch consumer planning, then two other VPCs."""
    from plcheck.commands.demo import DemoStep
    from plcheck.sim.consumer_scenarios import consumer_story

    story = consumer_story(world, mismatch)
    planned = (
        mismatch.consumer_subnet_ids["us-east-1a"],
        mismatch.consumer_subnet_ids["us-east-1b"],
    )
    yield DemoStep(
        command="consumer",
        title="Plan an endpoint from the consumer's account, before it exists",
        story=(
            f"Consumer {mismatch.consumer_account} plans its burrito endpoint in us-east-1a and "
            f"us-east-1b, the zone names of the provider's NLB; its us-east-1a is use1-az4, "
            "where the NLB is not."
        ),
        args=(
            "consumer",
            mismatch.consumer_vpc_id,
            "--profile",
            "consumer",
            "--service",
            mismatch.service_name,
            *(a for s in planned for a in ("--subnet", s)),
            "--security-group",
            mismatch.consumer_security_group_id,
        ),
    )
    salsa = story.planning_without_hostnames
    yield DemoStep(
        command="consumer",
        title="Private DNS needs DNS hostnames",
        story=(
            f"VPC {salsa.vpc_id} plans an endpoint to the tortilla service (private DNS "
            f"{story.tortilla.private_dns_name}, verified) with enableDnsHostnames off."
        ),
        args=(
            "consumer",
            salsa.vpc_id,
            "--profile",
            "consumer",
            "--service",
            story.tortilla.service_name,
            "--security-group",
            salsa.security_group_id,
        ),
    )
    guac = story.broken
    yield DemoStep(
        command="consumer",
        title="An endpoint that exists and that nothing reaches",
        story=(
            f"VPC {guac.vpc_id} has an available endpoint to tortilla with private DNS, but "
            "its security group admits only 80, its subnets' network ACL drops replies to "
            "ephemeral ports, DHCP hands out custom name servers, and the team's own "
            "tortilla.example.com private zone is associated with the VPC."
        ),
        args=("consumer", guac.vpc_id, "--profile", "consumer"),
    )
