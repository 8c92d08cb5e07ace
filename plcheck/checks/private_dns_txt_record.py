"""private-dns-txt-record: the verification TXT record is published where AWS looks for it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from plcheck.model import CheckSpec, Finding, Status
from plcheck.service_names import verification_domain

if TYPE_CHECKING:
    from plcheck.facts.provider import ServiceConfig, ServiceFacts, TxtLookups

SPEC = CheckSpec(
    id="private-dns-txt-record",
    title="Verification TXT record is published",
    command="provider",
    subject="service",
    inspects=(
        "The TXT record <Name>.<private DNS name> (and the same label under each parent "
        "domain, which AWS also accepts) looked up in DNS, against the value AWS expects."
    ),
    why=(
        "Verification fails, silently from the consumer's side, when the TXT record is "
        "published under the wrong name (most often without the _label, or under the zone "
        "apex twice), with the wrong value, or only in a private hosted zone AWS cannot see."
    ),
    remediation=(
        "Publish TXT <Name>.<domain> with the exact value from the service configuration in "
        "the domain's public DNS, then run aws ec2 "
        "start-vpc-endpoint-service-private-dns-verification."
    ),
    docs_url="https://docs.aws.amazon.com/vpc/latest/privatelink/manage-dns-names.html",
    aws_actions=("ec2:DescribeVpcEndpointServiceConfigurations",),
    details={
        "private_dns_name": "the service's private DNS name",
        "expected_name": "the TXT record name to publish",
        "expected_value": "the TXT value to publish",
        "resolver": "the resolver asked",
        "lookups": "each lookup: name, values, error",
    },
)

#: Public suffixes of more than one label that are common enough to stop at. Without a
#: full public suffix list, a parent domain is tried down to two labels except these.
MULTI_LABEL_SUFFIXES = frozenset(
    {
        "co.uk", "org.uk", "ac.uk", "gov.uk", "me.uk", "ltd.uk", "plc.uk",
        "com.au", "net.au", "org.au", "edu.au", "gov.au",
        "co.nz", "org.nz", "co.jp", "ne.jp", "or.jp", "co.kr", "or.kr",
        "com.br", "com.cn", "net.cn", "org.cn", "com.hk", "com.sg", "com.tw",
        "co.in", "co.za", "com.mx", "com.ar", "com.tr", "co.il",
    }
)  # fmt: skip


def lookup_names(service: ServiceConfig) -> list[str]:
    """Names to look up: the candidates, then the bare domain (a common misplacement)."""
    names = candidate_names(service)
    return [*names, verification_domain(service.private_dns_name)] if names else []


def candidate_names(service: ServiceConfig) -> list[str]:
    """Where the record may be: under the private DNS name, then under each parent domain."""
    if not service.private_dns_name or not service.dns_txt_name:
        return []
    labels = verification_domain(service.private_dns_name).split(".")
    domains = [".".join(labels[i:]) for i in range(len(labels) - 1)]
    domains = [d for d in domains if d not in MULTI_LABEL_SUFFIXES]
    return [f"{service.dns_txt_name}.{d}" for d in domains]


def normalise_txt(value: str) -> str:
    """A TXT value as text: quoted and split strings joined, surrounding quotes dropped."""
    value = value.strip()
    if value.startswith('"') and value.endswith('"') and len(value) >= 2:
        value = "".join(value[1:-1].split('" "'))
    return value.strip()


def evaluate(
    service: ServiceConfig, lookups: TxtLookups | None, account: str = ""
) -> list[Finding]:
    """Pass when the expected value is found; fail when missing or different; error on DNS."""
    expected = normalise_txt(service.dns_txt_value)

    finding = SPEC.on(
        service.service_id,
        account=account,
        region=service.region,
        details={
            "private_dns_name": service.private_dns_name,
            "expected_name": service.txt_record_name,
            "expected_value": expected,
            "resolver": lookups.resolver if lookups else "",
            "lookups": [
                {
                    "name": x.name,
                    "values": list(x.values),
                    "error": x.error,
                    "detail": x.detail,
                }
                for x in (lookups.lookups if lookups else ())
            ],
        },
    )

    if not service.private_dns_name:
        return [finding(Status.SKIP, f"{service.service_id} has no private DNS name")]
    if lookups is None or not lookups.lookups:
        return [finding(Status.SKIP, "no verification record to look up")]
    places = set(candidate_names(service))
    holding = [x for x in lookups.lookups if expected in {normalise_txt(v) for v in x.values}]
    matches = [x for x in holding if x.name in places]
    misplaced = [x.name for x in holding if x.name not in places]
    if matches:
        where = matches[0].name
        parent = " (a parent domain, which AWS accepts)" if where != service.txt_record_name else ""
        return [
            finding(
                Status.PASS,
                f'TXT {where} holds "{expected}"{parent} (asked {lookups.resolver})',
            )
        ]
    if service.dns_state == "verified":
        return [
            finding(
                Status.SKIP,
                f"{service.private_dns_name} is already verified; the TXT record was not found "
                f"via {lookups.resolver} (it is needed again only to re-verify)",
            )
        ]
    unreachable = [x for x in lookups.lookups if x.unreachable]
    if unreachable:
        first = unreachable[0]
        return [
            finding(
                Status.ERROR,
                f"DNS could not be asked for TXT {first.name} via {lookups.resolver}: "
                f"{first.error}{': ' + first.detail if first.detail else ''}",
                "Run where DNS is reachable, or pass --resolver IP[:PORT] of a resolver that "
                "answers for the domain's public zone.",
            )
        ]
    seen = "; ".join(_seen(x.name, x.values, x.error) for x in lookups.lookups)
    wrong_place = (
        f"; the value is published at {', '.join(misplaced)}, without the label "
        f"{service.dns_txt_name}"
        if misplaced
        else ""
    )
    return [
        finding(
            Status.FAIL,
            f'TXT "{expected}" is not published at {service.txt_record_name} or its parent '
            f"domains{wrong_place}. Asked {lookups.resolver}: {seen}",
            f'Publish TXT {service.txt_record_name} "{expected}" in the public zone of '
            f"{verification_domain(service.private_dns_name)} (AWS checks public DNS, not "
            "private hosted zones), then run aws ec2 "
            f"start-vpc-endpoint-service-private-dns-verification --service-id "
            f"{service.service_id} --region {service.region}",
        )
    ]


def _seen(name: str, values: tuple[str, ...], error: str) -> str:
    if values:
        return f"{name} has " + ", ".join(f'"{normalise_txt(v)}"' for v in values)
    if error == "NXDOMAIN":
        return f"{name} does not exist"
    return f"{name} has no TXT record"


def judge(facts: ServiceFacts) -> list[Finding]:
    """The verification TXT record in DNS against the value AWS expects."""
    return evaluate(facts.service, facts.txt, facts.account)
