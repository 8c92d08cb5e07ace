"""plcheck.toml parsing: the documented shape, and every mistake as file:line: problem."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from plcheck.errors import UsageError
from plcheck.gate.config import load, parse

PATH = Path("plcheck.toml")

EXAMPLE = """\
[[link]]
name = "burrito"
service = "com.amazonaws.vpce.us-east-1.vpce-svc-0123456789abcdef0"
provider = { profile = "provider", region = "us-east-1" }

[[link.consumer]]
profile = "consumer"
region = "us-east-1"
vpc = "vpc-0123456789abcdef0"
subnets = ["subnet-0123456789abcdef0"]   # optional: planned subnets
probe = { host = "burrito.tacoform.com", port = 443 }   # optional

[[ignore]]
check = "nlb-az-coverage"
resource = "vpce-svc-0123456789abcdef0"   # optional
reason = "two zones by design"
until = "2027-03-01"                        # optional
"""


def problem(text: str) -> str:
    with pytest.raises(UsageError) as caught:
        parse(text, PATH)
    return str(caught.value)


def test_the_documented_shape_parses() -> None:
    config = parse(EXAMPLE, PATH)
    (link,) = config.links
    assert link.name == "burrito"
    assert link.service_id == "vpce-svc-0123456789abcdef0"
    assert link.provider is not None
    assert link.provider.profile == "provider"
    assert link.line == 1
    (consumer,) = link.consumers
    assert consumer.vpc == "vpc-0123456789abcdef0"
    assert consumer.subnets == ("subnet-0123456789abcdef0",)
    assert consumer.probe is not None
    assert (consumer.probe.host, consumer.probe.port) == ("burrito.tacoform.com", 443)
    assert consumer.ports == (443,)
    assert consumer.line == 6
    (ignore,) = config.ignores
    assert ignore.until == dt.date(2027, 3, 1)
    assert ignore.line == 13
    assert not ignore.expired(dt.date(2027, 3, 1))
    assert ignore.expired(dt.date(2027, 3, 2))


def test_probe_and_consumer_ports_default_to_the_link_port() -> None:
    on_8443 = EXAMPLE.replace("provider = {", "port = 8443\nprovider = {", 1)
    bare = on_8443.replace(", port = 443 }", " }")
    (consumer,) = parse(bare, PATH).links[0].consumers
    assert consumer.probe is not None
    assert consumer.probe.port == 8443
    assert consumer.ports == (8443,)
    # A probe on its own port: the consumer's ports follow the probe.
    (consumer,) = parse(on_8443, PATH).links[0].consumers
    assert consumer.probe is not None
    assert (consumer.probe.port, consumer.ports) == (443, (443,))
    no_probe = bare.replace('probe = { host = "burrito.tacoform.com" }   # optional\n', "")
    (consumer,) = parse(no_probe, PATH).links[0].consumers
    assert (consumer.probe, consumer.ports) == (None, (8443,))


def test_toml_dates_and_several_links() -> None:
    text = EXAMPLE.replace('until = "2027-03-01"', "until = 2027-03-01") + (
        '\n[[link]]\nname = "s3"\nservice = "com.amazonaws.us-east-1.s3"\n'
        '[[link.consumer]]\nvpc = "vpc-0123456789abcdef1"\n'
    )
    config = parse(text, PATH)
    assert [lk.name for lk in config.links] == ["burrito", "s3"]
    assert config.links[1].provider is None
    assert config.links[1].consumers[0].line == 22
    assert config.ignores[0].until == dt.date(2027, 3, 1)


def test_unknown_key_names_file_line_and_link() -> None:
    text = EXAMPLE.replace('service = "com', 'servce = "com')
    assert problem(text) == (
        "plcheck.toml:3: link 'burrito': unknown key 'servce' (did you mean 'service'?)"
    )


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ('vpc = "vpc-0123456789abcdef0"', 'vpc = "vpc-123"', "plcheck.toml:9:"),
        ("port = 443 }", "port = 70000 }", "plcheck.toml:11: link 'burrito' consumer"),
        ('region = "us-east-1" }', 'region = "useast" }', "plcheck.toml:4:"),
        ('until = "2027-03-01"', 'until = "next year"', "plcheck.toml:17: ignore of"),
        ('check = "nlb-az-coverage"', 'check = "nlb-az"', "plcheck.toml:14: ignore #1"),
        ('reason = "two zones by design"', "", "plcheck.toml:13: ignore of nlb-az-coverage"),
        ('subnets = ["subnet-0123456789abcdef0"]', "subnets = []", "plcheck.toml:10:"),
        ('profile = "provider", ', 'profile = "provider", sso = 1, ', "plcheck.toml:4:"),
    ],
)
def test_mistakes_name_their_line(old: str, new: str, expected: str) -> None:
    assert old in EXAMPLE
    assert problem(EXAMPLE.replace(old, new)).startswith(expected)


def test_invalid_toml_names_its_line() -> None:
    message = problem(EXAMPLE.replace('name = "burrito"', "name = burrito"))
    assert message.startswith("plcheck.toml:2: invalid TOML:")
    assert "\n" not in message


def test_structural_mistakes() -> None:
    assert "no [[link]] tables" in problem("")
    assert "write [[link]], not [link]" in problem('[link]\nname = "x"\n')
    assert "missing key 'service'" in problem('[[link]]\nname = "x"\n')
    assert "give a provider, a [[link.consumer]], or both" in problem(
        '[[link]]\nname = "x"\n'
        'service = "com.amazonaws.vpce.us-east-1.vpce-svc-0123456789abcdef0"\n'
    )
    twice = EXAMPLE.split("[[ignore]]", maxsplit=1)[0] * 2
    assert problem(twice) == "plcheck.toml:14: duplicate link name 'burrito' (see line 1)"
    assert "is an ID" in problem(EXAMPLE.replace("com.amazonaws.vpce.us-east-1.", "", 1))
    assert "no link named 'tacos'" in problem(EXAMPLE + 'link = "tacos"\n')


def test_ca_bundle_is_relative_to_the_config(tmp_path: Path) -> None:
    path = tmp_path / "conf" / "plcheck.toml"
    path.parent.mkdir()
    path.write_text(EXAMPLE.replace("port = 443 }", 'port = 443, ca_bundle = "ca.pem" }'))
    probe = load(path).links[0].consumers[0].probe
    assert probe is not None
    assert probe.ca_bundle == path.parent / "ca.pem"


def test_missing_file_is_a_usage_error(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="no such config file"):
        load(tmp_path / "plcheck.toml")
