"""config-ignore-expired: an ``[[ignore]]`` in plcheck.toml whose ``until`` date has passed."""

from __future__ import annotations

from typing import TYPE_CHECKING

from plcheck.model import CheckSpec, Finding, Status

if TYPE_CHECKING:
    import datetime as dt

    from plcheck.facts.ignores import IgnoreFacts

SPEC = CheckSpec(
    id="config-ignore-expired",
    title="Ignores in the gate's config have not expired",
    command="check",
    subject="ignores",
    inspects="The until date of every [[ignore]] in the plcheck.toml that `plcheck check` reads.",
    why=(
        "An ignore with an end date records a known, accepted problem that was meant to be "
        "fixed by then. After the date the ignore stops applying, so its findings count "
        "again and may fail the pipeline; this warning says why."
    ),
    remediation=(
        "Fix what the ignore covered, or, if it is still accepted, move its until date "
        "forward (with a reason) or delete the ignore."
    ),
    docs_url="https://docs.aws.amazon.com/vpc/latest/privatelink/privatelink-share-your-services.html",
    details={
        "ignores": "how many ignores the config holds (the pass)",
        "source": "the config file",
        "line": "the ignore's line",
        "ignore": "the ignore, described",
        "reason": "its reason",
        "until": "its expiry date",
        "today": "the date it was checked on",
    },
    severity="low",
    can_fail=False,
)


def evaluate(
    source: str,
    line: int,
    description: str,
    reason: str,
    until: dt.date,
    today: dt.date,
) -> list[Finding]:
    """A warning for one ignore that expired on ``until`` (the caller checks that it has)."""
    where = f"{source}:{line}" if line else source
    return [
        Finding(
            check=SPEC.id,
            status=Status.WARN,
            resource=where,
            message=(
                f"the ignore of {description} ({reason!r}) expired on {until.isoformat()}; "
                "its findings count again"
            ),
            remediation=(
                f"Fix what it covered, or move its until date past {today.isoformat()} "
                f"in {where} if it is still accepted."
            ),
            details={
                "source": source,
                "line": line,
                "ignore": description,
                "reason": reason,
                "until": until.isoformat(),
                "today": today.isoformat(),
            },
        )
    ]


def judge(facts: IgnoreFacts) -> list[Finding]:
    """A warning per expired ignore; a pass naming the ignores when none has expired."""
    findings: list[Finding] = []
    for entry in facts.entries:
        if entry.until is not None and facts.today > entry.until:
            findings += evaluate(
                facts.source, entry.line, entry.description, entry.reason, entry.until, facts.today
            )
    if findings:
        return findings
    dated = [e for e in facts.entries if e.until is not None]
    if not facts.entries:
        message = f"{facts.source} has no ignores"
    else:
        soonest = min((e.until for e in dated if e.until), default=None)
        message = f"none of the {len(facts.entries)} ignores in {facts.source} has expired" + (
            f"; the first ends after {soonest.isoformat()}" if soonest else ""
        )
    return [
        SPEC.finding(Status.PASS, facts.source, message, details={"ignores": len(facts.entries)})
    ]
