"""Shorter paths through moto's request handling, with the same answers.

moto's server spends most of its CPU per request on work whose result never
changes while a world is open. At organisation scale (``az-map --org`` over
1,000 accounts, ~2,000 requests) that work made the server the limit:

* ``DomainDispatcherApplication.get_backend_for_host`` matches the request's
  inferred host against every service's URL patterns, for each request. The
  patterns are fixed, so the backend for a host is remembered.
* ``BaseResponse.call_action`` lists every function of the response class with
  ``inspect.getmembers`` to ask whether one is named after the action. Asking
  the class for that one name gives the same answer.
* ``get_current_account`` finds the account of the caller's access key by
  looking in every account's IAM backend, so each request costs more as the
  world grows. The account of a key is noted when STS makes the key (or when
  a search finds it), and checked to still hold the key before it is used.

Each replacement answers exactly as the original; these are not corrections
(:mod:`plcheck.sim.corrections`): they change no behaviour of AWS or of moto.
"""

from __future__ import annotations

import inspect
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from typing import Any
from unittest import mock


class _FunctionNames:
    """The names of a class's functions, as ``method_names_from_class`` lists them.

    Only ``in`` is asked of them: ``inspect.getmembers(cls, inspect.isfunction)``
    holds ``name`` exactly when ``getattr(cls, name)`` is a function.
    """

    def __init__(self, cls: type) -> None:
        self._cls = cls

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and inspect.isfunction(getattr(self._cls, name, None))


@contextmanager
def moto_speedups() -> Iterator[None]:
    """Apply the shorter paths for the duration of the ``with`` block."""
    import moto.core.responses
    import moto.iam.models
    from moto.moto_server.werkzeug_app import DomainDispatcherApplication
    from moto.utilities.utils import PARTITION_NAMES

    find_backend = DomainDispatcherApplication.get_backend_for_host
    backends_by_host: dict[tuple[int, str | None], Any] = {}

    def get_backend_for_host(self: Any, host: str | None) -> Any:
        # The caller holds the application's lock.
        key = (id(self), host)
        if key not in backends_by_host:
            backends_by_host[key] = find_backend(self, host)
        return backends_by_host[key]

    find_account = moto.iam.models.get_account_id_from
    iam_backends = moto.iam.models.iam_backends
    partitions = PARTITION_NAMES
    accounts_by_key: dict[str, str] = {}
    create_temp_key = moto.iam.models.IAMBackend.create_temp_access_key

    def create_temp_access_key(self: Any) -> Any:
        # Where STS makes the keys of assumed roles: each is used soon after, once per
        # account at organisation scale, so it is noted here rather than found by a search.
        key = create_temp_key(self)
        accounts_by_key[key.physical_resource_id] = self.account_id
        return key

    def holds(account: str, access_key: str) -> bool:
        return any(
            access_key in iam_backends[account][partition].access_keys for partition in partitions
        )

    def get_account_id_from(access_key: str) -> str:
        account = accounts_by_key.get(access_key)
        if account is not None and holds(account, access_key):
            return account
        account = find_account(access_key)
        if holds(account, access_key):  # not moto's fallback to its default account
            accounts_by_key[access_key] = account
        return account

    with ExitStack() as stack:
        stack.enter_context(
            mock.patch.object(
                DomainDispatcherApplication, "get_backend_for_host", get_backend_for_host
            )
        )
        stack.enter_context(
            mock.patch.object(moto.core.responses, "method_names_from_class", _FunctionNames)
        )
        stack.enter_context(
            mock.patch.object(moto.iam.models, "get_account_id_from", get_account_id_from)
        )
        stack.enter_context(
            mock.patch.object(
                moto.iam.models.IAMBackend, "create_temp_access_key", create_temp_access_key
            )
        )
        yield
