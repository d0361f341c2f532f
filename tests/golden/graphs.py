"""Loaders for the public reference data sets and the canonical graphs (tests only).

The data live in tests/data (with their SOURCE.md and licence); each loader takes that
folder and returns a :class:`~orgpower.graph.layers.Layer` with nodes "1".."n" in
the file's order, arcs in the direction the file gives unless a flip is asked for.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from orgpower.graph.layers import Layer, layer_from_arcs

GOLDEN = Path(__file__).resolve().parent


def layer_from_pairs(pairs, n: int | None = None, weights=None, name: str = "test") -> Layer:
    """A layer over nodes 0..n-1 (as strings) from (i, j) integer pairs."""
    pairs = list(pairs)
    if n is None:
        n = 1 + max((max(i, j) for i, j in pairs), default=-1)
    nodes = [str(i) for i in range(n)]
    src = [str(i) for i, _ in pairs]
    dst = [str(j) for _, j in pairs]
    return layer_from_arcs(name, nodes, src, dst, weights)


def krackhardt(datasets: Path, relation: str, *, boss_to_sub: bool = False) -> Layer:
    """Krackhardt high-tech managers: "ego alter tie" rows, all 441 pairs listed."""
    path = datasets / "krackhardt_hightech" / f"Krack-High-Tec-edgelist-{relation}.txt"
    rows = np.loadtxt(path, dtype=int)
    ties = rows[(rows[:, 2] == 1) & (rows[:, 0] != rows[:, 1])]
    src, dst = ties[:, 0], ties[:, 1]
    if boss_to_sub:
        src, dst = dst, src
    nodes = [str(i) for i in range(1, 22)]
    return layer_from_arcs(relation, nodes, src.astype(str), dst.astype(str))


def lazega(datasets: Path, relation: str) -> Layer:
    """Lazega law firm 71x71 0/1 matrix (ELadv.dat / ELfriend.dat); row = sender."""
    path = datasets / "lazega_lawfirm" / f"EL{relation}.dat"
    lines = [line.split() for line in path.read_text().splitlines() if line.strip()]
    matrix = np.array(lines, dtype=int)
    i, j = np.nonzero(matrix)
    nodes = [str(k) for k in range(1, matrix.shape[0] + 1)]
    return layer_from_arcs(relation, nodes, (i + 1).astype(str), (j + 1).astype(str))


def sampson_t4_like(datasets: Path) -> Layer:
    """Sampson monastery, positive (liking) arcs at time 4 from SampsonT4.paj (56 arcs)."""
    text = (datasets / "sampson_monastery" / "SampsonT4.paj").read_text()
    src, dst = [], []
    in_arcs = False
    for line in text.splitlines():
        if line.startswith("*"):
            in_arcs = line.strip().lower() == "*arcs"
            continue
        parts = line.split()
        if in_arcs and len(parts) >= 3 and float(parts[2]) > 0:
            src.append(parts[0])
            dst.append(parts[1])
    nodes = [str(k) for k in range(1, 19)]
    return layer_from_arcs("like", nodes, src, dst)


def golden_reference() -> dict:
    """R sna/igraph values written by tests/golden/make_golden.R."""
    return json.loads((GOLDEN / "sna_reference.json").read_text())


def golden_graph(name: str, datasets: Path | None) -> Layer:
    """The graph R measured under ``name`` in sna_reference.json (same arcs, same order)."""
    import csv

    if name == "diamond":
        return layer_from_pairs([(0, 1), (0, 2), (1, 3), (1, 4), (2, 3), (2, 4)], 5, name=name)
    if name == "two_roots":
        return layer_from_pairs([(0, 2), (0, 3), (1, 2), (1, 3)], 4, name=name)
    if name.startswith("random_"):
        n = golden_reference()["graphs"][name]["nodes"]
        with open(GOLDEN / f"{name}.csv") as handle:
            rows = [(int(r["source"]) - 1, int(r["target"]) - 1) for r in csv.DictReader(handle)]
        return layer_from_pairs(rows, n, name=name)
    if datasets is None:
        raise LookupError(name)
    loaders = {
        "krackhardt_advice": lambda: krackhardt(datasets, "Advice"),
        "krackhardt_friendship": lambda: krackhardt(datasets, "Friendship"),
        "krackhardt_reports_sub_to_boss": lambda: krackhardt(datasets, "ReportsTo"),
        "krackhardt_reports_boss_to_sub": lambda: krackhardt(datasets, "ReportsTo", boss_to_sub=True),
        "lazega_advice": lambda: lazega(datasets, "adv"),
        "lazega_friendship": lambda: lazega(datasets, "friend"),
        "sampson_t4_like": lambda: sampson_t4_like(datasets),
    }
    return loaders[name]()


def needs_datasets(name: str) -> bool:
    return name not in ("diamond", "two_roots") and not name.startswith("random_")
