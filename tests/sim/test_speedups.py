"""The shorter paths through moto (plcheck.sim.speedups) answer as moto's own do."""

from __future__ import annotations

import boto3
import pytest

from plcheck.sim import SimulatedWorld
from plcheck.sim.speedups import _FunctionNames
from plcheck.sim.world import DEFAULT_REGION, shared_botocore_session


@pytest.mark.parametrize("serve", [False, True], ids=["in-process", "served"])
def test_keys_reach_their_accounts(serve: bool) -> None:
    """Assumed roles' keys (noted when STS makes them) and an IAM user's (found by search)."""
    with SimulatedWorld(serve=serve) as world:
        for profile, account in world.accounts.items():
            session = boto3.Session(
                profile_name=profile, botocore_session=shared_botocore_session()
            )
            identity = session.client("sts", region_name=DEFAULT_REGION).get_caller_identity()
            assert identity["Account"] == account
        iam = world.admin_client("222222222222", "iam")
        iam.create_user(UserName="static")
        key = iam.create_access_key(UserName="static")["AccessKey"]
        sts = boto3.Session(
            aws_access_key_id=key["AccessKeyId"],
            aws_secret_access_key=key["SecretAccessKey"],
            botocore_session=shared_botocore_session(),
        ).client("sts", region_name=DEFAULT_REGION)
        for _ in range(2):  # searched for, then remembered
            assert sts.get_caller_identity()["Account"] == "222222222222"
        iam.delete_access_key(UserName="static", AccessKeyId=key["AccessKeyId"])
        # A remembered key that its account no longer holds is searched for again:
        # moto then answers as its default account, as it does without the speedups.
        assert sts.get_caller_identity()["Account"] == "123456789012"


def test_function_names_are_those_moto_lists() -> None:
    from moto.core.utils import method_names_from_class
    from moto.ec2.responses import EC2Response

    listed = set(method_names_from_class(EC2Response))
    names = _FunctionNames(EC2Response)
    assert listed
    assert all(name in names for name in listed)
    others = {n for n in dir(EC2Response) if n not in listed} | {"no_such_action", ""}
    assert not any(name in names for name in others)
