"""Connection sets: which protocol/port combinations are allowed.

A `ConnectionSet` holds, for each of TCP, UDP and SCTP, a sorted tuple of disjoint inclusive port
ranges. It supports set algebra and prints in the netpol-analyzer notation:
`All Connections`, `TCP 80,443`, `TCP 10053-10054,UDP 53`, `No Connections`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import ClassVar

PROTOCOLS = ("SCTP", "TCP", "UDP")  # alphabetical: the order netpol-analyzer prints them in
MIN_PORT = 1
MAX_PORT = 65535

Ranges = tuple[tuple[int, int], ...]
FULL: Ranges = ((MIN_PORT, MAX_PORT),)


def _normalise(ranges: list[tuple[int, int]]) -> Ranges:
    """Sort and merge overlapping or adjacent ranges."""
    if not ranges:
        return ()
    ranges.sort()
    out: list[tuple[int, int]] = []
    lo, hi = ranges[0]
    for a, b in ranges[1:]:
        if a <= hi + 1:
            if b > hi:
                hi = b
        else:
            out.append((lo, hi))
            lo, hi = a, b
    out.append((lo, hi))
    return tuple(out)


def _intersect(x: Ranges, y: Ranges) -> Ranges:
    out: list[tuple[int, int]] = []
    i = j = 0
    while i < len(x) and j < len(y):
        lo = max(x[i][0], y[j][0])
        hi = min(x[i][1], y[j][1])
        if lo <= hi:
            out.append((lo, hi))
        if x[i][1] < y[j][1]:
            i += 1
        else:
            j += 1
    return tuple(out)


def _subtract(x: Ranges, y: Ranges) -> Ranges:
    out: list[tuple[int, int]] = []
    for lo, hi in x:
        cur = lo
        for a, b in y:
            if b < cur or a > hi:
                continue
            if a > cur:
                out.append((cur, a - 1))
            cur = max(cur, b + 1)
            if cur > hi:
                break
        if cur <= hi:
            out.append((cur, hi))
    return tuple(out)


def _format_ranges(ranges: Ranges) -> str:
    return ",".join(f"{a}" if a == b else f"{a}-{b}" for a, b in ranges)


@dataclass(frozen=True, slots=True)
class ConnectionSet:
    """Allowed ports per protocol: `(sctp, tcp, udp)` range tuples."""

    sctp: Ranges = ()
    tcp: Ranges = ()
    udp: Ranges = ()

    ALL: ClassVar[ConnectionSet]
    NONE: ClassVar[ConnectionSet]

    # -- construction -------------------------------------------------------------------
    @classmethod
    def of(cls, protocol: str, lo: int = MIN_PORT, hi: int | None = None) -> ConnectionSet:
        """One protocol with the range lo..hi (a single port when hi is None and lo given)."""
        rng: Ranges = ((lo, lo if hi is None else hi),)
        return cls.from_map({protocol: rng})

    @classmethod
    def all_of(cls, protocol: str) -> ConnectionSet:
        return cls.from_map({protocol: FULL})

    @classmethod
    def from_map(cls, mapping: dict[str, Ranges]) -> ConnectionSet:
        return cls(
            _normalise(list(mapping.get("SCTP", ()))),
            _normalise(list(mapping.get("TCP", ()))),
            _normalise(list(mapping.get("UDP", ()))),
        )

    @classmethod
    def parse(cls, text: str) -> ConnectionSet:
        """Read `All Connections`, `No Connections`, `TCP 80,443,UDP 53`, `TCP 1-100`."""
        text = text.strip()
        if text.lower() in ("all connections", "all"):
            return cls.ALL
        if text.lower() in ("no connections", "none", ""):
            return cls.NONE
        mapping: dict[str, list[tuple[int, int]]] = {}
        current: str | None = None
        for token in re.split(r"[,\s]+", text):
            if not token:
                continue
            if token.upper() in PROTOCOLS:
                current = token.upper()
                mapping.setdefault(current, [])
                continue
            if current is None:
                raise ValueError(f"port {token!r} comes before any protocol in {text!r}")
            lo_s, _, hi_s = token.partition("-")
            lo, hi = int(lo_s), int(hi_s or lo_s)
            if not (MIN_PORT <= lo <= hi <= MAX_PORT):
                raise ValueError(f"bad port range {token!r}")
            mapping[current].append((lo, hi))
        for proto, ranges in mapping.items():
            if not ranges:
                mapping[proto] = [(MIN_PORT, MAX_PORT)]
        return cls.from_map({k: tuple(v) for k, v in mapping.items()})

    # -- algebra --------------------------------------------------------------------------
    def __or__(self, other: ConnectionSet) -> ConnectionSet:
        if self is other or not (other.sctp or other.tcp or other.udp):
            return self
        if not (self.sctp or self.tcp or self.udp):
            return other
        return ConnectionSet(
            _normalise(list(self.sctp + other.sctp)),
            _normalise(list(self.tcp + other.tcp)),
            _normalise(list(self.udp + other.udp)),
        )

    def __and__(self, other: ConnectionSet) -> ConnectionSet:
        if self is other or other == ALL:
            return self
        if self == ALL:
            return other
        return ConnectionSet(
            _intersect(self.sctp, other.sctp),
            _intersect(self.tcp, other.tcp),
            _intersect(self.udp, other.udp),
        )

    def __sub__(self, other: ConnectionSet) -> ConnectionSet:
        return ConnectionSet(
            _subtract(self.sctp, other.sctp),
            _subtract(self.tcp, other.tcp),
            _subtract(self.udp, other.udp),
        )

    def __bool__(self) -> bool:
        return bool(self.sctp or self.tcp or self.udp)

    @property
    def is_empty(self) -> bool:
        return not self

    @property
    def is_all(self) -> bool:
        return self == ALL

    def ranges(self, protocol: str) -> Ranges:
        return {"SCTP": self.sctp, "TCP": self.tcp, "UDP": self.udp}[protocol]

    def allows(self, port: int, protocol: str = "TCP") -> bool:
        return any(lo <= port <= hi for lo, hi in self.ranges(protocol))

    def issubset(self, other: ConnectionSet) -> bool:
        return not (self - other)

    # -- printing ---------------------------------------------------------------------------
    def __str__(self) -> str:
        if self == ALL:
            return "All Connections"
        if not self:
            return "No Connections"
        parts = []
        for proto in PROTOCOLS:
            ranges = self.ranges(proto)
            if ranges:
                parts.append(f"{proto} {_format_ranges(ranges)}")
        return ",".join(parts)


ALL = ConnectionSet(FULL, FULL, FULL)
NONE = ConnectionSet()
ConnectionSet.ALL = ALL
ConnectionSet.NONE = NONE


@dataclass(frozen=True, slots=True)
class PortProbe:
    """One destination port and protocol, as in `80/TCP` (a name like `http/TCP` is allowed)."""

    port: int | str
    protocol: str = "TCP"

    @classmethod
    def parse(cls, text: str) -> PortProbe:
        """Read `80`, `80/TCP`, `53/udp`, `http/TCP`; raises ValueError with a hint-like message."""
        raw = text.strip()
        port_s, _, proto = raw.partition("/")
        proto = (proto or "TCP").upper()
        if proto not in PROTOCOLS:
            raise ValueError(f"unknown protocol {proto!r} in {raw!r}; use TCP, UDP or SCTP")
        if port_s.isdigit():
            port = int(port_s)
            if not MIN_PORT <= port <= MAX_PORT:
                raise ValueError(f"port {port} is outside 1-65535")
            return cls(port, proto)
        if not port_s:
            raise ValueError(f"no port in {raw!r}; write it like 80/TCP")
        if not re.fullmatch(r"[a-z0-9]([a-z0-9-]*[a-z0-9])?", port_s) or not re.search(
            r"[a-z]", port_s
        ):
            raise ValueError(
                f"{port_s!r} is neither a port number (1-65535) nor a port name "
                "(lower-case letters, digits and '-', with at least one letter)"
            )
        return cls(port_s, proto)

    def __str__(self) -> str:
        return f"{self.port}/{self.protocol}"
