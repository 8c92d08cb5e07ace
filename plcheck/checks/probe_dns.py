"""probe-dns: the host name resolves, to private addresses, and to the endpoint's interfaces."""

from __future__ import annotations

import ipaddress
from typing import TYPE_CHECKING, Any

from plcheck.model import CheckSpec, Finding, Status

if TYPE_CHECKING:
    from collections.abc import Callable

    from plcheck.facts.endpoints import EndpointInfo
    from plcheck.facts.probe import DnsResult, ProbeFacts

SPEC = CheckSpec(
    id="probe-dns",
    title="The name resolves to the endpoint's private addresses",
    command="probe",
    subject="probe",
    inspects=(
        "The A and AAAA answers for the host name from this machine's resolvers (or "
        "--resolver); with --endpoint, also the endpoint's regional and zonal names, compared "
        "with the private IPs of the endpoint's network interfaces."
    ),
    why=(
        "Clients reach an interface endpoint only if the name they use resolves to the "
        "endpoint's network interfaces. A name that does not resolve fails every request; a "
        "name that resolves to public addresses sends traffic over the internet instead of "
        "PrivateLink; stale or partial records send clients to addresses that are gone or "
        "skip zones."
    ),
    remediation=(
        "Enable private DNS on the endpoint (and enableDnsSupport/enableDnsHostnames on the "
        "VPC), or create a private hosted zone with an alias to the endpoint's regional DNS "
        "name and associate it with the VPC; from on-premises, forward the zone to a Route 53 "
        "Resolver inbound endpoint in the VPC."
    ),
    docs_url="https://docs.aws.amazon.com/vpc/latest/privatelink/privatelink-access-aws-services.html",
    aws_actions=("ec2:DescribeVpcEndpoints", "ec2:DescribeNetworkInterfaces"),
    details={
        "name": "the name looked up",
        "resolver": "the resolver asked",
        "addresses": "the answers",
        "classification": "address → private, public, loopback...",
        "canonical_name": "the CNAME target, if any",
        "elapsed_ms": "lookup time",
        "error": "why the lookup failed",
        "error_detail": "the resolver's words",
        "endpoint": "the endpoint the answers are compared with",
        "zone": "the AZ compared",
        "expected": "the endpoint's IPs",
        "extra": "answers that are not the endpoint's",
        "missing": "endpoint IPs not in the answers",
        "interfaces": "the endpoint's network interfaces: id, zone, subnet, IPs",
    },
)

#: Keyed by :class:`~plcheck.facts.probe.DnsErrorKind` values (a ``str`` enum).
_ERROR_TEXT: dict[str, str] = {
    "NXDOMAIN": "NXDOMAIN (the name does not exist for this resolver)",
    "SERVFAIL": "SERVFAIL (the resolver could not get an answer)",
    "REFUSED": "the resolver refused the query",
    "TIMEOUT": "timeout (no answer from the resolver)",
    "NO_ANSWER": "no A or AAAA records (the name exists but has no addresses)",
    "NO_RESOLVER": "no resolver is configured on this machine",
    "ERROR": "error",
}

_ERROR_FIX: dict[str, str] = {
    "NXDOMAIN": (
        "Make {name} resolvable from here: enable private DNS on the endpoint, or add the "
        "record to a private hosted zone associated with this VPC (from on-premises, forward "
        "the zone to a Route 53 Resolver inbound endpoint)."
    ),
    "SERVFAIL": (
        "Check the resolver {resolver}: its forwarding rule for {name}'s zone and the "
        "upstream it forwards to (e.g. the Route 53 Resolver inbound endpoint) must answer."
    ),
    "REFUSED": "Use a resolver that serves this network ({resolver} refused).",
    "TIMEOUT": (
        "Check that {resolver} is reachable on UDP and TCP port 53 from here "
        "(security groups, NACLs, firewalls) and that it answers for {name}."
    ),
    "NO_ANSWER": "Add A (and AAAA if dual-stack) records for {name}.",
    "NO_RESOLVER": "Configure /etc/resolv.conf or pass --resolver IP[:PORT].",
    "ERROR": "Check the resolver {resolver} and the network path to it.",
}


def classify(address: str) -> str:
    """Classify an address: public, private, shared (100.64/10), loopback, link-local, ...

    Only ``public`` (globally routable unicast) addresses mean traffic leaves PrivateLink.
    """
    ip = ipaddress.ip_address(address)
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    if ip.is_loopback:
        return "loopback"
    if ip.is_multicast:
        return "multicast"
    if ip.is_unspecified:
        return "unspecified"
    if ip.is_link_local:
        return "link-local"
    if ip in ipaddress.ip_network("100.64.0.0/10"):
        return "shared"
    if ip.is_global:
        return "public"
    if ip.is_private:
        return "private"
    return "reserved"


def evaluate(result: DnsResult, endpoint: EndpointInfo | None = None) -> list[Finding]:
    """One finding for one resolved name."""
    from plcheck.facts.probe import DnsErrorKind  # the catalog loads no facts module

    account = endpoint.account if endpoint else ""
    region = endpoint.region if endpoint else ""
    details: dict[str, Any] = {
        "name": result.name,
        "resolver": result.resolver,
        "addresses": list(result.addresses),
        "classification": {a: classify(a) for a in result.addresses},
        "canonical_name": result.canonical_name,
        "elapsed_ms": result.elapsed_ms,
    }

    def finding(status: Status, message: str, remediation: str = "") -> list[Finding]:
        return [
            Finding(
                check=SPEC.id,
                status=status,
                resource=result.name,
                account=account,
                region=region,
                message=message,
                remediation=remediation,
                details=details,
            )
        ]

    if result.literal:
        return finding(Status.SKIP, f"{result.name} is an IP address: nothing to resolve")
    if result.error is not None or not result.addresses:
        kind = result.error or DnsErrorKind.NO_ANSWER
        details["error"] = kind.value
        details["error_detail"] = result.detail
        text = _ERROR_TEXT[kind]
        if kind is DnsErrorKind.TIMEOUT:
            text = f"timeout (no answer from the resolver within {result.timeout:g} s)"
        elif kind is DnsErrorKind.ERROR and result.detail:
            text = f"error ({result.detail})"
        if result.tried:  # a --resolver that failed over UDP was asked over TCP too
            text += f"; tried {', then '.join(result.tried)}"
        fix = _ERROR_FIX[kind].format(name=result.name, resolver=result.resolver)
        return finding(
            Status.FAIL, f"{result.name} did not resolve via {result.resolver}: {text}", fix
        )

    resolved = _listing(result)
    if endpoint is None:
        public = [a for a in result.addresses if details["classification"][a] == "public"]
        if public:
            return finding(
                Status.WARN,
                f"{result.name} resolves to public addresses {', '.join(public)}: traffic "
                "would leave PrivateLink",
                f"Make {result.name} resolve to the endpoint's private IPs from here: enable "
                "private DNS on the interface endpoint or add a private hosted zone for the "
                "name, associated with this VPC (check the resolver this host uses).",
            )
        return finding(Status.PASS, f"{result.name} resolves to {resolved}")
    return _against_endpoint(result, endpoint, details, finding)


def _against_endpoint(
    result: DnsResult,
    endpoint: EndpointInfo,
    details: dict[str, Any],
    finding: Callable[..., list[Finding]],
) -> list[Finding]:
    interfaces = endpoint.expected_interfaces(result.name)
    expected = endpoint.expected_addresses(result.name)
    owner = {ip: i for i in endpoint.interfaces for ip in i.private_ips}
    extra = [a for a in result.addresses if a not in expected]
    missing = [a for a in expected if a not in result.addresses]
    zone = endpoint.zone_of(result.name)
    scope = f"{endpoint.endpoint_id} in {zone}" if zone else endpoint.endpoint_id
    details.update(
        {
            "endpoint": endpoint.endpoint_id,
            "zone": zone,
            "expected": list(expected),
            "extra": extra,
            "missing": missing,
            "interfaces": [
                {
                    "id": i.interface_id,
                    "availability_zone": i.availability_zone,
                    "subnet": i.subnet_id,
                    "private_ips": list(i.private_ips),
                }
                for i in interfaces
            ],
        }
    )

    def described(ips: list[str]) -> str:
        parts = []
        for ip in ips:
            eni = owner.get(ip)
            where = f"{eni.interface_id}, {eni.availability_zone}" if eni else classify(ip)
            parts.append(f"{ip} ({where})")
        return ", ".join(parts)

    if not expected:
        return finding(
            Status.FAIL,
            f"{scope} has no network interface addresses to compare with; {result.name} "
            f"resolves to {described(list(result.addresses))}",
            f"Check that {endpoint.endpoint_id} is available and has subnets in the zones "
            "clients use.",
        )
    if not extra and not missing:
        return finding(
            Status.PASS,
            f"{result.name} resolves to exactly the interfaces of {scope}: "
            f"{described(list(result.addresses))}",
        )
    parts = []
    if extra:
        parts.append(f"not {scope}'s: {described(extra)}")
    if missing:
        parts.append(f"missing: {described(missing)}")
    message = f"{result.name} resolves to {', '.join(result.addresses)}; " + "; ".join(parts)
    if extra:
        remediation = (
            f"Point {result.name} at {endpoint.endpoint_id}: the private hosted zone (or "
            f"forwarder) that answers for it should alias the endpoint's regional DNS name "
            f"so it returns {', '.join(expected)}; remove stale records for {', '.join(extra)}."
        )
        return finding(Status.FAIL, message, remediation)
    remediation = (
        f"Make {result.name} return every interface of {scope} "
        f"({', '.join(missing)} missing): use an alias to the endpoint's DNS name instead of "
        "fixed A records, so zones added to the endpoint are answered too."
    )
    return finding(Status.WARN, message, remediation)


def _listing(result: DnsResult) -> str:
    via = f" via {result.canonical_name}" if result.canonical_name else ""
    kinds = {classify(a) for a in result.addresses}
    label = kinds.pop() if len(kinds) == 1 else "mixed"
    return f"{', '.join(result.addresses)} ({label}){via}"


def judge(facts: ProbeFacts) -> list[Finding]:
    """Each name probed; the endpoint's error first when it could not be read."""
    findings: list[Finding] = []
    if facts.endpoint is not None and facts.endpoint.error is not None and facts.endpoint_id:
        findings.append(
            SPEC.error(facts.endpoint_id, facts.endpoint.error, region=facts.endpoint_region)
        )
    for result in facts.dns:
        findings.extend(evaluate(result, facts.found_endpoint))
    return findings
