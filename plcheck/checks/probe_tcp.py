"""probe-tcp: every address the name resolves to accepts a TCP connection on the port."""

from __future__ import annotations

from typing import TYPE_CHECKING

from plcheck.model import CheckSpec, Finding, Status

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

    from plcheck.facts.probe import ProbeFacts, TcpResult

SPEC = CheckSpec(
    id="probe-tcp",
    title="Every resolved address accepts TCP connections",
    command="probe",
    subject="probe",
    inspects=(
        "A TCP connection from this machine to each address the names resolve to, on the "
        "probed port, concurrently and with a timeout; the latency of each."
    ),
    why=(
        "Clients pick any of the addresses DNS returns. One address that drops or refuses "
        "connections (a security group without the port, a NACL, a missing route, an NLB "
        "listener on another port) fails that share of requests, usually those from one zone."
    ),
    remediation=(
        "Allow inbound TCP on the port from the clients' addresses in the endpoint's security "
        "groups, allow it both ways in the subnets' network ACLs, and check that the endpoint "
        "service's load balancer listens on that port with healthy targets in every zone."
    ),
    docs_url="https://docs.aws.amazon.com/vpc/latest/privatelink/create-interface-endpoint.html",
    details={
        "address": "the address",
        "port": "the port",
        "connected": "whether the connection opened",
        "latency_ms": "connect time",
        "error": "why it failed",
        "error_detail": "the system's words",
        "timeout_s": "the timeout",
        "names": "names that resolved to the address",
    },
)


def evaluate(
    hostname: str,
    results: Sequence[TcpResult],
    *,
    names: Mapping[str, Sequence[str]] | None = None,
    account: str = "",
    region: str = "",
) -> list[Finding]:
    """One finding per address; a skip when there was nothing to connect to.

    ``names`` maps each address to the names that resolved to it (for details).
    """
    if not results:
        return [
            Finding(
                check=SPEC.id,
                status=Status.SKIP,
                resource=hostname,
                account=account,
                region=region,
                message=f"{hostname}: no addresses to connect to (see probe-dns)",
            )
        ]
    return [_one(hostname, r, (names or {}).get(r.address, ()), account, region) for r in results]


def _one(
    hostname: str, result: TcpResult, names: Sequence[str], account: str, region: str
) -> Finding:
    target = _target(result.address, result.port)
    details = {
        "address": result.address,
        "port": result.port,
        "connected": result.connected,
        "latency_ms": result.latency_ms,
        "error": result.error.value if result.error else None,
        "error_detail": result.detail,
        "timeout_s": result.timeout,
        "names": list(names),
    }
    if result.connected:
        status = Status.PASS
        message = f"connected to {target} in {result.latency_ms:.1f} ms"
        remediation = ""
    else:
        status = Status.FAIL
        message, remediation = _failure(target, result)
    return Finding(
        check=SPEC.id,
        status=status,
        resource=f"{hostname}@{result.address}",
        account=account,
        region=region,
        message=message,
        remediation=remediation,
        details=details,
    )


def _failure(target: str, result: TcpResult) -> tuple[str, str]:
    from plcheck.facts.probe import TcpErrorKind  # the catalog loads no facts module

    port = result.port
    if result.error is TcpErrorKind.REFUSED:
        return (
            f"{target} refused the connection (TCP reset: nothing listens on port {port} there)",
            f"Check that the endpoint service's load balancer has a listener on port {port} "
            f"and that {result.address} is an address of the endpoint, not a stale record.",
        )
    if result.error is TcpErrorKind.TIMEOUT:
        return (
            f"{target} timed out: no answer within {result.timeout:g} s (packets dropped)",
            f"Allow inbound TCP {port} from this host in the security groups of the endpoint "
            f"interface with {result.address}, and check the network ACLs and routes between "
            "here and its subnet.",
        )
    if result.error is TcpErrorKind.UNREACHABLE:
        return (
            f"{target} is unreachable from here ({result.detail})",
            f"Add a route from this host's network to {result.address} (VPC peering, "
            "transit gateway or VPN routes, and the subnet's route table).",
        )
    return (
        f"connecting to {target} failed: {result.detail}",
        f"Check the network path from this host to {target}.",
    )


def _target(address: str, port: int) -> str:
    return f"[{address}]:{port}" if ":" in address else f"{address}:{port}"


def judge(facts: ProbeFacts) -> list[Finding]:
    """TCP to every address the names resolved to."""
    return evaluate(
        facts.hostname,
        facts.tcp,
        names=facts.names_by_address,
        account=facts.account,
        region=facts.region,
    )
