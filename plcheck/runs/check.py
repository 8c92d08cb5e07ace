"""The check run: every link of a ``plcheck.toml``, its sides and probes, then their joins.

One :class:`~plcheck.aws.AwsContext` serves the whole run, so identical calls
(a provider read by two links, zones read by two consumers in one account) are
made once, and every link, side and probe runs in the context's bounded pool.
Each side gathers and judges with the provider, consumer or probe run's own
functions and keeps its facts; then each consumer's facts are joined with its
link's provider facts (:class:`~plcheck.facts.link.LinkFacts`) and judged by the
``link`` checks, which only this run can make. Findings are labelled with their
link and the config line they belong to, then the config's ignores apply.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from functools import partial
from typing import TYPE_CHECKING, Any

from plcheck.checks import checks_for, framework
from plcheck.checks.service_allowed_principals import consumers
from plcheck.errors import UsageError
from plcheck.facts.link import LinkFacts
from plcheck.gate import ignores
from plcheck.gate.topology import Account, Consumer, GateConfig, Link
from plcheck.model import Finding, Report, Status, View
from plcheck.runs.zone_grid import ConsumerZones, ProviderZones, by_zone, zone_grid

if TYPE_CHECKING:
    from plcheck.aws import AwsContext, Scope
    from plcheck.facts.consumer import ConsumerFacts
    from plcheck.facts.provider import ProviderFacts
    from plcheck.runs.provider import ProviderOptions


@dataclass(frozen=True)
class Task:
    """One unit of the run: a link's provider, one of its consumers, a probe, or a join."""

    link: Link
    """The link it belongs to."""
    side: str
    """``provider``, ``consumer``, ``probe`` or ``link`` (a consumer joined with its provider)."""
    line: int
    """Line in the config that asked for it (usage errors and findings' locations)."""
    consumer: Consumer | None = None
    """The consumer, for consumer, probe and link tasks."""

    @property
    def label(self) -> str:
        """``burrito provider``, ``burrito consumer vpc-…`` for messages."""
        if self.consumer is None:
            return f"{self.link.name} {self.side}"
        return f"{self.link.name} {self.side} {self.consumer.vpc}"


@dataclass(frozen=True)
class Done:
    """What one task produced: its findings, and the facts a join needs."""

    findings: list[Finding]
    """The task's findings, unlabelled."""
    facts: ProviderFacts | ConsumerFacts | LinkFacts | None = None
    """The provider's, consumer's or join's facts (None for probes)."""


@dataclass(frozen=True)
class GateRun:
    """Everything one ``plcheck check`` produced."""

    findings: tuple[Finding, ...]
    """Every finding, ignores applied, in link and task order."""
    tasks: tuple[Task, ...]
    """What ran: the sides and probes, then the joins."""
    counts: dict[Task, dict[str, int]]
    """Task → status counts, for the summary view."""
    grids: tuple[View, ...] = ()
    """The zone grid of every join whose zones could be read."""


def scope_of(account: Account) -> Scope:
    """The AWS layer's scope for one side of a link."""
    from plcheck.aws import Scope

    return Scope(
        profile=account.profile,
        region=account.region,
        role_arn=account.role_arn,
        external_id=account.external_id,
    )


def tasks(config: GateConfig) -> list[Task]:
    """Every task of every link, in file order."""
    out = []
    for link in config.links:
        if link.provider is not None:
            out.append(Task(link, "provider", link.line))
        for consumer in link.consumers:
            out.append(Task(link, "consumer", consumer.line, consumer))
            if consumer.probe is not None:
                out.append(Task(link, "probe", consumer.line, consumer))
    return out


def only_links(config: GateConfig, links: Sequence[str]) -> GateConfig:
    """``config`` with only the named links; a usage error for a name it lacks."""
    unknown = sorted(set(links) - {link.name for link in config.links})
    if unknown:
        known = ", ".join(link.name for link in config.links)
        raise UsageError(f"no link named {', '.join(unknown)} in {config.path} ({known})")
    return replace(config, links=tuple(lk for lk in config.links if lk.name in links))


def joins(config: GateConfig) -> list[Task]:
    """One join per consumer of every link."""
    return [
        Task(link, "link", consumer.line, consumer)
        for link in config.links
        for consumer in link.consumers
    ]


def gate(config: GateConfig, ctx: AwsContext, today: dt.date | None = None) -> GateRun:
    """Run every task concurrently, join each link's sides, and apply the config's ignores."""
    today = today or dt.date.today()
    planned = tasks(config)
    siblings = _siblings(planned)
    outcomes = ctx.gather([_runner(config, task, ctx, siblings) for task in planned])
    done = {task: outcome.get() for task, outcome in zip(planned, outcomes, strict=True)}
    joined = joins(config)
    for task in joined:
        done[task] = _join(task, done)
    findings: list[Finding] = []
    counts: dict[Task, dict[str, int]] = {}
    for task in [*planned, *joined]:
        # AWS failures are findings already.
        found = [_labelled(f, task, config) for f in done[task].findings]
        findings += found
        counts[task] = _count(found)
    source = str(config.path)
    judged = list(ignores.apply(findings, config.ignores, source=source, today=today))
    judged += framework.judge(
        "check", "ignores", ignores.facts(config.ignores, source=source, today=today)
    )
    grids = tuple(
        grid
        for task in joined
        if isinstance(facts := done[task].facts, LinkFacts)
        for grid in [link_grid(facts)]
        if grid is not None
    )
    return GateRun(tuple(judged), (*planned, *joined), counts, grids)


def _runner(
    config: GateConfig, task: Task, ctx: AwsContext, siblings: dict[Task, tuple[str, ...]]
) -> Callable[[], Done]:
    sides: dict[str, Callable[[Task, AwsContext], Done]] = {
        "provider": partial(_provider, siblings=siblings.get(task, ())),
        "consumer": _consumer,
        "probe": _probe,
    }
    work = sides[task.side]

    def run_task() -> Done:
        try:
            return work(task, ctx)
        except UsageError as exc:
            # A profile, region or ID the AWS layer refuses is a mistake in the config.
            where = f"{config.path}:{task.line}" if task.line else str(config.path)
            raise UsageError(f"{where}: link {task.link.name!r} {task.side}: {exc}") from None

    return run_task


def _provider_options(link: Link, account: Account) -> ProviderOptions:
    """The provider run's options for a link's service, before its consumers are known."""
    from plcheck.runs import provider

    return provider.ProviderOptions(
        service=link.service,
        scope=scope_of(account),
        resolver=account.resolver,
        dns_timeout=account.dns_timeout,
    )


def _siblings(planned: Sequence[Task]) -> dict[Task, tuple[str, ...]]:
    """Provider task → the other links' services in the same account and Region.

    Each provider task reads its siblings' services too, in the same calls, so the run's
    call cache makes one DescribeVpcEndpointServiceConfigurations (and one of each read
    behind it) for all the links to one provider, not one per link.
    """
    from plcheck.runs import provider

    by_place: dict[Scope, list[tuple[Task, str]]] = {}
    for task in planned:
        account = task.link.provider
        if task.side != "provider" or account is None:
            continue
        try:
            target = provider.validate(_provider_options(task.link, account))
        except UsageError:
            continue  # reported by the task itself
        if target.service_id:
            by_place.setdefault(target.scope, []).append((task, target.service_id))
    return {
        task: tuple(sorted({s for _, s in group} - {service_id}))
        for group in by_place.values()
        for task, service_id in group
    }


def _provider(task: Task, ctx: AwsContext, siblings: Sequence[str] = ()) -> Done:
    """The provider's facts of the link's service and its checks, expecting its consumers."""
    from plcheck.runs import provider

    link, account = task.link, task.link.provider
    assert account is not None
    consumer_accounts, consumer_regions = _consumers_seen(ctx, link)
    options = replace(
        _provider_options(link, account),
        consumer_accounts=tuple(consumer_accounts),
        consumer_regions=tuple(consumer_regions),
        # The roles that create the consumers' endpoints. Their client CIDRs (VPC blocks and
        # client_cidrs) are judged once, per consumer, by link-sources: not passed here.
        consumer_principals=tuple(c.principal for c in link.consumers if c.principal),
    )
    target = provider.validate(options)
    facts = provider.gather(ctx, options, siblings)
    findings = provider.judge(
        facts,
        target.service_id,
        options.consumer_accounts,
        options.consumer_regions,
        consumer_principals=options.consumer_principals,
        sources_by_link=True,
    )
    return Done(findings, facts)


def _consumers_seen(ctx: AwsContext, link: Link) -> tuple[list[str], list[str]]:
    """The consumers' accounts and regions, so the provider checks each one is allowed."""

    def where(consumer: Consumer) -> tuple[str, str]:
        scope = scope_of(consumer.account)
        try:
            return ctx.account_id(scope), ctx.region(scope)
        except UsageError:
            return "", ""  # a bad profile or region is reported by the consumer's own task

    outcomes = ctx.gather([partial(where, c) for c in link.consumers])
    # An account that cannot be read is reported by its consumer task; leave it out here.
    seen = [o.value for o in outcomes if o.error is None and o.value is not None]
    return sorted({a for a, _ in seen if a}), sorted({r for _, r in seen if r})


def _consumer(task: Task, ctx: AwsContext) -> Done:
    """The consumer VPC's facts about the link's service, and its checks."""
    from plcheck.runs import consumer as run_consumer

    consumer = task.consumer
    assert consumer is not None
    options = run_consumer.ConsumerOptions(
        vpc_id=consumer.vpc,
        services=(task.link.service,),
        subnets=consumer.subnets or (),
        security_groups=consumer.security_groups,
        ports=consumer.ports,
        scope=scope_of(consumer.account),
    )
    facts = run_consumer.gather(ctx, options)
    return Done(run_consumer.judge(facts), facts)


def _probe(task: Task, ctx: AwsContext) -> Done:
    """The probe from here to the link's host name."""
    from plcheck.aws import Scope
    from plcheck.runs import probe as run_probe

    consumer = task.consumer
    assert consumer is not None
    assert consumer.probe is not None
    probe = consumer.probe
    options = run_probe.ProbeOptions(
        hostname=probe.host,
        port=probe.port,
        resolver=probe.resolver,
        endpoint=probe.endpoint,
        # The endpoint, when named, is the consumer's: read it with the consumer's
        # whole scope, its role included.
        scope=scope_of(consumer.account) if probe.endpoint else Scope(),
        ca_bundle=probe.ca_bundle,
        insecure=probe.insecure,
        sni=probe.sni,
        timeout=probe.timeout,
    )
    return Done(list(run_probe.run(options, ctx).findings))


def _join(task: Task, done: dict[Task, Done]) -> Done:
    """The link checks on one consumer joined with its link's provider."""
    from plcheck.facts.consumer import ConsumerFacts
    from plcheck.facts.provider import ProviderFacts

    link, consumer = task.link, task.consumer
    assert consumer is not None
    provider_done = done.get(Task(link, "provider", link.line))
    provider = provider_done.facts if provider_done is not None else None
    consumer_facts = done[Task(link, "consumer", consumer.line, consumer)].facts
    assert isinstance(consumer_facts, ConsumerFacts)
    if not isinstance(provider, ProviderFacts):
        return Done(
            [
                spec.finding(
                    Status.SKIP,
                    f"{link.service_id or link.service}/{consumer.vpc}",
                    f"link {link.name!r} names no provider account, so its consumer cannot be "
                    "compared with the provider's side (add provider = { profile = … })",
                    account=consumer_facts.account,
                    region=consumer_facts.region,
                )
                for spec in checks_for("check", "link")
            ]
        )
    services = provider.services.value or ()
    facts = LinkFacts(
        name=link.name,
        service_name=link.service,
        provider=provider,
        service=next((s for s in services if s.service_id == link.service_id), None),
        consumer=consumer_facts,
        port=link.port,
        client_cidrs=consumer.client_cidrs,
        principal=consumer.principal or "",
        admission_judged=_admission_judged(link, consumer, consumer_facts.account),
        ports=consumer.ports,
    )
    return Done(framework.judge("check", "link", facts), facts)


def _admission_judged(link: Link, consumer: Consumer, account: str) -> bool:
    """Whether the provider's side judges this consumer's admission (service-allowed-principals).

    :func:`_provider` passes every consumer account it could read and every declared principal;
    a principal is judged exactly, an account as a whole only when no principal of it is declared.
    """
    declared = [c.principal for c in link.consumers if c.principal]
    pair = (account, consumer.principal or "")
    return bool(account) and pair in consumers((account,), declared)


def link_grid(facts: LinkFacts) -> View | None:
    """The zone grid of one join: both accounts' names, the provider's and consumer's zones."""
    provider, consumer = facts.provider, facts.consumer
    provider_zones, consumer_zones = provider.zones.value, consumer.zones.value
    subnets, targets = consumer.subnets.value, consumer.targets.value
    if facts.service is None or None in (provider_zones, consumer_zones, subnets, targets):
        return None
    assert provider_zones is not None
    assert consumer_zones is not None
    assert subnets is not None
    assert targets is not None
    balancers = provider.load_balancers.value or {}
    lbs = [balancers[a] for a in facts.service.load_balancer_arns if a in balancers]
    to_id = provider_zones.name_to_id
    lb_zones = [z for lb in lbs for z in lb.zones]
    healthy: dict[str, int] = {}
    cross_zone: bool | None = None
    for lb in lbs:
        listed = provider.listeners.get(lb.arn)
        for listener in listed.value or () if listed else ():
            for arn in listener.target_group_arns:
                group = provider.target_groups.get(arn)
                if group is None or group.value is None:
                    continue
                cross_zone = bool(cross_zone) or group.value.cross_zone
                for target in group.value.targets:
                    if target.state == "healthy":
                        zone = to_id.get(target.zone_name, "")
                        healthy[zone] = healthy.get(zone, 0) + 1
    zone_of = {s.subnet_id: s.zone_id for s in subnets}
    used = [
        (zone_of.get(subnet_id, "?"), subnet_id)
        for t in targets
        if t.service_name == facts.service_name and (t.endpoint is not None or t.chosen)
        for subnet_id in t.subnet_ids
    ]
    planned = not any(t.endpoint for t in targets if t.service_name == facts.service_name)
    return zone_grid(
        [provider_zones, consumer_zones],
        ProviderZones(
            offered=frozenset(facts.service.zone_ids),
            lb_subnets=by_zone([(to_id.get(z.zone_name, ""), z.subnet_id) for z in lb_zones]),
            healthy=healthy,
            cross_zone=cross_zone,
        ),
        ConsumerZones(
            subnets=by_zone([(s.zone_id, s.subnet_id) for s in subnets]),
            endpoint=by_zone(used),
            planned=planned,
        ),
        subject=f"link {facts.name}, {consumer.request.vpc_id}",
    )


def _labelled(finding: Finding, task: Task, config: GateConfig) -> Finding:
    """The finding with its link (and consumer VPC) in its details, located at its table."""
    extra: dict[str, Any] = {"link": task.link.name, "side": task.side}
    if task.consumer is not None:
        extra["consumer_vpc"] = task.consumer.vpc
    return replace(
        finding,
        details={**finding.details, **extra},
        location=finding.location or config.location(task.line),
    )


def _count(findings: Sequence[Finding]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for finding in findings:
        counts[finding.status.value] = counts.get(finding.status.value, 0) + 1
    return counts


def views(result: GateRun) -> list[View]:
    """One row per task: link, side, where, and its findings by status (before ignores)."""
    rows = []
    highlight = set()
    for i, task in enumerate(result.tasks):
        counts = result.counts.get(task, {})
        if counts.get("fail") or counts.get("error"):
            highlight.add(i)
        if task.side == "provider":
            assert task.link.provider is not None
            where = _where(task.link.provider.label, task.link.provider.region)
            what = task.link.service_id or task.link.service
        elif task.side == "link":
            assert task.consumer is not None
            provider = task.link.provider.label if task.link.provider else "no provider"
            where = f"{provider} → {task.consumer.account.label}"
            what = f"{task.link.service_id or task.link.service} ← {task.consumer.vpc}"
        else:
            assert task.consumer is not None
            where = _where(task.consumer.account.label, task.consumer.account.region)
            what = task.consumer.vpc
            if task.side == "probe" and task.consumer.probe is not None:
                what = f"{task.consumer.probe.host}:{task.consumer.probe.port}"
        summary = ", ".join(f"{n} {s}" for s, n in counts.items() if n) or "no findings"
        rows.append((task.link.name, task.side, where, what, summary))
    return [
        View(
            title="Links checked",
            columns=("Link", "Side", "Account", "Checked", "Findings (before ignores)"),
            rows=tuple(rows),
            highlight=frozenset(highlight),
        )
    ]


def _where(label: str, region: str | None) -> str:
    return f"{label} ({region})" if region else label


def run(
    config: GateConfig,
    ctx: AwsContext,
    today: dt.date | None = None,
    links: Sequence[str] = (),
) -> Report:
    """The gate over ``config`` (only ``links`` when given) in one AWS context."""
    if links:
        config = only_links(config, links)
    result = gate(config, ctx, today)
    return Report(
        "check",
        result.findings,
        views=(*result.grids, *views(result)),
        source=str(config.path),
    )
