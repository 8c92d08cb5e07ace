"""The check run: every link of a ``plcheck.toml``, provider, consumer and probe, concurrently.

One :class:`~plcheck.aws.AwsContext` serves the whole run, so identical calls
(a provider read by two links, zones read by two consumers in one account) are
made once, and every link, side and probe runs in the context's bounded pool.
Each side is the provider, consumer or probe run itself; this module only plans,
labels and merges their findings, then applies the config's ignores.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from functools import partial
from typing import TYPE_CHECKING, Any

from plcheck.checks import framework
from plcheck.errors import UsageError
from plcheck.gate import ignores
from plcheck.gate.topology import Account, Consumer, GateConfig, Link
from plcheck.model import Finding, Report, View

if TYPE_CHECKING:
    from plcheck.aws import AwsContext, Scope


@dataclass(frozen=True)
class Task:
    """One unit of the run: a link's provider, one of its consumers, or a probe."""

    link: Link
    """The link it belongs to."""
    side: str
    """``provider``, ``consumer`` or ``probe``."""
    line: int
    """Line in the config that asked for it (for usage errors)."""
    consumer: Consumer | None = None
    """The consumer, for consumer and probe tasks."""

    @property
    def label(self) -> str:
        """``burrito provider``, ``burrito consumer vpc-…`` for messages."""
        if self.consumer is None:
            return f"{self.link.name} {self.side}"
        return f"{self.link.name} {self.side} {self.consumer.vpc}"


@dataclass(frozen=True)
class GateRun:
    """Everything one ``plcheck check`` produced."""

    findings: tuple[Finding, ...]
    """Every finding, ignores applied, in link and task order."""
    tasks: tuple[Task, ...]
    """What ran."""
    counts: dict[Task, dict[str, int]]
    """Task → status counts, for the summary view."""


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


def gate(config: GateConfig, ctx: AwsContext, today: dt.date | None = None) -> GateRun:
    """Run every task concurrently and apply the config's ignores."""
    today = today or dt.date.today()
    planned = tasks(config)
    outcomes = ctx.gather([_runner(config, task, ctx) for task in planned])
    findings: list[Finding] = []
    counts: dict[Task, dict[str, int]] = {}
    for task, outcome in zip(planned, outcomes, strict=True):
        found = [_labelled(f, task) for f in outcome.get()]  # AWS failures are findings already
        findings += found
        counts[task] = _count(found)
    source = str(config.path)
    judged = ignores.apply(findings, config.ignores, source=source, today=today)
    judged += framework.judge(
        "check", "ignores", ignores.facts(config.ignores, source=source, today=today)
    )
    return GateRun(tuple(judged), tuple(planned), counts)


def _runner(config: GateConfig, task: Task, ctx: AwsContext) -> Callable[[], list[Finding]]:
    work = {"provider": _provider, "consumer": _consumer, "probe": _probe}[task.side]

    def run_task() -> list[Finding]:
        try:
            return work(task, ctx)
        except UsageError as exc:
            # A profile, region or ID the AWS layer refuses is a mistake in the config.
            where = f"{config.path}:{task.line}" if task.line else str(config.path)
            raise UsageError(f"{where}: link {task.link.name!r} {task.side}: {exc}") from None

    return run_task


def _provider(task: Task, ctx: AwsContext) -> list[Finding]:
    """The provider run on the link's service, expecting its consumers."""
    from plcheck.runs import provider

    link, account = task.link, task.link.provider
    assert account is not None
    consumer_accounts, consumer_regions = _consumers_seen(ctx, link)
    options = provider.ProviderOptions(
        service=link.service,
        scope=scope_of(account),
        consumer_accounts=tuple(consumer_accounts),
        consumer_regions=tuple(consumer_regions),
        resolver=account.resolver,
        dns_timeout=account.dns_timeout,
    )
    return list(provider.run(options, ctx).findings)


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


def _consumer(task: Task, ctx: AwsContext) -> list[Finding]:
    """The consumer run on the VPC, against the link's service."""
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
    return list(run_consumer.run(options, ctx).findings)


def _probe(task: Task, ctx: AwsContext) -> list[Finding]:
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
    return list(run_probe.run(options, ctx).findings)


def _labelled(finding: Finding, task: Task) -> Finding:
    """The finding with its link (and consumer VPC) in its details."""
    extra: dict[str, Any] = {"link": task.link.name, "side": task.side}
    if task.consumer is not None:
        extra["consumer_vpc"] = task.consumer.vpc
    return replace(finding, details={**finding.details, **extra})


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
    return Report("check", result.findings, views=tuple(views(result)), source=str(config.path))
