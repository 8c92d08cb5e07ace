"""The least-privilege IAM policy plcheck needs: read-only, built from the check catalog.

Every check declares the IAM actions its gatherers call (``CheckSpec.aws_actions``, and
``plan_actions`` where ``plcheck plan`` reads less); the AWS layer adds what it calls for
itself. A test runs every command against
the simulated world and proves each action sent is in this policy.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from plcheck.checks import COMMAND_ORDER, checks_for

#: Actions the AWS layer calls on its own, whatever the checks are.
LAYER_ACTIONS = (
    # AwsContext.account_id: which account a profile reaches.
    "sts:GetCallerIdentity",
)

#: Verbs plcheck's actions may have; the AWS layer refuses any other operation.
READ_VERBS = ("Describe", "List", "Get")

#: Permission-only IAM actions the policy may grant besides reads. No API operation is
#: invoked with them (plcheck's AWS layer still sends only Describe/List/Get calls): AWS
#: checks them alongside other actions. ``vpce:AllowMultiRegion`` gates cross-Region
#: PrivateLink, e.g. reading a service in another Region with ServiceRegions
#: (https://docs.aws.amazon.com/service-authorization/latest/reference/list_vpce.html).
PERMISSION_ONLY_ACTIONS = frozenset({"vpce:AllowMultiRegion"})

#: Commands that reach AWS, each with the checks of its run (``checks.checks_for``).
COMMANDS = COMMAND_ORDER

_ACTION = re.compile(r"[a-z0-9-]+:[A-Z][A-Za-z0-9]+")


def actions(commands: Iterable[str] = ()) -> list[str]:
    """Sorted IAM actions for ``commands`` (every command when empty)."""
    found = set(LAYER_ACTIONS)
    for command in list(commands) or COMMANDS:
        for spec in checks_for(command):
            found.update(spec.actions_for(command))
    for action in found:
        if not _ACTION.fullmatch(action) or not is_read_only(action):
            raise ValueError(f"not a read-only IAM action: {action!r}")
    return sorted(found)


def is_read_only(action: str) -> bool:
    """Whether ``service:Verb…`` reads only (Describe, List or Get, no wildcard).

    The documented permission-only actions (:data:`PERMISSION_ONLY_ACTIONS`) count too:
    they call nothing.
    """
    if action in PERMISSION_ONLY_ACTIONS:
        return True
    _, _, name = action.partition(":")
    return "*" not in action and name.startswith(READ_VERBS)


def policy(commands: Iterable[str] = ()) -> dict[str, Any]:
    """The IAM policy document: one statement, sorted actions, every resource."""
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "PlcheckReadOnly",
                "Effect": "Allow",
                "Action": actions(commands),
                "Resource": "*",
            }
        ],
    }
