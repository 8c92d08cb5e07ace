"""The plan model: module instances, references, providers, resource types, inputs, sources.

Plans are hand-written in the documented ``terraform show -json`` format (format_version 1.2).
"""

from __future__ import annotations

import io
import json
import shutil
import sys
from pathlib import Path
from typing import Any

import pytest

from plcheck.errors import UsageError
from plcheck.gate.terraform import TerraformPlan, Unknown, parse, read
from plcheck.gate.tf_address import parse_module, parse_reference, split
from plcheck.gate.tf_resources import (
    PlannedEndpoint,
    PlannedListener,
    PlannedLoadBalancer,
    PlannedRuleResource,
    PlannedSecurityGroup,
    PlannedService,
)
from plcheck.gate.tf_source import locate, resource_lines
from plcheck.sim.plans import resource_change

DATA = Path(__file__).parent / "data" / "tf"


@pytest.fixture(scope="module")
def plan() -> TerraformPlan:
    return read(DATA / "two_accounts.json")


def endpoint(plan: TerraformPlan, address: str) -> PlannedEndpoint:
    found = plan.resource(address)
    assert isinstance(found, PlannedEndpoint)
    return found


def test_reference_in_a_for_each_module_matches_its_own_instance(plan: TerraformPlan) -> None:
    """Measured bug: ``module.pl.aws_subnet.pl`` matched no ``module.pl["burrito"]`` instance."""
    burrito = endpoint(plan, 'module.pl["burrito"].aws_vpc_endpoint.this')
    assert isinstance(burrito.subnet_ids, Unknown)
    assert burrito.subnet_ids.resources == (
        'module.pl["burrito"].aws_subnet.pl["a"]',
        'module.pl["burrito"].aws_subnet.pl["b"]',
    )
    # The old consumer API finds the planned subnet, with the zone it is planned in.
    (a,) = plan.subnet(burrito.subnet_ids.resources[0])
    assert a.zone_id == "use1-az1"
    tacos = endpoint(plan, 'module.pl["tacos"].aws_vpc_endpoint.this')
    assert isinstance(tacos.subnet_ids, Unknown)
    assert tacos.subnet_ids.resources == ('module.pl["tacos"].aws_subnet.pl["a"]',)


def test_bare_reference_to_for_each_means_each_instance_once() -> None:
    """Measured bug: a bare reference pulled in instances twice."""
    subnets = [
        _change(f'aws_subnet.pl["{k}"]', "aws_subnet", "pl", {"cidr_block": "10.0.0.0/24"}, index=k)
        for k in ("a", "b", "c")
    ]
    vpce = _change(
        "aws_vpc_endpoint.x",
        "aws_vpc_endpoint",
        "x",
        {"vpc_endpoint_type": "Interface", "service_name": "s"},
        unknown={"subnet_ids": True},
    )
    config = _config(
        {
            "aws_vpc_endpoint.x": {
                "subnet_ids": {"references": ["aws_subnet.pl", "aws_subnet.pl", "each.value"]}
            }
        }
    )
    found = parse(_plan([*subnets, vpce], config), Path("p.json"))
    (x,) = found.endpoints
    assert isinstance(x.subnet_ids, Unknown)
    assert x.subnet_ids.resources == tuple(f'aws_subnet.pl["{k}"]' for k in "abc")
    assert [s.address for r in x.subnet_ids.resources for s in found.subnet(r)] == list(
        x.subnet_ids.resources
    )


def test_count_modules_each_key_and_nested_module_outputs(plan: TerraformPlan) -> None:
    burrito = endpoint(plan, 'module.pl["burrito"].aws_vpc_endpoint.this')
    # module.sg[0].id → the sg module's output → its aws_security_group, in module.pl["burrito"]
    assert isinstance(burrito.security_group_ids, Unknown)
    assert burrito.security_group_ids.resources == (
        'module.pl["burrito"].module.sg[0].aws_security_group.this',
    )
    (config,) = burrito.subnet_configuration  # type: ignore[misc]
    assert isinstance(config.subnet_id, Unknown)
    assert config.subnet_id.resources == ('module.pl["burrito"].aws_subnet.pl["a"]',)
    assert (config.ipv4, config.ipv6) == ("10.1.1.10", "")
    changes = [
        _change(
            f"module.ep[{i}].aws_vpc_endpoint.this",
            "aws_vpc_endpoint",
            "this",
            {"vpc_endpoint_type": "Interface", "service_name": "s"},
            module_address=f"module.ep[{i}]",
            unknown={"subnet_ids": True},
        )
        for i in (0, 1)
    ] + [_change(f"aws_subnet.pl[{i}]", "aws_subnet", "pl", {}, index=i) for i in (0, 1)]
    configuration = {
        "root_module": {
            "module_calls": {
                "ep": {
                    "source": "./ep",
                    "count_expression": {"constant_value": 2},
                    # subnet_id = aws_subnet.pl[count.index].id
                    "expressions": {"subnet": {"references": ["aws_subnet.pl", "count.index"]}},
                    "module": {
                        "resources": [
                            {
                                "address": "aws_vpc_endpoint.this",
                                "mode": "managed",
                                "type": "aws_vpc_endpoint",
                                "name": "this",
                                "expressions": {"subnet_ids": {"references": ["var.subnet"]}},
                            }
                        ]
                    },
                }
            }
        }
    }
    found = parse(_plan(changes, configuration), Path("p.json"))
    first, second = found.endpoints
    assert isinstance(first.subnet_ids, Unknown)
    assert first.subnet_ids.resources == ("aws_subnet.pl[0]",)
    assert isinstance(second.subnet_ids, Unknown)
    assert second.subnet_ids.resources == ("aws_subnet.pl[1]",)


def test_aliased_providers_in_two_accounts(plan: TerraformPlan) -> None:
    burrito = endpoint(plan, 'module.pl["burrito"].aws_vpc_endpoint.this')
    # passed into the module with providers = { aws = aws.consumer }
    assert (burrito.provider_key, burrito.provider_alias, burrito.region) == (
        "aws.consumer",
        "consumer",
        "us-east-1",
    )
    (nlb,) = plan.load_balancers
    # region = var.region, from the plan's variables
    assert (nlb.provider_alias, nlb.region) == ("provider", "us-west-2")
    assert plan.providers["aws.provider"].region_from == "var.region"
    assert plan.region == "us-east-1"


def test_module_declared_provider_and_unknown_region() -> None:
    change = _change(
        "module.m.aws_subnet.s",
        "aws_subnet",
        "s",
        {},
        module_address="module.m",
    )
    configuration = {
        "provider_config": {
            "module.m:aws": {
                "name": "aws",
                "module_address": "module.m",
                "expressions": {"region": {"references": ["var.region"]}},
            }
        },
        "root_module": {
            "module_calls": {
                "m": {
                    "source": "./m",
                    "module": {
                        "resources": [
                            {
                                "address": "aws_subnet.s",
                                "mode": "managed",
                                "type": "aws_subnet",
                                "name": "s",
                                "provider_config_key": "module.m:aws",
                            }
                        ]
                    },
                }
            }
        },
    }
    (subnet,) = parse(_plan([change], configuration), Path("p.json")).subnets
    assert (subnet.provider_key, subnet.provider_alias, subnet.region) == ("module.m:aws", "", "")


def test_unknown_sensitive_and_not_read(plan: TerraformPlan) -> None:
    (principal,) = plan.allowed_principals
    assert principal.principal_arn == Unknown("principal_arn", sensitive=True)
    assert "111111111111" not in repr(principal)
    assert principal.principal_arn.describe() == "principal_arn (sensitive)"
    assert plan.unread == (("aws_route53_record", 2), ("aws_iam_role", 1))
    assert plan.data_sources == (("aws_caller_identity", 1),)
    assert plan.skipped == (("aws_vpc_endpoint.old", "deleted by this plan"),)


def test_provider_and_consumer_in_one_plan(plan: TerraformPlan) -> None:
    (service,) = plan.of(PlannedService)
    assert isinstance(service.load_balancer_arns, Unknown)
    assert service.load_balancer_arns.resources == ("aws_lb.nlb",)
    assert service.acceptance_required is True
    assert service.supported_regions == ("us-west-2", "us-east-1")
    (nlb,) = plan.of(PlannedLoadBalancer)
    assert (nlb.lb_type, nlb.cross_zone, nlb.enforce_sg_on_privatelink) == ("network", True, "off")
    assert isinstance(nlb.subnet_mapping, Unknown)
    (listener,) = plan.of(PlannedListener)
    assert listener.existing_id is not None
    assert isinstance(listener.load_balancer_arn, Unknown)
    assert listener.load_balancer_arn.resources == ("aws_lb.nlb",)
    (group,) = listener.target_group_arns
    assert isinstance(group, Unknown)
    assert group.resources == ("aws_lb_target_group.tg",)
    (tg,) = plan.target_groups
    assert tg.proxy_protocol_v2 is True
    assert tg.health_check is not None
    assert not isinstance(tg.health_check, Unknown)
    assert tg.health_check.port == "traffic-port"
    assert len(plan.endpoints) == 2


def test_subnet_association_joins_its_endpoint(plan: TerraformPlan) -> None:
    burrito = endpoint(plan, 'module.pl["burrito"].aws_vpc_endpoint.this')
    (association,) = burrito.associations
    assert association.endpoint_address == burrito.address
    assert isinstance(association.subnet_id, Unknown)
    assert association.subnet_id.resources == ('module.pl["burrito"].aws_subnet.pl["b"]',)
    assert endpoint(plan, 'module.pl["tacos"].aws_vpc_endpoint.this').associations == ()


def test_security_group_rules_from_every_source(plan: TerraformPlan) -> None:
    (group,) = plan.of(PlannedSecurityGroup)
    assert group.group_name == "burrito-endpoint"
    rules = plan.sg_rules
    inline = next(r for r in rules if r.source == group.address)
    assert (inline.protocol, inline.from_port, inline.cidrs) == ("tcp", 443, ("10.0.0.0/8",))
    assert isinstance(inline.group_id, Unknown)
    assert inline.group_id.resources == (group.address,)
    vpc_rule = next(r.rule for r in plan.of(PlannedRuleResource) if r.name == "vpc")
    assert isinstance(vpc_rule.group_id, Unknown)
    assert vpc_rule.group_id.resources == (group.address,)
    assert (vpc_rule.egress, vpc_rule.cidrs) == (False, ("10.1.0.0/16",))
    legacy = next(r.rule for r in plan.of(PlannedRuleResource) if r.name == "legacy")
    assert (legacy.egress, legacy.protocol, legacy.group_id) == (True, "-1", "sg-0live")
    (zone,) = plan.hosted_zones
    assert zone.zone_name == "burrito.example.com"
    (association,) = plan.resolver_rule_associations
    assert isinstance(association.resolver_rule_id, Unknown)
    assert association.resolver_rule_id.resources == ("aws_route53_resolver_rule.fwd",)


def test_addresses_split_outside_keys() -> None:
    assert split('module.x["a.b"].aws_subnet.y[0]') == ["module", 'x["a.b"]', "aws_subnet", "y[0]"]
    assert parse_module('module.a["k"].module.b[0]') == (("a", "k"), ("b", 0))
    ref = parse_reference('aws_subnet.pl["a"].id')
    assert (ref.kind, ref.key, ref.keyed, ref.attribute) == ("resource", "a", True, "id")
    assert parse_reference("data.aws_vpc.x.id").local_address == "data.aws_vpc.x"
    assert parse_reference("module.sg[0].id").attribute == "id"


def test_stdin(monkeypatch: pytest.MonkeyPatch) -> None:
    text = (DATA / "two_accounts.json").read_text()
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(text.encode())))
    assert len(read("-").endpoints) == 2
    monkeypatch.setattr(sys, "stdin", io.StringIO("{not json"))
    with pytest.raises(UsageError, match=r"^standard input:1: not JSON"):
        read("-")
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))
    with pytest.raises(UsageError, match="standard input: empty"):
        read("-")
    monkeypatch.setattr(sys, "stdin", None)  # started with standard input closed
    with pytest.raises(UsageError, match="standard input: cannot read: standard input is closed"):
        read("-")


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        (b"\xff\xfe binary", "not JSON"),
        (b'{"values": {}}', "no format_version"),
        (b'{"format_version": "1.2", "values": {}}', "looks like state"),
    ],
)
def test_not_a_plan(tmp_path: Path, content: bytes, problem: str) -> None:
    path = tmp_path / "p.json"
    path.write_bytes(content)
    with pytest.raises(UsageError, match=problem):
        read(path)
    with pytest.raises(UsageError, match="is a directory"):
        read(tmp_path)


def test_resource_header_scanner_skips_comments_strings_and_heredocs() -> None:
    text = (DATA / "repo" / "infra" / "main.tf").read_text()
    assert resource_lines(text) == {("aws_lb", "nlb"): 15, ("aws_lb_listener", "tls"): 24}


def test_locations_follow_modules_json(plan: TerraformPlan, tmp_path: Path) -> None:
    shutil.copytree(DATA / "repo", tmp_path / "repo")
    infra = tmp_path / "repo" / "infra"
    found = locate(plan, infra, tmp_path / "repo")
    assert str(found['module.pl["tacos"].aws_vpc_endpoint.this']) == "infra/modules/pl/main.tf:5"
    assert str(found['module.pl["burrito"].module.sg[0].aws_security_group.this']) == (
        "infra/modules/pl/sg/main.tf:2"
    )
    assert str(found["aws_lb_listener.tls"]) == "infra/main.tf:24"
    assert all(not Path(loc.path).is_absolute() for loc in found.values())
    # Without modules.json, the configuration's local sources lead to the same files.
    (infra / ".terraform" / "modules" / "modules.json").unlink()
    (infra / "modules" / "sg").mkdir()
    (infra / "modules" / "pl" / "sg" / "main.tf").rename(infra / "modules" / "sg" / "main.tf")
    again = locate(plan, infra, tmp_path / "repo")
    assert str(again['module.pl["tacos"].aws_vpc_endpoint.this']) == "infra/modules/pl/main.tf:5"
    # ./sg relative to modules/pl: moved away, so not found rather than guessed
    assert 'module.pl["burrito"].module.sg[0].aws_security_group.this' not in again


@pytest.mark.parametrize("modules", ["5", '"x"', '{"Key": "pl"}', "null"])
def test_malformed_modules_json_locates_root_blocks(
    plan: TerraformPlan, tmp_path: Path, modules: str
) -> None:
    shutil.copytree(DATA / "repo", tmp_path / "repo")
    infra = tmp_path / "repo" / "infra"
    (infra / ".terraform" / "modules" / "modules.json").write_text(f'{{"Modules": {modules}}}')
    found = locate(plan, infra, tmp_path / "repo")  # no TypeError: read as no module entries
    assert str(found["aws_lb_listener.tls"]) == "infra/main.tf:24"


def test_scale_generator_is_linear(tmp_path: Path) -> None:
    sys.path.insert(0, str(Path(__file__).parents[2] / "bench"))
    try:
        import plans  # type: ignore[import-not-found]
    finally:
        sys.path.pop(0)
    path = tmp_path / "plan.json"
    plans.write_endpoint_plan(path, 50)
    found = read(path)
    assert len(found.endpoints) == 50
    first = found.endpoints[0]
    assert isinstance(first.subnet_ids, Unknown)
    assert len(first.subnet_ids.resources) == 3
    assert first.provider_alias == "consumer"


# -- helpers ---------------------------------------------------------------------------------


def _change(
    address: str,
    kind: str,
    name: str,
    after: dict[str, Any],
    *,
    index: int | str | None = None,
    module_address: str | None = None,
    unknown: dict[str, Any] | None = None,
) -> dict[str, Any]:
    return resource_change(
        address,
        kind,
        after,
        {"id": True, **(unknown or {})},
        name=name,
        index=index,
        module_address=module_address,
    )


def _config(expressions: dict[str, dict[str, Any]]) -> dict[str, Any]:
    resources = []
    for address, exprs in expressions.items():
        kind, name = address.split(".")
        resources.append(
            {
                "address": address,
                "mode": "managed",
                "type": kind,
                "name": name,
                "expressions": exprs,
            }
        )
    return {"root_module": {"resources": resources}}


def _plan(changes: list[dict[str, Any]], configuration: dict[str, Any]) -> dict[str, Any]:
    plan = {
        "format_version": "1.2",
        "terraform_version": "1.9.8",
        "resource_changes": changes,
        "configuration": configuration,
    }
    return json.loads(json.dumps(plan))  # type: ignore[no-any-return]


def test_only_instances_a_reference_can_reach_are_indexed() -> None:
    """A module's for_each of thousands of endpoints nothing references costs no index."""
    from plcheck.gate import tf_reader

    data = json.loads((DATA / "two_accounts.json").read_text(encoding="utf-8"))
    reader = tf_reader.PlanReader(
        data["resource_changes"], tf_reader.Config(data["configuration"]), {}
    )
    indexed = {local for _, local in reader.instances}
    assert {"aws_subnet.pl", "aws_security_group.this", "aws_vpc_endpoint_service.svc"} <= indexed
    assert not {"aws_route53_zone.private", "aws_vpc_endpoint.old", "aws_iam_role.r"} & indexed
    # Only the module whose output is referenced (module.sg[0].id) has its instances listed.
    assert list(reader.module_instances) == [('module.pl["burrito"]', "sg")]
    assert reader.count == len(data["resource_changes"])
