"""The world's lifecycle: profiles, environment, moto left clean, serving over HTTP."""

from __future__ import annotations

import os
import subprocess
import sys

import boto3
import pytest

from plcheck.sim import SimulatedWorld
from plcheck.sim.world import BASE_PROFILE


def test_profiles_reach_their_accounts(world: SimulatedWorld) -> None:
    for profile, account in [("provider", "111111111111"), ("consumer", "222222222222")]:
        identity = boto3.Session(profile_name=profile).client("sts").get_caller_identity()
        assert identity["Account"] == account
        assert ":assumed-role/plcheck-readonly/" in identity["Arn"]
    assert world.accounts == {"provider": "111111111111", "consumer": "222222222222"}


def test_config_file_shape(world: SimulatedWorld) -> None:
    config = world.config_file.read_text()
    assert f"[profile {BASE_PROFILE}]" in config
    assert (
        "[profile consumer]\nrole_arn = arn:aws:iam::222222222222:role/plcheck-readonly\n" in config
    )
    assert f"source_profile = {BASE_PROFILE}" in config
    assert "region = us-east-1" in config
    assert f"[{BASE_PROFILE}]" in world.credentials_file.read_text()
    assert world.env["AWS_CONFIG_FILE"] == str(world.config_file)
    assert world.env["AWS_SHARED_CREDENTIALS_FILE"] == str(world.credentials_file)


def test_add_profile(world: SimulatedWorld) -> None:
    world.add_profile("member-7", "333333333333", region="eu-west-1")
    session = boto3.Session(profile_name="member-7")
    assert session.region_name == "eu-west-1"
    assert session.client("sts").get_caller_identity()["Account"] == "333333333333"
    with pytest.raises(ValueError, match="12-digit"):
        world.add_profile("bad", "1234")


def test_custom_accounts() -> None:
    with SimulatedWorld(accounts={"a": "444444444444"}) as world:
        assert boto3.Session(profile_name="a").client("sts").get_caller_identity()["Account"] == (
            "444444444444"
        )
        assert "consumer" not in world.accounts


def test_admin_client_acts_in_account(world: SimulatedWorld) -> None:
    sts = world.admin_client("222222222222", "sts")
    assert sts.get_caller_identity()["Account"] == "222222222222"
    assert world.admin_client("222222222222", "sts") is sts


def test_environment_is_restored_exactly(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_PROFILE", "someone")
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIAREALLOOKING00000")
    monkeypatch.setenv("AWS_ENDPOINT_URL_EC2", "http://example.invalid")
    monkeypatch.delenv("AWS_EC2_METADATA_DISABLED", raising=False)
    before = dict(os.environ)
    with SimulatedWorld() as world:
        for name in ("AWS_PROFILE", "AWS_ACCESS_KEY_ID", "AWS_ENDPOINT_URL_EC2"):
            assert name not in os.environ
        assert os.environ["AWS_EC2_METADATA_DISABLED"] == "true"
        assert os.environ["AWS_CONFIG_FILE"] == str(world.config_file)
        tmp = world.config_file.parent
    assert dict(os.environ) == before
    assert not tmp.exists()


def test_corrections_are_removed_on_exit() -> None:
    from moto.ec2.models.availability_zones_and_regions import RegionsAndZonesBackend
    from moto.ec2.responses.vpcs import VPCs

    original = RegionsAndZonesBackend.describe_availability_zones
    with SimulatedWorld():
        assert RegionsAndZonesBackend.describe_availability_zones is not original
        assert hasattr(VPCs, "describe_vpc_endpoint_connections")
    assert RegionsAndZonesBackend.describe_availability_zones is original
    assert not hasattr(VPCs, "describe_vpc_endpoint_connections")


def test_only_one_world_at_a_time(world: SimulatedWorld) -> None:
    with pytest.raises(RuntimeError, match="already open"), SimulatedWorld():
        pass


def test_knobs_need_an_open_world() -> None:
    world = SimulatedWorld()
    with pytest.raises(RuntimeError, match="not open"):
        world.admin_client("111111111111", "ec2")


def test_serve_over_http_with_corrections() -> None:
    with SimulatedWorld(serve=True) as world:
        assert world.endpoint_url is not None
        assert world.endpoint_url.startswith("http://127.0.0.1:")
        assert os.environ["AWS_ENDPOINT_URL"] == world.endpoint_url
        assert world.env["AWS_ENDPOINT_URL"] == world.endpoint_url
        ec2 = boto3.Session(profile_name="consumer").client("ec2")
        assert ec2.meta.endpoint_url == world.endpoint_url
        zones = ec2.describe_availability_zones()["AvailabilityZones"]
        assert {z["ZoneName"]: z["ZoneId"] for z in zones} == world.az_mapping("222222222222")
        # Not implemented by moto's server (500); corrected here.
        provider = boto3.Session(profile_name="provider").client("ec2")
        assert provider.describe_vpc_endpoint_connections()["VpcEndpointConnections"] == []

        # A subprocess (like the CLI) sees the same world through world.env.
        code = (
            "import boto3;"
            "print(boto3.Session(profile_name='consumer').client('sts')"
            ".get_caller_identity()['Account'])"
        )
        env = {**os.environ, **world.env}
        out = subprocess.run(
            [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
        )
        assert out.stdout.strip() == "222222222222"
    assert "AWS_ENDPOINT_URL" not in os.environ
