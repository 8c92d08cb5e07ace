"""Ignores: known, accepted findings become ``skip``; expired ignores become warnings.

An ignored finding stays in the report, so the record of what was accepted and
why travels with every run; its details keep the original status and message.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import replace

from plcheck.facts.ignores import IgnoreEntry, IgnoreFacts
from plcheck.gate.topology import Ignore
from plcheck.model import Finding, Status

#: Statuses an ignore turns into ``skip``; passes stay passes.
IGNORABLE = frozenset({Status.WARN, Status.FAIL, Status.ERROR})


def resource_names(resource: str) -> set[str]:
    """Names an ignore's ``resource`` may use for a finding's resource.

    The resource itself, the host before ``@`` (probe findings), the parts of an
    ARN, and the ``vpce-svc-…`` at the end of a service name.
    """
    names = {resource, resource.split("@", 1)[0]}
    names.update(p for p in re.split(r"[/:]", resource) if p)
    names.add(resource.rsplit(".", 1)[-1])
    return names


def matches(ignore: Ignore, finding: Finding) -> bool:
    """Whether ``ignore`` covers ``finding`` (check, then resource and link when given)."""
    if ignore.check != finding.check:
        return False
    if ignore.resource is not None and ignore.resource not in resource_names(finding.resource):
        return False
    return ignore.link is None or finding.details.get("link") == ignore.link


def apply(
    findings: Iterable[Finding],
    ignores: Sequence[Ignore],
    *,
    source: str,
    today: dt.date,
) -> Iterator[Finding]:
    """The findings with the ignored ones as ``skip`` (expired ignores no longer apply).

    One at a time, as they are read: a plan's may be a spool too large to hold as objects.
    """
    active = [i for i in ignores if not i.expired(today)]
    for finding in findings:
        rule = next((i for i in active if matches(i, finding)), None)
        yield (
            finding
            if rule is None or finding.status not in IGNORABLE
            else skip(finding, rule, source)
        )


def facts(ignores: Sequence[Ignore], *, source: str, today: dt.date) -> IgnoreFacts:
    """The ignores as the config-ignore-expired check judges them."""
    return IgnoreFacts(
        source=source,
        entries=tuple(IgnoreEntry(i.line, i.describe(), i.reason, i.until) for i in ignores),
        today=today,
    )


def skip(finding: Finding, ignore: Ignore, source: str) -> Finding:
    """``finding`` as an ignored ``skip``, keeping what it was in its details.

    ``original_status`` is kept twice on purpose: at the top of the details, where the report
    schema documents it and readers of a JSON report look, and inside ``ignored`` beside the
    rest of the ignore, where the SARIF reporter reads it.
    """
    until = f" until {ignore.until.isoformat()}" if ignore.until else ""
    return replace(
        finding,
        status=Status.SKIP,
        message=f"ignored{until} ({ignore.reason}): {finding.message}",
        remediation="",
        suppressed_reason=ignore.reason,
        details={
            **finding.details,
            "ignored": {
                "reason": ignore.reason,
                "until": ignore.until.isoformat() if ignore.until else None,
                "config": f"{source}:{ignore.line}" if ignore.line else source,
                "original_status": finding.status.value,
                "original_remediation": finding.remediation,
            },
            "original_status": finding.status.value,
        },
    )
