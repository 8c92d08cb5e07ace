"""A small authoritative DNS server on 127.0.0.1, built on dnspython.

Used by ``plcheck demo`` (the probe step) and by the tests (through
``tests/support/dns_server.py``, which adds the pytest fixture).

It answers over UDP and TCP on one ephemeral port from a dict of records::

    with DnsServer({"api.example.test": {"A": ["127.0.0.2"], "TXT": ["token=abc"]}}) as dns:
        resolve("api.example.test", resolver=dns.resolver)   # "127.0.0.1:PORT"

Names are case-insensitive and may be given with or without the trailing dot.
Values are rdata in zone-file text form (``"127.0.0.2"``, ``"::1"``,
``"target.example.test."``); TXT values that are not already quoted are quoted
for you. Unknown names get NXDOMAIN, known names without the asked type get an
empty NOERROR answer (NODATA), CNAMEs are followed within the records. Large
UDP answers are truncated (TC) so clients retry over TCP.

``mode`` changes the behaviour for every query: ``DnsMode.SERVFAIL``,
``DnsMode.REFUSED`` or ``DnsMode.SILENT`` (reads queries and never answers).
Records and mode may be changed while the server runs; ``queries`` logs what
was asked.
"""

from __future__ import annotations

import enum
import select
import socket
import struct
import threading
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from types import TracebackType

import dns.exception
import dns.flags
import dns.message
import dns.name
import dns.rcode
import dns.rdataclass
import dns.rdatatype
import dns.rrset

Records = Mapping[str, Mapping[str, Sequence[str]]]


class DnsMode(str, enum.Enum):
    """How the server treats every query."""

    ANSWER = "answer"
    SERVFAIL = "servfail"
    REFUSED = "refused"
    SILENT = "silent"


@dataclass(frozen=True)
class Query:
    """One query the server received."""

    name: str
    """Query name, lower case, without the trailing dot."""
    rdtype: str
    """Query type, e.g. ``A`` or ``TXT``."""
    transport: str
    """``udp`` or ``tcp``."""


def _key(name: str) -> str:
    return name.rstrip(".").lower()


class DnsServer:
    """An authoritative DNS server on ``host`` (default 127.0.0.1), UDP and TCP."""

    def __init__(
        self,
        records: Records | None = None,
        *,
        mode: DnsMode = DnsMode.ANSWER,
        host: str = "127.0.0.1",
        port: int = 0,
        ttl: int = 60,
        delay: float = 0.0,
    ) -> None:
        self.records: dict[str, dict[str, list[str]]] = {}
        self.mode = mode
        self.ttl = ttl
        self.delay = delay
        self.queries: list[Query] = []
        for name, by_type in (records or {}).items():
            for rdtype, values in by_type.items():
                self.add(name, rdtype, *values)
        self._udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self._tcp = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._tcp.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        # Bind TCP first, then UDP on the same port (retry if the UDP port is taken).
        for _ in range(20):
            self._tcp.bind((host, port))
            chosen = self._tcp.getsockname()[1]
            try:
                self._udp.bind((host, chosen))
                break
            except OSError:
                if port:
                    raise
                self._tcp.close()
                self._tcp = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._tcp.listen(16)
        self.host: str = host
        self.port: int = self._udp.getsockname()[1]
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []
        self._conns: list[socket.socket] = []

    # -- records -------------------------------------------------------------

    def add(self, name: str, rdtype: str, *values: str) -> None:
        """Add values of one type to a name (creating the name)."""
        rdtype = rdtype.upper()
        if rdtype == "TXT":
            values = tuple(v if v.startswith('"') else _quote(v) for v in values)
        self.records.setdefault(_key(name), {}).setdefault(rdtype, []).extend(values)

    def set(self, name: str, rdtype: str, *values: str) -> None:
        """Replace the values of one type on a name."""
        self.records.setdefault(_key(name), {}).pop(rdtype.upper(), None)
        self.add(name, rdtype, *values)

    def remove(self, name: str) -> None:
        """Forget a name (it then gets NXDOMAIN)."""
        self.records.pop(_key(name), None)

    @property
    def resolver(self) -> str:
        """``host:port``, as plcheck's ``--resolver`` takes it."""
        return f"{self.host}:{self.port}"

    # -- lifecycle -----------------------------------------------------------

    def start(self) -> DnsServer:
        for target in (self._serve_udp, self._serve_tcp):
            thread = threading.Thread(target=target, daemon=True)
            thread.start()
            self._threads.append(thread)
        return self

    def stop(self) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join(timeout=2)
        for sock in (self._udp, self._tcp, *self._conns):
            sock.close()

    def __enter__(self) -> DnsServer:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    # -- serving -------------------------------------------------------------

    def _serve_udp(self) -> None:
        while not self._stop.is_set():
            ready, _, _ = select.select([self._udp], [], [], 0.05)
            if not ready:
                continue
            try:
                wire, peer = self._udp.recvfrom(65535)
            except OSError:
                return
            reply = self._reply(wire, "udp")
            if reply is not None:
                self._udp.sendto(reply, peer)

    def _serve_tcp(self) -> None:
        while not self._stop.is_set():
            ready, _, _ = select.select([self._tcp], [], [], 0.05)
            if not ready:
                continue
            try:
                conn, _ = self._tcp.accept()
            except OSError:
                return
            self._conns.append(conn)
            thread = threading.Thread(target=self._serve_conn, args=(conn,), daemon=True)
            thread.start()

    def _serve_conn(self, conn: socket.socket) -> None:
        conn.settimeout(0.05)
        buffer = b""
        while not self._stop.is_set():
            try:
                chunk = conn.recv(65535)
            except TimeoutError:
                continue
            except OSError:
                return
            if not chunk:
                return
            buffer += chunk
            while len(buffer) >= 2:
                (length,) = struct.unpack("!H", buffer[:2])
                if len(buffer) < 2 + length:
                    break
                wire, buffer = buffer[2 : 2 + length], buffer[2 + length :]
                reply = self._reply(wire, "tcp")
                if reply is not None:
                    conn.sendall(struct.pack("!H", len(reply)) + reply)

    def _reply(self, wire: bytes, transport: str) -> bytes | None:
        try:
            query = dns.message.from_wire(wire)
        except dns.exception.DNSException:
            return None
        if not query.question:
            return None
        question = query.question[0]
        name = _key(question.name.to_text())
        rdtype = dns.rdatatype.to_text(question.rdtype)
        self.queries.append(Query(name, rdtype, transport))
        if self.mode is DnsMode.SILENT:
            return None
        if self.delay:
            time.sleep(self.delay)
        response = dns.message.make_response(query)
        response.flags |= dns.flags.AA
        if self.mode is DnsMode.SERVFAIL:
            response.set_rcode(dns.rcode.SERVFAIL)
        elif self.mode is DnsMode.REFUSED:
            response.set_rcode(dns.rcode.REFUSED)
        else:
            self._answer(response, question.name, question.rdtype)
        if transport == "tcp":
            return response.to_wire()
        max_size = query.payload if query.edns >= 0 else 512
        return response.to_wire(max_size=max_size, prefer_truncation=True)

    def _answer(
        self, response: dns.message.Message, qname: dns.name.Name, rdtype: dns.rdatatype.RdataType
    ) -> None:
        name = qname
        for _ in range(16):  # follow CNAMEs within our records
            entry = self.records.get(_key(name.to_text()))
            if entry is None:
                if name == qname:
                    response.set_rcode(dns.rcode.NXDOMAIN)
                return
            wanted = dns.rdatatype.to_text(rdtype)
            if wanted in entry:
                response.answer.append(self._rrset(name, wanted, entry[wanted]))
                return
            if "CNAME" in entry and rdtype != dns.rdatatype.CNAME:
                cname = self._rrset(name, "CNAME", entry["CNAME"][:1])
                response.answer.append(cname)
                name = dns.name.from_text(entry["CNAME"][0])
                continue
            return  # NODATA

    def _rrset(self, name: dns.name.Name, rdtype: str, values: Sequence[str]) -> dns.rrset.RRset:
        return dns.rrset.from_text_list(name, self.ttl, dns.rdataclass.IN, rdtype, list(values))


def _quote(value: str) -> str:
    # TXT character-strings are at most 255 bytes: split long values.
    chunks = [value[i : i + 255] for i in range(0, len(value), 255)] or [""]
    return " ".join('"' + c.replace("\\", "\\\\").replace('"', '\\"') + '"' for c in chunks)
