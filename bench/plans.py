"""Large ``terraform show -json`` plans for the scale budgets (``make bench``).

:func:`endpoint_plan` writes what ``module "pl" { for_each = var.services }`` with one
interface endpoint per service looks like in the documented format (format_version 1.2,
https://developer.hashicorp.com/terraform/internals/json-format): ``resource_changes``,
``planned_values`` with ``child_modules``, and the ``configuration`` whose references
the reader follows (``var.subnet_ids`` out of the module to ``aws_subnet.pl``). The
endpoints' subnets are created in the same plan, so every endpoint's ``subnet_ids`` is
known only after apply and must be resolved through the configuration.

    .venv/bin/python bench/plans.py 20000 /tmp/plan.json    # writes it, prints its size
    .venv/bin/python bench/plans.py 20000 /tmp/plan.json --measure
"""

from __future__ import annotations

import argparse
import json
import sys
import time
import tracemalloc
from collections.abc import Iterator
from pathlib import Path
from typing import Any

ZONES = {"a": "use1-az1", "b": "use1-az2", "c": "use1-az4"}
SERVICE = "com.amazonaws.vpce.us-east-1.vpce-svc-{:017x}"
VPC = "vpc-0123456789abcdef0"


def _change(
    address: str, kind: str, name: str, after: dict[str, Any], **extra: Any
) -> dict[str, Any]:
    from plcheck.sim.plans import resource_change

    unknown = {"id": True, "arn": True}
    for attribute in extra.pop("unknown", ()):
        unknown[attribute] = True
    return resource_change(
        address, kind, after, unknown, name=name, sensitive={"tags": {}}, **extra
    )


def _changes(count: int, service: str | None, vpc_id: str) -> Iterator[dict[str, Any]]:
    for key, zone in ZONES.items():
        yield _change(
            f'aws_subnet.pl["{key}"]',
            "aws_subnet",
            "pl",
            {
                "availability_zone_id": zone,
                "cidr_block": f"10.0.{ord(key)}.0/24",
                "vpc_id": vpc_id,
            },
            index=key,
            unknown=["availability_zone"],
        )
    for i in range(count):
        module = f'module.pl["svc{i:05d}"]'
        yield _change(
            f"{module}.aws_vpc_endpoint.this",
            "aws_vpc_endpoint",
            "this",
            {
                "service_name": service or SERVICE.format(i),
                "vpc_endpoint_type": "Interface",
                "private_dns_enabled": False,
                "vpc_id": vpc_id,
                "tags": {"Name": f"svc{i:05d}"},
            },
            module_address=module,
            unknown=["subnet_ids", "security_group_ids", "dns_entry", "network_interface_ids"],
        )


def endpoint_plan(count: int, service: str | None = None, vpc_id: str = VPC) -> dict[str, Any]:
    """A plan creating ``count`` interface endpoints, one per ``module.pl`` instance.

    Each endpoint connects to ``service``, or to a service of its own (which no account
    sees) when None; all of them, and the subnets, in ``vpc_id``.
    """
    changes = list(_changes(count, service, vpc_id))
    root_resources = [
        {
            "address": c["address"],
            "mode": "managed",
            "type": c["type"],
            "name": c["name"],
            "index": c.get("index"),
            "values": c["change"]["after"],
        }
        for c in changes
        if "module_address" not in c
    ]
    children = [
        {
            "address": c["module_address"],
            "resources": [
                {
                    "address": c["address"],
                    "mode": "managed",
                    "type": c["type"],
                    "name": c["name"],
                    "values": c["change"]["after"],
                }
            ],
        }
        for c in changes
        if "module_address" in c
    ]
    return {
        "format_version": "1.2",
        "terraform_version": "1.9.8",
        "variables": {"region": {"value": "us-east-1"}},
        "planned_values": {"root_module": {"resources": root_resources, "child_modules": children}},
        "resource_changes": changes,
        "configuration": {
            "provider_config": {
                "aws.consumer": {
                    "name": "aws",
                    "alias": "consumer",
                    "full_name": "registry.terraform.io/hashicorp/aws",
                    "expressions": {"region": {"references": ["var.region"]}},
                }
            },
            "root_module": {
                "resources": [
                    {
                        "address": "aws_subnet.pl",
                        "mode": "managed",
                        "type": "aws_subnet",
                        "name": "pl",
                        "provider_config_key": "aws.consumer",
                        "expressions": {
                            "availability_zone_id": {"references": ["each.value"]},
                            "vpc_id": {"constant_value": vpc_id},
                        },
                        "for_each_expression": {"references": ["local.zones"]},
                    }
                ],
                "module_calls": {
                    "pl": {
                        "source": "./modules/pl",
                        "for_each_expression": {"references": ["var.services"]},
                        "expressions": {
                            "service_name": {"references": ["each.value"]},
                            "subnet_ids": {"references": ["aws_subnet.pl"]},
                        },
                        "module": {
                            "resources": [
                                {
                                    "address": "aws_vpc_endpoint.this",
                                    "mode": "managed",
                                    "type": "aws_vpc_endpoint",
                                    "name": "this",
                                    "provider_config_key": "aws.consumer",
                                    "expressions": {
                                        "service_name": {"references": ["var.service_name"]},
                                        "subnet_ids": {"references": ["var.subnet_ids"]},
                                        "vpc_endpoint_type": {"constant_value": "Interface"},
                                    },
                                }
                            ]
                        },
                    }
                },
            },
        },
    }


def write_endpoint_plan(
    path: Path, count: int, service: str | None = None, vpc_id: str = VPC
) -> int:
    """Write :func:`endpoint_plan` to ``path``; its size in bytes."""
    path.write_text(json.dumps(endpoint_plan(count, service, vpc_id)), encoding="utf-8")
    return path.stat().st_size


def measure(path: Path) -> dict[str, float]:
    """Read the plan at ``path``: seconds, peak traced memory, and its ratio to the file size."""
    from plcheck.gate.terraform import read

    tracemalloc.start()
    started = time.perf_counter()
    plan = read(path)
    seconds = time.perf_counter() - started
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    size = path.stat().st_size
    return {
        "endpoints": len(plan.endpoints),
        "file_mb": size / 1e6,
        "seconds": seconds,
        "peak_mb": peak / 1e6,
        "peak_over_file": peak / size,
    }


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("count", type=int)
    parser.add_argument("path", type=Path)
    parser.add_argument("--measure", action="store_true", help="read it and report time/memory")
    args = parser.parse_args(argv)
    size = write_endpoint_plan(args.path, args.count)
    print(f"{args.path}: {args.count} endpoints, {size / 1e6:.1f} MB")
    if args.measure:
        print(json.dumps(measure(args.path)))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
