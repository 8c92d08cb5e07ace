"""``plcheck.toml``: the links between providers and consumers that ``plcheck check`` checks.

The file is validated in full before any AWS call; every mistake is one line
naming the file, the line and what is wrong::

    plcheck.toml:7: link 'burrito': unknown key 'servce'

tomllib reports no positions for valid TOML, so :class:`_Lines` finds them by
reading the file's table headers and keys alongside the parsed data.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import re
import sys
from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any

from plcheck.errors import UsageError
from plcheck.gate.toml_reader import TablePath, TomlLines, TomlReader, toml_literal
from plcheck.gate.topology import Account, Consumer, GateConfig, Ignore, Link, Probe
from plcheck.service_names import SERVICE_ID, is_service_name, service_id_in_name
from plcheck.validate import ROLE_ARN, did_you_mean, parse_target

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on 3.10 only
    import tomli as tomllib  # type: ignore[import-not-found, unused-ignore]

DEFAULT_CONFIG = "plcheck.toml"
#: Environment variable naming the config file (``--config``'s default).
CONFIG_ENV = "PLCHECK_CONFIG"
#: The table of ``pyproject.toml`` that can hold the same schema as ``plcheck.toml``.
PYPROJECT_TABLE = ("tool", "plcheck")

_LINK_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]*")


# -- loading ---------------------------------------------------------------------------------


def find_config(start: Path, environ: Mapping[str, str]) -> Path | None:
    """The config a run uses when none is given, or None when there is none.

    ``PLCHECK_CONFIG`` when set; else, from ``start`` up to the repository root (the
    directory holding ``.git``) or the file system's root, the first directory with a
    ``plcheck.toml``, or a ``pyproject.toml`` with a ``[tool.plcheck]`` table.
    """
    named = environ.get(CONFIG_ENV, "").strip()
    if named:
        return Path(named)
    start = start.absolute()
    for directory in (start, *start.parents):
        candidate = directory / DEFAULT_CONFIG
        if candidate.is_file():
            return candidate
        pyproject = directory / "pyproject.toml"
        if pyproject.is_file() and _has_plcheck_table(pyproject):
            return pyproject
        if (directory / ".git").exists():
            return None
    return None


def discover(start: Path, environ: Mapping[str, str]) -> Path:
    """:func:`find_config`, or a usage error saying where it looked."""
    found = find_config(start, environ)
    if found is None:
        raise UsageError(
            f"no {DEFAULT_CONFIG} (or pyproject.toml with [tool.plcheck]) in {start} or its "
            f"parents up to the repository root; pass --config FILE or set {CONFIG_ENV}"
        )
    return found


def _has_plcheck_table(pyproject: Path) -> bool:
    try:
        text = pyproject.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return False
    if "plcheck" not in text:  # most pyproject.toml files: no need to parse them
        return False
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError:
        return True  # load() reports the syntax error with its line
    return isinstance(data.get("tool", {}).get("plcheck"), Mapping)


def load(path: Path) -> GateConfig:
    """Read and validate ``path``; any problem is a :class:`UsageError` naming file and line.

    A ``pyproject.toml`` is read from its ``[tool.plcheck]`` table.
    """
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise UsageError(f"{path}: no such config file (pass --config FILE)") from None
    except IsADirectoryError:
        raise UsageError(f"{path}: is a directory, not a config file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"{path}: cannot read: {exc}") from None
    return parse(text, path)


def load_plan(path: Path) -> GateConfig:
    """Read ``path`` for ``plcheck plan``: ``[[link]]`` tables are optional there."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise UsageError(f"{path}: no such config file (pass --config FILE)") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"{path}: cannot read: {exc}") from None
    return parse(text, path, links_required=False)


def parse(text: str, path: Path, *, links_required: bool = True) -> GateConfig:
    """Validate the TOML ``text`` of ``path`` (see :func:`load`)."""
    try:
        data: Mapping[str, Any] = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise UsageError(_syntax_error(path, exc)) from None
    prefix: TablePath = ()
    if path.name == "pyproject.toml":
        prefix = PYPROJECT_TABLE
        table = data.get("tool", {}).get("plcheck")
        if not isinstance(table, Mapping):
            raise UsageError(f"{path}: no [tool.plcheck] table")
        data = table
    return _Parser(path, TomlLines(text, prefix)).config(data, links_required=links_required)


def _syntax_error(path: Path, exc: Exception) -> str:
    message = str(exc)
    match = re.search(r"\(at line (\d+), column \d+\)", message)
    line = getattr(exc, "lineno", None) or (int(match.group(1)) if match else 0)
    message = re.sub(r"\s*\(at line \d+, column \d+\)", "", message)
    message = message.split("\n", 1)[0]  # 3.14 adds the document after a newline
    return f"{path}:{line}: invalid TOML: {message}" if line else f"{path}: invalid TOML: {message}"


_ACCOUNT_KEYS = ("profile", "region", "role_arn", "external_id")
_LINK_KEYS = ("name", "service", "provider", "consumer", "port")
_PROVIDER_KEYS = (*_ACCOUNT_KEYS, "resolver", "dns_timeout")
_CONSUMER_KEYS = (
    *_ACCOUNT_KEYS,
    "vpc",
    "subnets",
    "security_groups",
    "ports",
    "probe",
    "client_cidrs",
    "principal",
)
_PROBE_KEYS = ("host", "port", "resolver", "endpoint", "sni", "insecure", "ca_bundle", "timeout")
_IGNORE_KEYS = ("check", "resource", "link", "reason", "until")


class _Parser(TomlReader):
    """Turns parsed TOML into a :class:`GateConfig`, failing on the first mistake."""

    def config(self, data: Mapping[str, Any], *, links_required: bool = True) -> GateConfig:
        self.known_keys(data, (), "", ("link", "ignore", "plan"))
        links_data = self.array(data, (), "", "link")
        if not links_data and links_required:
            raise self.fail((), None, "", "no [[link]] tables: describe at least one link")
        links = tuple(self.link(raw, ("link", i)) for i, raw in enumerate(links_data))
        seen: dict[str, int] = {}
        for i, link in enumerate(links):
            if link.name in seen:
                raise self.fail(
                    ("link", i),
                    "name",
                    "",
                    f"duplicate link name {link.name!r} (see line {links[seen[link.name]].line})",
                )
            seen[link.name] = i
        ignores = tuple(
            self.ignore(raw, ("ignore", i), set(seen))
            for i, raw in enumerate(self.array(data, (), "", "ignore"))
        )
        plan_providers = self.plan(data["plan"]) if "plan" in data else {}
        return GateConfig(
            path=self.path, links=links, ignores=ignores, plan_providers=plan_providers
        )

    def plan(self, raw: Any) -> dict[str, Account]:
        """``[plan.providers]``: alias = "PROFILE", or alias = { profile/role_arn/region }."""
        where: TablePath = ("plan",)
        if not isinstance(raw, Mapping):
            raise self.fail((), "plan", "", "plan must be a table ([plan.providers])")
        self.known_keys(raw, where, "plan", ("providers",))
        if "providers" not in raw:
            return {}
        providers = self.table(raw, where, "plan", "providers")
        where = (*where, "providers")
        found: dict[str, Account] = {}
        for alias, value in providers.items():
            context = f"plan provider {alias!r}"
            name = alias[4:] if alias.startswith("aws.") else alias
            if isinstance(value, str):
                if not value.strip():
                    raise self.fail(where, alias, context, "the profile name is empty")
                found[name] = Account(profile=value)
                continue
            if not isinstance(value, Mapping):
                raise self.fail(
                    where,
                    alias,
                    context,
                    f'give a profile name ({alias} = "PROFILE") or a table with profile, '
                    "role_arn, external_id, region",
                )
            self.known_keys(value, (*where, alias), context, _ACCOUNT_KEYS)
            if not value:
                raise self.fail(where, alias, context, "give profile or role_arn")
            found[name] = self.account(value, (*where, alias), context)
        return found

    # -- tables ------------------------------------------------------------------------------

    def link(self, raw: Mapping[str, Any], where: TablePath) -> Link:
        name = raw.get("name")
        context = f"link {name!r}" if isinstance(name, str) and name else f"link #{where[-1]!s}"
        self.known_keys(raw, where, context, _LINK_KEYS)
        name = self.string(raw, where, context, "name", required=True)
        assert name is not None
        if not _LINK_NAME.fullmatch(name):
            raise self.fail(where, "name", context, "name must be letters, digits, '.', '_', '-'")
        service = self.string(raw, where, context, "service", required=True)
        assert service is not None
        if not (is_service_name(service) or SERVICE_ID.fullmatch(service)):
            raise self.fail(
                where,
                "service",
                context,
                f"service {service!r} is not an endpoint service name "
                "(com.amazonaws.vpce.REGION.vpce-svc-…)",
            )
        if SERVICE_ID.fullmatch(service):
            raise self.fail(
                where,
                "service",
                context,
                f"service {service!r} is an ID; give the service name consumers use "
                f"(com.amazonaws.vpce.REGION.{service})",
            )
        provider = None
        if "provider" in raw:
            table = self.table(raw, where, context, "provider")
            self.known_keys(table, (*where, "provider"), f"{context} provider", _PROVIDER_KEYS)
            provider = self.account(table, (*where, "provider"), f"{context} provider")
            provider = self.provider_dns(table, (*where, "provider"), context, provider)
            if service_id_in_name(service) is None:
                raise self.fail(
                    where,
                    "provider",
                    context,
                    f"{service} is an AWS service: it has no provider account to check",
                )
        port = raw.get("port", 443)
        if not _is_port(port):
            raise self.fail(where, "port", context, f"port must be 1-65535, not {port!r}")
        consumers = tuple(
            self.consumer(c, (*where, "consumer", i), context, port)
            for i, c in enumerate(self.array(raw, where, context, "consumer"))
        )
        if provider is None and not consumers:
            raise self.fail(where, None, context, "give a provider, a [[link.consumer]], or both")
        return Link(name, service, provider, consumers, self.lines.of(where), port=port)

    def account(self, raw: Mapping[str, Any], where: TablePath, context: str) -> Account:
        for key in _ACCOUNT_KEYS:
            self.string(raw, where, context, key)
        region = raw.get("region")
        if region is not None:
            self.checked_id(where, "region", context, "region", region)
        role_arn = raw.get("role_arn")
        if role_arn is not None and not ROLE_ARN.fullmatch(role_arn):
            raise self.fail(where, "role_arn", context, f"malformed role ARN {role_arn!r}")
        if raw.get("external_id") is not None and role_arn is None:
            raise self.fail(where, "external_id", context, "external_id needs role_arn")
        return Account(
            profile=raw.get("profile"),
            region=region,
            role_arn=role_arn,
            external_id=raw.get("external_id"),
        )

    def consumer(
        self, raw: Any, where: TablePath, link_context: str, link_port: int = 443
    ) -> Consumer:
        context = f"{link_context} consumer #{where[-1]!s}"
        if not isinstance(raw, Mapping):
            raise self.fail(where, None, context, "must be a table")
        self.known_keys(raw, where, context, _CONSUMER_KEYS)
        account = self.account(raw, where, context)
        vpc = self.string(raw, where, context, "vpc", required=True)
        assert vpc is not None
        self.checked_id(where, "vpc", context, "vpc", vpc)
        context = f"{link_context} consumer {vpc}"
        subnets = None
        if "subnets" in raw:
            value = raw["subnets"]
            if not isinstance(value, list) or not all(isinstance(s, str) for s in value):
                raise self.fail(where, "subnets", context, "subnets must be a list of subnet IDs")
            if not value:
                raise self.fail(where, "subnets", context, "subnets is empty; leave it out instead")
            for subnet in value:
                self.checked_id(where, "subnets", context, "subnet", subnet)
            subnets = tuple(value)
        groups = self.ids(raw, where, context, "security_groups", "security group")
        probe = None
        if "probe" in raw:
            table = self.table(raw, where, context, "probe")
            probe = self.probe(table, (*where, "probe"), f"{context} probe", link_port)
        ports = raw.get("ports", [probe.port if probe else link_port])
        if not isinstance(ports, list) or not ports or not all(_is_port(p) for p in ports):
            bad = [p for p in ports if not _is_port(p)] if isinstance(ports, list) else []
            problem = (
                _port_problem("ports", bad[0])
                if bad
                else "ports must be a list of ports 1-65535, e.g. [443]"
            )
            raise self.fail(where, "ports", context, problem)
        return Consumer(
            account=account,
            vpc=vpc,
            subnets=subnets,
            security_groups=groups,
            ports=tuple(dict.fromkeys(ports)),
            probe=probe,
            line=self.lines.of(where),
            client_cidrs=self.cidrs(raw, where, context, "client_cidrs"),
            principal=self.role_arn(raw, where, context, "principal"),
        )

    def cidrs(
        self, raw: Mapping[str, Any], where: TablePath, context: str, key: str
    ) -> tuple[str, ...]:
        value = raw.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise self.fail(where, key, context, f"{key} must be a list of CIDR blocks")
        out = []
        for item in value:
            try:
                out.append(str(ipaddress.ip_network(item.strip(), strict=False)))
            except ValueError:
                raise self.fail(where, key, context, f"malformed CIDR block {item!r}") from None
        return tuple(dict.fromkeys(out))

    def role_arn(
        self, raw: Mapping[str, Any], where: TablePath, context: str, key: str
    ) -> str | None:
        value = self.string(raw, where, context, key)
        if value is not None and not ROLE_ARN.fullmatch(value):
            raise self.fail(
                where,
                key,
                context,
                f"{key} must be an IAM role ARN (arn:aws:iam::ACCOUNT:role/NAME), not {value!r}",
            )
        return value

    def ids(
        self, raw: Mapping[str, Any], where: TablePath, context: str, key: str, kind: str
    ) -> tuple[str, ...]:
        value = raw.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise self.fail(where, key, context, f"{key} must be a list of {kind} IDs")
        for item in value:
            self.checked_id(where, key, context, kind, item)
        return tuple(value)

    def provider_dns(
        self, raw: Mapping[str, Any], where: TablePath, context: str, account: Account
    ) -> Account:
        resolver = self.string(raw, where, f"{context} provider", "resolver")
        timeout = raw.get("dns_timeout", 5.0)
        if isinstance(timeout, bool) or not isinstance(timeout, (int, float)) or timeout <= 0:
            raise self.fail(
                where, "dns_timeout", f"{context} provider", "dns_timeout must be seconds > 0"
            )
        return replace(account, resolver=resolver, dns_timeout=float(timeout))

    def probe(
        self, raw: Mapping[str, Any], where: TablePath, context: str, link_port: int = 443
    ) -> Probe:
        self.known_keys(raw, where, context, _PROBE_KEYS)
        host = self.string(raw, where, context, "host", required=True)
        assert host is not None
        try:
            name, named_port = parse_target(host)
        except UsageError as exc:
            raise self.fail(where, "host", context, str(exc)) from None
        if name != host:
            port_too = f" and port = {named_port}" if named_port else ""
            raise self.fail(
                where, "host", context, f'host is a name only: write host = "{name}"{port_too}'
            )
        # The probe connects where the link's clients do, unless it says otherwise.
        port = raw.get("port", link_port)
        if not _is_port(port):
            raise self.fail(where, "port", context, _port_problem("port", port))
        timeout = raw.get("timeout", 5.0)
        if isinstance(timeout, bool) or not isinstance(timeout, (int, float)) or timeout <= 0:
            raise self.fail(where, "timeout", context, "timeout must be a number of seconds > 0")
        endpoint = self.string(raw, where, context, "endpoint")
        if endpoint is not None:
            self.checked_id(where, "endpoint", context, "endpoint", endpoint)
        ca_bundle = self.string(raw, where, context, "ca_bundle")
        ca_path = None
        if ca_bundle is not None:
            ca_path = Path(ca_bundle)
            if not ca_path.is_absolute():
                ca_path = self.path.parent / ca_path
        return Probe(
            host=host,
            port=port,
            resolver=self.string(raw, where, context, "resolver"),
            endpoint=endpoint,
            sni=self.string(raw, where, context, "sni"),
            insecure=bool(self.boolean(raw, where, context, "insecure")),
            ca_bundle=ca_path,
            timeout=float(timeout),
        )

    def ignore(self, raw: Any, where: TablePath, links: set[str]) -> Ignore:
        context = f"ignore #{int(where[-1]) + 1}"
        if not isinstance(raw, Mapping):
            raise self.fail(where, None, context, "must be a table")
        self.known_keys(raw, where, context, _IGNORE_KEYS)
        check = self.string(raw, where, context, "check", required=True)
        assert check is not None
        from plcheck.checks import catalog

        if check not in catalog():
            hint = did_you_mean(check.lower(), catalog()) or " (see `plcheck checks`)"
            raise self.fail(where, "check", context, f"unknown check {check!r}{hint}")
        context = f"ignore of {check}"
        reason = self.string(raw, where, context, "reason", required=True)
        if not reason or not reason.strip():
            raise self.fail(where, "reason", context, "reason must say why")
        link = self.string(raw, where, context, "link")
        if link is not None and link not in links:
            raise self.fail(where, "link", context, f"no link named {link!r}")
        until = raw.get("until")
        if isinstance(until, str):
            try:
                until = dt.date.fromisoformat(until)
            except ValueError:
                raise self.fail(
                    where, "until", context, f"until must be a date (YYYY-MM-DD), not {until!r}"
                ) from None
        if isinstance(until, dt.datetime):
            until = until.date()
        if until is not None and not isinstance(until, dt.date):
            raise self.fail(where, "until", context, "until must be a date (YYYY-MM-DD)")
        return Ignore(
            check=check,
            reason=reason.strip(),
            resource=self.string(raw, where, context, "resource"),
            link=link,
            until=until,
            line=self.lines.of(where),
        )

    # -- values ------------------------------------------------------------------------------


def _is_port(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 0 < value < 65536


def _port_problem(key: str, value: Any) -> str:
    """Why ``value`` is not a port, naming the type TOML gave it (``"443"`` is a string)."""
    if isinstance(value, bool) or not isinstance(value, int):
        kind = {bool: "a boolean", str: "a string", float: "a number with a fraction"}.get(
            type(value), f"a {type(value).__name__}"
        )
        return f"{key} expects an integer, e.g. 443, not {kind} ({toml_literal(value)})"
    return f"{key} must be 1-65535, not {value}"
