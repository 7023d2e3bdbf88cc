"""Sets of IP addresses as sorted integer ranges (IPv4 and IPv6 on one number line).

IPv4 addresses keep their value; IPv6 addresses are shifted above the IPv4 space so that both
families fit one ordered line and one set type. ipBlocks (`cidr` minus `except`) become `IPSet`s,
and the external peers of a matrix are the disjoint pieces these sets cut the address space into.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable
from dataclasses import dataclass

V6_OFFSET = 1 << 32
V4_ALL = (0, (1 << 32) - 1)
V6_ALL = (V6_OFFSET, V6_OFFSET + (1 << 128) - 1)


def address_value(text: str) -> int:
    addr = ipaddress.ip_address(text.strip())
    return int(addr) if addr.version == 4 else V6_OFFSET + int(addr)


def network_range(text: str) -> tuple[int, int]:
    net = ipaddress.ip_network(text.strip(), strict=False)
    lo, hi = int(net.network_address), int(net.broadcast_address)
    if net.version == 6:
        lo, hi = lo + V6_OFFSET, hi + V6_OFFSET
    return lo, hi


def value_text(value: int) -> str:
    if value < V6_OFFSET:
        return str(ipaddress.IPv4Address(value))
    return str(ipaddress.IPv6Address(value - V6_OFFSET))


def is_v6(value: int) -> bool:
    return value >= V6_OFFSET


@dataclass(frozen=True)
class IPSet:
    ranges: tuple[tuple[int, int], ...]

    @classmethod
    def from_block(cls, cidr: str, excepts: Iterable[str] = ()) -> IPSet:
        lo, hi = network_range(cidr)
        current = [(lo, hi)]
        for ex in excepts:
            a, b = network_range(ex)
            nxt: list[tuple[int, int]] = []
            for x, y in current:
                if b < x or a > y:
                    nxt.append((x, y))
                    continue
                if a > x:
                    nxt.append((x, a - 1))
                if b < y:
                    nxt.append((b + 1, y))
            current = nxt
        return cls(tuple(current))

    @classmethod
    def from_address(cls, text: str) -> IPSet:
        if "/" in text:
            return cls((network_range(text),))
        v = address_value(text)
        return cls(((v, v),))

    def contains_value(self, value: int) -> bool:
        return any(lo <= value <= hi for lo, hi in self.ranges)

    def contains_range(self, lo: int, hi: int) -> bool:
        return any(a <= lo and hi <= b for a, b in self.ranges)


def split_space(sets: Iterable[IPSet], extra_points: Iterable[tuple[int, int]] = ()) -> list[
    tuple[int, int]
]:
    """Cut the address space at every boundary of `sets`, into disjoint, ordered pieces.

    The IPv4 space is always present; the IPv6 space only when some set or point is IPv6.
    Pieces are never merged back, the way netpol-analyzer prints them.
    """
    ranges = [r for s in sets for r in s.ranges] + list(extra_points)
    spaces = [V4_ALL]
    if any(is_v6(lo) for lo, _ in ranges):
        spaces.append(V6_ALL)
    cuts: set[int] = set()
    for lo, hi in ranges:
        cuts.add(lo)
        cuts.add(hi + 1)
    pieces: list[tuple[int, int]] = []
    for space_lo, space_hi in spaces:
        starts = sorted({space_lo} | {c for c in cuts if space_lo < c <= space_hi})
        for i, start in enumerate(starts):
            end = starts[i + 1] - 1 if i + 1 < len(starts) else space_hi
            pieces.append((start, end))
    return pieces


def range_text(lo: int, hi: int) -> str:
    return f"{value_text(lo)}-{value_text(hi)}"
