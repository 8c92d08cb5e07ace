"""The steps of ``plcheck demo``: scenarios in the simulated world, and commands for them.

Each step is a command as a user would type it, diagnosing a scenario the step
built through the AWS API (with, where a step needs them, DNS and TLS servers on
loopback that live exactly as long as the step: the demo resumes the generator
after running the command, or closes it).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Generator
from dataclasses import dataclass
from typing import TYPE_CHECKING

#: What the step functions yield.
Steps = Generator["DemoStep", None, None]

if TYPE_CHECKING:
    from plcheck.sim.consumer_scenarios import ConsumerStory
    from plcheck.sim.link_scenarios import LinkStory
    from plcheck.sim.provider_scenarios import ProviderScenario
    from plcheck.sim.scenarios import AzMismatchScenario
    from plcheck.sim.world import SimulatedWorld


@dataclass(frozen=True)
class DemoStep:
    """One command the demo runs, as a user would type it."""

    command: str
    """The command name, for ``--only``."""
    title: str
    """Heading printed above the step."""
    story: str
    """What the scenario set up and what to look for."""
    args: tuple[str, ...]
    """The arguments after ``plcheck``."""


def demo_steps(world: SimulatedWorld) -> Steps:
    """Build each scenario through the AWS API and yield the commands that diagnose it.

    What the demo builds lives until it ends: moto's modules and backends, the models
    the clients parsed, plcheck's modules after its first command. Python's cyclic
    collector would scan all of it again at every full collection (about a second of
    the demo's CPU); frozen before each step, it is scanned no more, and given back
    to the collector when the demo ends. At the process's exit, the interpreter would
    collect the whole heap several times over (~0.9 s) for memory the system takes
    back anyway: it is frozen again then.
    """
    import atexit
    import gc

    try:
        gc.freeze()
        for step in _steps(world):
            gc.freeze()
            yield step
    finally:
        gc.unfreeze()
        atexit.unregister(gc.freeze)  # once, however many demos a process runs
        atexit.register(gc.freeze)


def _steps(world: SimulatedWorld) -> Steps:
    from plcheck.sim import scenarios
    from plcheck.sim.link_scenarios import link_story

    mismatch = scenarios.az_mismatch(world)
    yield DemoStep(
        command="az-map",
        title="AZ names are per account",
        story=(
            f"Provider {mismatch.provider_account} runs an NLB in two zones; consumer "
            f"{mismatch.consumer_account} has subnets with the same zone names that land in "
            "other physical zones."
        ),
        args=(
            "az-map",
            "--profile",
            "provider",
            "--profile",
            "consumer",
            "--service",
            mismatch.service_name,
        ),
    )
    tacos = yield from _provider_steps(world)
    story = yield from _consumer_steps(world, mismatch)
    yield from _probe_steps()
    yield from _check_steps(world, mismatch, link_story(world, mismatch, tacos, story.tortilla))
    yield from _plan_steps(mismatch)


def _plan_steps(mismatch: AzMismatchScenario) -> Steps:
    """``plcheck plan`` on the consumer's Terraform plan, written for the step's duration."""
    import json
    import tempfile
    from pathlib import Path

    from plcheck.sim.plans import aliased_module_plan, demo_plan

    with tempfile.TemporaryDirectory(prefix="plcheck-demo-") as directory:
        plan = Path(directory) / "plan.json"
        plan.write_text(json.dumps(demo_plan(mismatch), indent=2), encoding="utf-8")
        aliased = Path(directory) / "aliased.json"
        aliased.write_text(json.dumps(aliased_module_plan(mismatch), indent=2), encoding="utf-8")
        yield DemoStep(
            command="plan",
            title="Check a Terraform plan before apply",
            story=(
                "The consumer's plan puts aws_vpc_endpoint.burrito in two subnets by ID, one "
                "in a zone the NLB lacks; aws_vpc_endpoint.later waits for a subnet created "
                "in the same plan, whose zone is known only after apply; "
                "aws_vpc_endpoint.sqs gets a group that admits HTTP only; a planned Resolver "
                "rule forwards aws_vpc_endpoint.later's private DNS name on premises."
            ),
            args=("plan", str(plan), "--profile", "consumer"),
        )
        yield DemoStep(
            command="plan",
            title="A plan across two accounts: module for_each and aliased providers",
            story=(
                'module.pl["burrito"] and module.pl["tacos"] create endpoints through '
                "aws.consumer; the same apply creates the provider's service through "
                "aws.provider. Each endpoint is judged with the consumer account's own zone "
                "map (--provider-profile consumer=consumer), not --profile's; the service is "
                "judged in the provider's account by the provider checks that hold before apply. "
                "The same apply creates aws_vpc_endpoint_service.salsa and an endpoint to it: the "
                "link checks join the two, and link-zones finds the endpoint's us-east-1a "
                "(use1-az4 in the consumer's names) outside the NLB's zones, which the provider "
                "also calls us-east-1a and us-east-1b (use1-az1, use1-az2)."
            ),
            args=(
                "plan",
                str(aliased),
                "--profile",
                "provider",
                "--provider-profile",
                "consumer=consumer",
                "--provider-profile",
                "provider=provider",
            ),
        )


PROBE_HOST = "api.burrito.example.com"
"""The name the probe step resolves and handshakes with."""


def _probe_steps() -> Steps:
    """``plcheck probe`` against a DNS server and TLS servers this step runs on loopback."""
    import tempfile
    from contextlib import ExitStack
    from pathlib import Path

    from plcheck.sim.dns_server import DnsServer
    from plcheck.sim.tls_server import Pki, servers_on_one_port

    pki = Pki("plcheck demo")
    lb_name = "burrito-nlb-0123456789abcdef.elb.us-east-1.amazonaws.com"
    certs = {
        "127.0.0.2": pki.leaf(PROBE_HOST),
        "127.0.0.3": pki.leaf(lb_name),  # the load balancer's own name, not the service's
        "127.0.0.4": pki.leaf(PROBE_HOST, expired=True),
    }
    # The servers run exactly as long as the step: the demo loop resumes this
    # generator after running the command (or closes it if interrupted), which
    # leaves the ExitStack and stops them before the CA bundle is deleted.
    with ExitStack() as stack:
        directory = stack.enter_context(tempfile.TemporaryDirectory(prefix="plcheck-demo-"))
        ca_bundle = pki.ca_bundle(Path(directory), "burrito-demo-ca.pem")
        servers = servers_on_one_port(certs)
        for server in servers:
            stack.callback(server.stop)  # registered before any starts, so none is left running
        for server in servers:
            server.start()
        dns = stack.enter_context(DnsServer({PROBE_HOST: {"A": list(certs)}}))
        yield DemoStep(
            command="probe",
            title="Probe a name from where you stand: DNS, TCP and TLS",
            story=(
                f"A DNS server on {dns.resolver} answers {PROBE_HOST} with "
                f"{', '.join(certs)}; TLS servers there present certificates from a demo CA: "
                f"127.0.0.2 a good one, 127.0.0.3 one for {lb_name}, 127.0.0.4 an expired one."
            ),
            args=(
                "probe",
                PROBE_HOST,
                "--resolver",
                dns.resolver,
                "--port",
                str(servers[0].port),
                "--ca-bundle",
                str(ca_bundle),
                "--timeout",
                "2",
            ),
        )


def _provider_steps(world: SimulatedWorld) -> Generator[DemoStep, None, ProviderScenario]:
    """The ``plcheck demo`` step: the provider scenario, with its TXT record misplaced."""
    from plcheck.sim.dns_server import DnsServer
    from plcheck.sim.provider_scenarios import provider_preflight

    built = provider_preflight(world)
    # The verification value published at the private DNS name itself, not under the
    # _label AWS asked for: the mistake behind most stuck verifications.
    records = {built.private_dns_name: {"TXT": [built.txt_value]}}
    with DnsServer(records) as dns:
        yield DemoStep(
            command="provider",
            title="Preflight an endpoint service from the provider's account",
            story=(
                f"{built.service_id} ({built.nlb_name}): NLB in 2 of 6 zones, target "
                f"{built.unhealthy_target} unhealthy with cross-zone off, NLB security group "
                f"admitting 443 only from a security group, private DNS "
                f"{built.private_dns_name} pending verification with its TXT record at the "
                f"wrong name (DNS on {dns.resolver}), and an endpoint of "
                f"{built.consumer_account} waiting for acceptance."
            ),
            args=(
                "provider",
                built.service_id,
                "--profile",
                "provider",
                "--consumer-account",
                built.consumer_account,
                "--resolver",
                dns.resolver,
            ),
        )
    return built


def _consumer_steps(
    world: SimulatedWorld, mismatch: AzMismatchScenario
) -> Generator[DemoStep, None, ConsumerStory]:
    """The ``plcheck demo`` steps: the AZ-mismatch consumer planning, then two other VPCs."""
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
            "ephemeral ports, DHCP hands out custom name servers, the team's own "
            "tortilla.example.com private zone, associated with the VPC, still holds an old "
            "record for api.tortilla.example.com that the endpoint's zone now shadows, and a "
            "Resolver rule forwards api.tortilla.example.com itself to on-premises DNS servers."
        ),
        args=("consumer", guac.vpc_id, "--profile", "consumer"),
    )
    return story


def _check_steps(world: SimulatedWorld, mismatch: AzMismatchScenario, story: LinkStory) -> Steps:
    """The ``plcheck demo`` step: both sides of three links from one plcheck.toml.

    The burrito link plans an endpoint partly in the wrong zone; the tacos and tortilla
    links (:mod:`plcheck.sim.link_scenarios`) fail each join of the two sides.
    """
    import tempfile
    from contextlib import ExitStack
    from pathlib import Path

    from plcheck.sim.dns_server import DnsServer
    from plcheck.sim.link_scenarios import LATE_CLIENT_CIDR, TORTILLA_PORT, links_toml
    from plcheck.sim.tls_server import Pki, servers_on_one_port

    # A loopback DNS server (the provider's TXT lookups and the probe's name) and a TLS
    # server for the probe, so the demo stays offline; they and the config live exactly
    # as long as the step (the demo resumes this generator).
    pki = Pki("plcheck demo")
    with ExitStack() as stack:
        directory = stack.enter_context(tempfile.TemporaryDirectory(prefix="plcheck-demo-"))
        ca_bundle = pki.ca_bundle(Path(directory), "burrito-demo-ca.pem")
        (server,) = servers_on_one_port({"127.0.0.2": pki.leaf(PROBE_HOST)})
        stack.callback(server.stop)
        server.start()
        dns = stack.enter_context(DnsServer({PROBE_HOST: {"A": ["127.0.0.2"]}}))
        config = Path(directory) / "plcheck.toml"
        subnets = ", ".join(f'"{s}"' for s in mismatch.consumer_subnet_ids.values())
        config.write_text(
            "[[link]]\n"
            'name = "burrito"\n'
            f'service = "{mismatch.service_name}"\n'
            f'provider = {{ profile = "{mismatch.provider_profile}", '
            f'region = "{mismatch.region}", resolver = "{dns.resolver}", dns_timeout = 1 }}\n'
            "\n"
            "[[link.consumer]]\n"
            f'profile = "{mismatch.consumer_profile}"\n'
            f'region = "{mismatch.region}"\n'
            f'vpc = "{mismatch.consumer_vpc_id}"\n'
            f"subnets = [{subnets}]\n"
            f'probe = {{ host = "{PROBE_HOST}", port = {server.port}, '
            f'resolver = "{dns.resolver}", ca_bundle = "{ca_bundle.name}", timeout = 2 }}\n'
            "\n"
            + links_toml(story, mismatch.provider_profile, mismatch.consumer_profile, dns.resolver)
            + "[[ignore]]\n"
            'check = "nlb-az-coverage"\n'
            f'resource = "{mismatch.service_id}"\n'
            'reason = "two zones by design"\n'
            f'until = "{(dt.date.today() + dt.timedelta(days=90)).isoformat()}"\n',
            encoding="utf-8",
        )
        yield DemoStep(
            command="check",
            title="One gate for every link: provider and consumer, across accounts",
            story=(
                f"A plcheck.toml describes three links from provider {mismatch.provider_account} "
                f"to consumer {mismatch.consumer_account}. burrito plans its endpoint in all "
                "three consumer subnets, ignores the NLB's two zones (by design) and probes the "
                "service's name from here. tacos has an endpoint waiting for acceptance, and a "
                f"second VPC planning one in the zone of the unhealthy target, for clients in "
                f"its CIDR and {LATE_CLIENT_CIDR}, which the NLB's security group does not "
                f"admit. tortilla's clients use port {TORTILLA_PORT}. Look for the subnet in the "
                "wrong zone, the ignored warning, and the link-* joins that fail."
            ),
            args=("check", "--config", str(config)),
        )
