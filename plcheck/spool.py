"""Findings held compactly: a large run's findings as compressed blocks, not objects.

A 20,000-endpoint plan yields 60,000 findings. As objects they take about 45 MiB, twice
the plan file; pickled and compressed a block at a time they take about 1 MiB, because
alike findings repeat their checks, messages and details. A :class:`FindingSpool` keeps
them so and rebuilds each finding when it is read: the reporters take findings one at a
time (see :mod:`plcheck.report`), so a large run never holds them all as objects.

Append-only and ordered; the ``plan`` run, whose size grows with the plan, uses it.
Other runs keep their findings in a tuple: both are a ``Sequence[Finding]``.
"""

from __future__ import annotations

import pickle
import zlib
from bisect import bisect_right
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any, overload

from plcheck.model import Finding, Location, Status

#: Findings per compressed block: small enough that a block decodes in well under a
#: millisecond, large enough that what alike findings share compresses away.
BLOCK = 200

_Row = tuple[str, str, str, str, str, str, str, Any, "tuple[str, int] | None", str]


def _row(finding: Finding) -> _Row:
    """A finding as plain values, which pickle encodes in C (a dataclass goes through Python)."""
    location = finding.location
    return (
        finding.check,
        finding.status.value,
        finding.resource,
        finding.message,
        finding.account,
        finding.region,
        finding.remediation,
        dict(finding.details),
        None if location is None else (location.uri, location.line),
        finding.suppressed_reason,
    )


def _finding(row: _Row) -> Finding:
    check, status, resource, message, account, region, remediation, details, where, why = row
    return Finding(
        check,
        Status(status),
        resource,
        message,
        account,
        region,
        remediation,
        details,
        None if where is None else Location(*where),
        why,
    )


def _pack(findings: Sequence[Finding]) -> bytes:
    return zlib.compress(pickle.dumps([_row(f) for f in findings], pickle.HIGHEST_PROTOCOL), 1)


def _unpack(block: bytes) -> list[Finding]:
    # Only blocks this module packed, in this process, are ever unpickled.
    return [_finding(row) for row in pickle.loads(zlib.decompress(block))]  # noqa: S301


class FindingSpool(Sequence[Finding]):
    """Findings in order, kept as compressed blocks of :data:`BLOCK` and rebuilt when read.

    Iterating rebuilds one block at a time. Indexing rebuilds the block holding the index
    (the last one is kept, so reading in order is cheap).
    """

    def __init__(self, findings: Iterable[Finding] = ()) -> None:
        self._blocks: list[bytes] = []
        #: Index of each block's first finding (blocks joined from another spool vary in size).
        self._starts: list[int] = []
        self._open: list[Finding] = []
        self._length = 0
        self._last: tuple[int, list[Finding]] = (-1, [])
        self.extend(findings)

    def append(self, finding: Finding) -> None:
        self._open.append(finding)
        self._length += 1
        if len(self._open) >= BLOCK:
            self._seal()

    def extend(self, findings: Iterable[Finding]) -> None:
        """Add ``findings``; another spool's blocks are joined as they are, not rebuilt."""
        if isinstance(findings, FindingSpool) and findings is not self:
            self._seal()
            sealed = findings._length - len(findings._open)
            self._starts += [self._length + start for start in findings._starts]
            self._blocks += findings._blocks
            self._length += sealed
            findings = list(findings._open)
        elif findings is self:
            findings = list(findings)
        for finding in findings:
            self.append(finding)

    def _seal(self) -> None:
        if self._open:
            self._starts.append(self._length - len(self._open))
            self._blocks.append(_pack(self._open))
            self._open = []

    def __len__(self) -> int:
        return self._length

    def __iter__(self) -> Iterator[Finding]:
        blocks, tail = list(self._blocks), list(self._open)
        for block in blocks:
            yield from _unpack(block)
        yield from tail

    @overload
    def __getitem__(self, index: int) -> Finding: ...

    @overload
    def __getitem__(self, index: slice) -> Sequence[Finding]: ...

    def __getitem__(self, index: int | slice) -> Finding | Sequence[Finding]:
        if isinstance(index, slice):
            return tuple(self[i] for i in range(*index.indices(self._length)))
        if index < 0:
            index += self._length
        if not 0 <= index < self._length:
            raise IndexError("finding index out of range")
        sealed = self._length - len(self._open)
        if index >= sealed:
            return self._open[index - sealed]
        number = bisect_right(self._starts, index) - 1
        if self._last[0] != number:
            self._last = (number, _unpack(self._blocks[number]))
        return self._last[1][index - self._starts[number]]

    def __repr__(self) -> str:
        return f"FindingSpool({self._length} findings in {len(self._blocks)} blocks)"


def select(findings: Sequence[Finding], keep: Callable[[Finding], bool]) -> Sequence[Finding]:
    """The findings ``keep`` accepts, held as ``findings`` are (a spool stays a spool)."""
    chosen = (f for f in findings if keep(f))
    return FindingSpool(chosen) if isinstance(findings, FindingSpool) else tuple(chosen)
