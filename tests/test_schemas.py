"""The published JSON Schemas: every demo report and every example config validates, and
every ``details`` key a check reports is documented in its catalog entry."""

from __future__ import annotations

import datetime as dt
import json
import re
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator, FormatChecker

from plcheck.checks import catalog
from plcheck.cli import run
from plcheck.commands.schema import SchemaName, schema_text
from plcheck.demo.steps import demo_steps
from plcheck.errors import UsageError
from plcheck.gate.config import parse, tomllib
from plcheck.model import ERROR_DETAILS
from plcheck.sim import SimulatedWorld

ROOT = Path(__file__).resolve().parents[1]

#: Keys a run adds to the findings of the checks it composes (documented in the schema).
CONTEXT_DETAILS = {
    # plcheck check: which link and side a finding belongs to; ignores keep the original.
    "link",
    "side",
    "consumer_vpc",
    "ignored",
    "original_status",
    # plcheck plan: the planned resources and what is not known before apply.
    "address",
    "addresses",
    "known_after_apply",
    "unknown",
    "subnets_from",
    "attributes_from",
    "groups_from_plan",
}


def validator(name: SchemaName) -> Draft202012Validator:
    schema = json.loads(schema_text(name))
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema, format_checker=FormatChecker())


@pytest.fixture(scope="module")
def demo_reports(tmp_path_factory: pytest.TempPathFactory) -> list[dict[str, Any]]:
    """Every demo step's JSON report, once as it is and once with --quiet --fail-on never."""
    directory = tmp_path_factory.mktemp("reports")
    reports = []
    with SimulatedWorld() as world, closing(demo_steps(world)) as steps:
        for n, step in enumerate(steps):
            for variant, extra in enumerate(([], ["--quiet", "--fail-on", "never"])):
                path = directory / f"{n}-{variant}.json"
                run([*step.args, "--format", "json", "--output", str(path), *extra])
                reports.append(json.loads(path.read_text()))
    return reports


def test_the_schemas_ship_in_the_package_and_print(capsys: pytest.CaptureFixture[str]) -> None:
    for name in SchemaName:
        assert run(["schema", name.value]) == 0
        printed = json.loads(capsys.readouterr().out)
        assert printed["$schema"] == "https://json-schema.org/draft/2020-12/schema"
        assert (ROOT / "plcheck" / "schemas" / f"{name.value}.schema.json").is_file()
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text())
    assert "*.json" in pyproject["tool"]["setuptools"]["package-data"]["plcheck.schemas"]


def test_every_demo_report_validates(demo_reports: list[dict[str, Any]]) -> None:
    check = validator(SchemaName.REPORT)
    commands = set()
    for report in demo_reports:
        check.validate(report)
        commands.add(report["command"])
    assert commands == {"az-map", "provider", "consumer", "probe", "check", "plan"}
    assert {r["fail_on"] for r in demo_reports} == {"fail", "never"}
    # A finding's location (a config line, a .tf resource) validates too.
    from plcheck.model import Finding, Location, Report, Status
    from plcheck.report import json_format

    located = Finding("nlb-listeners", Status.FAIL, "lb", "m", location=Location("a.toml", 3))
    check.validate(json_format.as_dict(Report("check", (located,))))


def test_the_report_schema_refuses_what_plcheck_never_writes(
    demo_reports: list[dict[str, Any]],
) -> None:
    check = validator(SchemaName.REPORT)
    report = json.loads(json.dumps(demo_reports[0]))
    report["findings"][0]["status"] = "ok"
    assert not check.is_valid(report)
    del report["fail_on"]
    assert not check.is_valid(report)


def test_every_details_key_is_documented_in_its_check(demo_reports: list[dict[str, Any]]) -> None:
    specs = catalog()
    for spec in specs.values():
        assert spec.details, f"{spec.id} documents no details keys"
    for report in demo_reports:
        for finding in report["findings"]:
            spec = specs[finding["check"]]
            known = set(spec.details) | CONTEXT_DETAILS
            if finding["status"] == "error":
                known |= set(ERROR_DETAILS)
            unknown = set(finding["details"]) - known
            assert not unknown, f"{spec.id}: undocumented details keys {sorted(unknown)}"


def test_the_report_schema_documents_the_context_keys() -> None:
    details = json.loads(schema_text(SchemaName.REPORT))["$defs"]["finding"]["properties"][
        "details"
    ]
    for key in CONTEXT_DETAILS | set(ERROR_DETAILS):
        assert re.search(rf"\b{key}\b", details["description"]), key


def test_explain_shows_the_details_keys(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["explain", "service-visible"]) == 0
    text = capsys.readouterr().out
    for key in catalog()["service-visible"].details:
        assert key in text


# -- example configs ----------------------------------------------------------------------------


def _as_json(value: Any) -> Any:
    """TOML values as an editor's schema validation sees them (dates as strings)."""
    if isinstance(value, dict):
        return {k: _as_json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_as_json(v) for v in value]
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return value


def _documented_configs() -> list[tuple[str, str]]:
    found = []
    pages = ["README.md", *sorted(str(p.relative_to(ROOT)) for p in (ROOT / "docs").rglob("*.md"))]
    for name in pages:
        text = (ROOT / name).read_text()
        for n, block in enumerate(re.findall(r"```toml\n(.*?)```", text, re.S)):
            if re.search(r"^\[\[?(tool\.plcheck\.)?(link|plan)\b", block, re.M):
                found.append((f"{name}#{n}", block))
    return found


def _demo_configs() -> list[tuple[str, str]]:
    found = []
    with SimulatedWorld() as world, closing(demo_steps(world)) as steps:
        for step in steps:
            for arg in step.args:
                if arg.endswith(".toml"):
                    found.append((f"demo {step.command}", Path(arg).read_text()))
    return found


def test_every_example_config_validates() -> None:
    check = validator(SchemaName.CONFIG)
    examples = _documented_configs() + _demo_configs()
    assert len(examples) >= 3, examples
    for where, text in examples:
        data = tomllib.loads(text)
        data = data.get("tool", {}).get("plcheck", data)
        errors = [e.message for e in check.iter_errors(_as_json(data))]
        assert not errors, f"{where}: {errors}"


#: Every key plcheck.toml may hold, each in a form plcheck accepts.
EVERY_KEY = """
[plan.providers]
consumer = "prod-network"
"aws.shared" = { role_arn = "arn:aws:iam::333333333333:role/ro", external_id = "x" }
[plan.providers.other]
profile = "p"
region = "eu-west-1"

[[link]]
name = "api"
service = "com.amazonaws.vpce.eu-west-1.vpce-svc-0123456789abcdef0"
port = 8443
[link.provider]
profile = "p"
region = "eu-west-1"
role_arn = "arn:aws:iam::111111111111:role/r"
external_id = "e"
resolver = "10.0.0.2:53"
dns_timeout = 2.5

[[link.consumer]]
profile = "c"
region = "eu-west-1"
vpc = "vpc-0123456789abcdef0"
subnets = ["subnet-0123abcd"]
security_groups = ["sg-0123abcd"]
ports = [8443, 443]
client_cidrs = ["10.1.0.0/16", "192.168.7.5", "fd00::/8", " 172.16.0.0/255.240.0.0 "]
principal = "arn:aws:iam::222222222222:role/deployer"
[link.consumer.probe]
host = "api.example.com"
port = 8443
resolver = "10.0.0.2"
endpoint = "vpce-0123abcd"
sni = "api.example.com"
insecure = true
ca_bundle = "ca.pem"
timeout = 3

[[ignore]]
check = "link-zones"
reason = "one zone on purpose"
resource = "vpce-svc-0123456789abcdef0"
link = "api"
until = 2030-01-31
"""


def test_the_config_schema_accepts_every_key_plcheck_accepts() -> None:
    parse(EVERY_KEY, Path("plcheck.toml"))
    errors = [
        e.message
        for e in validator(SchemaName.CONFIG).iter_errors(_as_json(tomllib.loads(EVERY_KEY)))
    ]
    assert not errors
    # plcheck plan reads a config with no [[link]].
    plan_only = '[plan.providers]\nconsumer = "prod"\n'
    parse(plan_only, Path("plcheck.toml"), links_required=False)
    assert validator(SchemaName.CONFIG).is_valid(tomllib.loads(plan_only))


LINK = '[[link]]\nname = "a"\nservice = "com.amazonaws.vpce.eu-west-1.vpce-svc-0123456789abcdef0"\n'
CONSUMER = f'{LINK}[[link.consumer]]\nvpc = "vpc-0123abcd"\n'


@pytest.mark.parametrize(
    ("snippet", "problem"),
    [
        ('[[link]]\nname = "a"\nservce = "x"\n', "servce"),
        ('[[link]]\nname = "a"\nservice = "vpce-svc-0123456789abcdef0"\n', "link without sides"),
        (
            '[[link]]\nname = "a"\nservice = "com.amazonaws.s3"\n'
            '[[link.consumer]]\nvpc = "vpc-1"\n',
            "malformed VPC",
        ),
        (f"{CONSUMER}port = 443\n", "port on the consumer, not the link"),
        (f'{LINK}port = 0\n[[link.consumer]]\nvpc = "vpc-0123abcd"\n', "port 0"),
        (f'{LINK}port = "443"\n[[link.consumer]]\nvpc = "vpc-0123abcd"\n', "port as a string"),
        (f'{CONSUMER}client_cidrs = ["on-prem"]\n', "malformed CIDR"),
        (f'{CONSUMER}client_cidrs = "10.0.0.0/8"\n', "client_cidrs not a list"),
        (f'{CONSUMER}principal = "arn:aws:iam::222222222222:root"\n', "principal not a role"),
        ('[plan]\nprovider = { x = "p" }\n', "plan.provider"),
        ('[plan.providers]\nconsumer = " "\n', "empty profile"),
        ("[plan.providers]\nconsumer = 3\n", "profile not a string"),
        ("[plan.providers.consumer]\n", "empty provider table"),
        ('[plan.providers.consumer]\nprofile = "p"\nrole = "r"\n', "unknown provider key"),
        ('[plan.providers.consumer]\nprofile = "p"\nexternal_id = "x"\n', "external_id alone"),
    ],
)
def test_the_config_schema_refuses_what_plcheck_refuses(snippet: str, problem: str) -> None:
    with pytest.raises(UsageError):
        parse(snippet, Path("plcheck.toml"), links_required=False)
    assert not validator(SchemaName.CONFIG).is_valid(tomllib.loads(snippet)), problem


def test_the_config_schema_has_the_keys_plcheck_reads() -> None:
    """Each table's keys in the schema are those the parser knows, so neither drifts."""
    from plcheck.gate import config

    schema = json.loads(schema_text(SchemaName.CONFIG))
    defs = schema["$defs"]
    tables = {
        "top level": (schema, ("link", "ignore", "plan")),
        "[[link]]": (defs["link"], config._LINK_KEYS),
        "provider": (defs["link"]["properties"]["provider"], config._PROVIDER_KEYS),
        "[[link.consumer]]": (defs["consumer"], config._CONSUMER_KEYS),
        "probe": (defs["probe"], config._PROBE_KEYS),
        "[[ignore]]": (defs["ignore"], config._IGNORE_KEYS),
        "[plan]": (schema["properties"]["plan"], ("providers",)),
        "[plan.providers.ALIAS]": (defs["plan_provider"], config._ACCOUNT_KEYS),
    }
    for name, (table, keys) in tables.items():
        assert set(table["properties"]) == set(keys), name
        assert table["additionalProperties"] is False, name


def test_the_documented_plan_providers_validate() -> None:
    assert any("[plan.providers]" in text for _, text in _documented_configs())
