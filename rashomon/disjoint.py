"""Disjoint sets over 0..n-1, for grouping mentions that name the same thing."""

from __future__ import annotations


class DisjointSets:
    """Union-find with path halving; a set's root is its smallest member, so groups come out in text order."""

    def __init__(self, n: int):
        self._parent = list(range(n))

    def find(self, i: int) -> int:
        parent = self._parent
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    def union(self, i: int, j: int) -> None:
        a, b = self.find(i), self.find(j)
        if a != b:
            self._parent[max(a, b)] = min(a, b)
