"""Following one decision, and the decisions one person holds the say on.

Built on the decision-rights audit (:mod:`orgpower.report.decisions`) of an
:class:`~orgpower.report.audit.AuditResult`, so that every count here is the count of the
audit's own tables:

- :func:`find_decisions`: every decision (or those whose id, domain or title contains a
  search text) with how many hold the say, a voice or are only informed, whom it binds,
  and whether it is a single point of veto;
- :func:`follow_decision`: one decision's holders with their *standing* (``say``: any of
  accountable / approve / veto / agree; ``voice``: consulted / recommend / responsible,
  without the say; ``informed``: only told), the ids it binds, the units it binds without
  a voice, and its place among the bottlenecks (how many decisions each holder of its say
  holds the say on, their rank and whether the audit calls them a bottleneck);
- :func:`decisions_held`: the decisions where a person holds the say (or any standing).

>>> import orgpower                                                        # doctest: +SKIP
>>> result = orgpower.audit(orgpower.read_org(["sample_orgs/northwind_command"]))  # doctest: +SKIP
>>> follow_decision(result, "D0001").holders                              # doctest: +SKIP
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from orgpower.model import DECIDING_ROLES, VOICE_ROLES

STANDINGS = ("say", "voice", "informed")
HOLDER_COLUMNS = ("actor", "name", "unit", "roles", "standing")


def standing(roles: set[str] | frozenset[str]) -> str:
    """``say`` when any role carries the say, else ``voice`` when any gives a voice, else ``informed``.

    >>> standing({"consulted", "accountable"}), standing({"recommend"}), standing({"informed"})
    ('say', 'voice', 'informed')
    """
    if roles & DECIDING_ROLES:
        return "say"
    if roles & VOICE_ROLES:
        return "voice"
    return "informed"


def _decisions(result: Any) -> pd.DataFrame:
    decisions = result.model.decisions
    if decisions.empty:
        return pd.DataFrame(columns=["decision", "actor", "role", "domain", "affects"])
    keep = [c for c in ("decision", "actor", "role", "domain", "affects", "title") if c in decisions.columns]
    frame = decisions[keep].copy()
    for column in ("decision", "actor", "role"):
        frame[column] = frame[column].astype("string")
    return frame.dropna(subset=["decision"])


def _people_lookup(result: Any, only: set[str] | None = None) -> tuple[dict[str, str], dict[str, str]]:
    """Names and units by person id, of everyone or of the ids in ``only`` (one decision
    names a handful of a million people: dicts of everyone took 4 s per decision)."""
    people = result.model.people
    ids = people["person_id"].astype(str)
    if only is not None:
        keep = ids.isin(only).to_numpy()
        people, ids = people[keep], ids[keep]
    names = people["name"].astype("string") if "name" in people else pd.Series(pd.NA, index=people.index, dtype="string")
    units = people["unit"].astype("string") if "unit" in people else pd.Series(pd.NA, index=people.index, dtype="string")
    return (
        {i: str(n) for i, n in zip(ids, names) if not pd.isna(n) and str(n).strip()},
        {i: str(u) for i, u in zip(ids, units) if not pd.isna(u)},
    )


def _holders(decisions: pd.DataFrame) -> pd.DataFrame:
    """One row per decision and actor: the actor's roles and standing.

    Each actor's set of roles is a bit mask summed over their distinct roles (one grouped
    sum in C): a set per group built in Python took 15 s at a million people, on every
    visit of the Decisions page. Few distinct role sets exist, so their names and
    standing are worked out once each.
    """
    rows = decisions.dropna(subset=["actor", "role"])[["decision", "actor", "role"]].drop_duplicates()
    codes, names = pd.factorize(rows["role"].astype(str))
    if len(names) > 62:  # more role names than bits: one set per group
        roles = rows.groupby(["decision", "actor"], sort=True)["role"].agg(lambda r: frozenset(map(str, r)))
        frame = roles.reset_index()
        frame["standing"] = frame["role"].map(standing)
        frame["roles"] = frame["role"].map(lambda r: ", ".join(sorted(r)))
        return frame.drop(columns="role")
    bits = pd.Series(np.left_shift(np.int64(1), codes.astype(np.int64)), index=rows.index)
    masks = bits.groupby([rows["decision"], rows["actor"]], sort=True).sum()
    sets = {int(m): frozenset(str(names[i]) for i in range(len(names)) if int(m) >> i & 1) for m in masks.unique()}
    frame = masks.rename("mask").reset_index()
    frame["standing"] = frame["mask"].map({m: standing(r) for m, r in sets.items()})
    frame["roles"] = frame["mask"].map({m: ", ".join(sorted(r)) for m, r in sets.items()})
    return frame.drop(columns="mask")


def _single_points(result: Any) -> set[str]:
    table = result.tables.get("decision_single_points")
    # a set of the list: iterating the Arrow-backed column costs a Python object per access
    return set(table["decision"].astype(str).tolist()) if table is not None and not table.empty else set()


def find_decisions(result: Any, query: str = "") -> pd.DataFrame:
    """Every decision matching ``query`` (in its id, domain or title; case ignored), with
    ``say``, ``voice``, ``informed`` (distinct actors of each standing), ``binds`` (distinct
    ids named in ``affects``), ``units_without_voice`` and ``single_point_of_veto``; sorted
    by id.
    """
    columns = ["decision", "domain", "say", "voice", "informed", "binds", "units_without_voice", "single_point_of_veto"]
    decisions = _decisions(result)
    if decisions.empty:
        return pd.DataFrame(columns=columns)
    first = decisions.drop_duplicates("decision").set_index("decision")
    table = pd.DataFrame({"decision": first.index.astype(str)})
    table["domain"] = first["domain"].astype("string").to_numpy() if "domain" in first else pd.NA
    if "title" in first:
        table.insert(1, "title", first["title"].astype("string").to_numpy())
        columns.insert(1, "title")
    counts = _holders(decisions).groupby(["decision", "standing"]).size().unstack(fill_value=0)
    for name in STANDINGS:
        table[name] = table["decision"].map(counts[name] if name in counts else {}).fillna(0).astype("int64")
    if "affects" in decisions:
        binds = decisions.dropna(subset=["affects"]).groupby("decision")["affects"].nunique()
        table["binds"] = table["decision"].map(binds).fillna(0).astype("int64")
    else:
        table["binds"] = 0
    voiceless = result.tables.get("decision_voiceless_units")
    silent = voiceless.groupby(voiceless["decision"].astype(str))["unit"].nunique() if voiceless is not None and not voiceless.empty else {}
    table["units_without_voice"] = table["decision"].map(silent).fillna(0).astype("int64")
    table["single_point_of_veto"] = table["decision"].isin(_single_points(result))
    return match_decisions(table.sort_values("decision", kind="stable").reset_index(drop=True)[columns], query)


def match_decisions(catalogue: pd.DataFrame, query: str = "", text: pd.Series | None = None) -> pd.DataFrame:
    """The rows of ``catalogue`` (a :func:`find_decisions` table) whose id, domain or title
    contains ``query`` (case ignored), in their order. ``text`` is
    :func:`decision_search_text` of the catalogue when already at hand: searching a
    large catalogue again then costs one substring scan, not a recount.
    """
    if not query or not query.strip():
        return catalogue
    if text is None:
        text = decision_search_text(catalogue)
    return catalogue[text.str.contains(query.strip().lower(), regex=False).to_numpy(dtype=bool, na_value=False)].reset_index(drop=True)


def decision_search_text(catalogue: pd.DataFrame) -> pd.Series:
    """What a decision search looks in, per row: id, domain and title, lower case."""
    text = catalogue["decision"].astype("string").str.lower()
    for column in ("domain", "title"):
        if column in catalogue:
            text = text + "\n" + catalogue[column].astype("string").fillna("").str.lower()
    return text


@dataclass
class DecisionDetail:
    """One decision followed through: who holds what in it, whom it binds, who is unheard."""

    decision: str
    domain: str | None
    holders: pd.DataFrame  # actor, name, unit, roles, standing (say first)
    binds: pd.DataFrame  # id, kind ("unit" | "person" | "other"), name, unit
    units_without_voice: pd.DataFrame  # unit, bound_people
    bottlenecks: pd.DataFrame  # holders of the say: actor, name, deciding, share, rank, bottleneck
    single_point_of_veto: bool
    decisions_total: int
    counts: dict[str, int] = field(default_factory=dict)

    def summary(self) -> str:
        """The decision in one sentence (ids as given; the dashboard names people)."""
        c = self.counts
        parts = [f"{self.decision}" + (f" ({self.domain})" if self.domain else "")]
        parts.append(f": {c.get('say', 0)} hold the say, {c.get('voice', 0)} have a voice, {c.get('informed', 0)} are informed")
        if len(self.binds):
            parts.append(f"; it binds {len(self.binds)} id(s)")
        if len(self.units_without_voice):
            parts.append(f", {len(self.units_without_voice)} unit(s) of them without a voice")
        if self.single_point_of_veto:
            parts.append("; one person alone can make or stop it")
        return "".join(parts) + "."


def follow_decision(result: Any, decision: str) -> DecisionDetail:
    """Everything about one decision (see the module docstring). Raises KeyError when the
    org has no decision with that id."""
    decisions = _decisions(result)
    rows = decisions[decisions["decision"] == str(decision)]
    if rows.empty:
        raise KeyError(f"No decision {decision!r} in this org.")
    named = set(rows["actor"].dropna().astype(str)) | (set(rows["affects"].dropna().astype(str)) if "affects" in rows else set())
    names, units = _people_lookup(result, named)
    people = result.model.people
    unit_ids = (set(people["unit"].dropna().astype(str).unique()) if "unit" in people else set()) | (
        set(result.model.units["unit_id"].dropna().astype(str)) if "unit_id" in result.model.units else set())
    holders = _holders(rows)
    holders["name"] = holders["actor"].map(lambda a: names.get(str(a), pd.NA))
    holders["unit"] = holders["actor"].map(lambda a: units.get(str(a), str(a) if str(a) in unit_ids else pd.NA))
    order = {s: i for i, s in enumerate(STANDINGS)}
    holders = holders.assign(_o=holders["standing"].map(order)).sort_values(["_o", "actor"], kind="stable").drop(columns="_o")
    holders = holders[list(HOLDER_COLUMNS)].reset_index(drop=True)

    bound_ids = sorted(rows["affects"].dropna().astype(str).unique()) if "affects" in rows else []
    binds = pd.DataFrame({"id": bound_ids})
    binds["kind"] = [("person" if b in names or b in units else "unit" if b in unit_ids else "other") for b in bound_ids]
    binds["name"] = [names.get(b, pd.NA) for b in bound_ids]
    binds["unit"] = [units.get(b, b if b in unit_ids else pd.NA) for b in bound_ids]

    voiceless = result.tables.get("decision_voiceless_units")
    if voiceless is not None and not voiceless.empty:
        silent = voiceless[voiceless["decision"].astype(str) == str(decision)][["unit", "bound_people"]].reset_index(drop=True)
    else:
        silent = pd.DataFrame(columns=["unit", "bound_people"])

    total = int(decisions["decision"].nunique())
    rights = result.tables.get("decision_rights")
    flagged = result.tables.get("decision_bottlenecks")
    flagged_ids = set(flagged["actor"].astype(str)) if flagged is not None and not flagged.empty else set()
    say = holders[holders["standing"] == "say"][["actor", "name"]].copy()
    if rights is not None and not rights.empty:
        deciding = rights.set_index(rights["actor"].astype(str))["deciding"]
        # rank 1 = holds the say on the most decisions; equal counts share a rank
        ranks = deciding.rank(method="min", ascending=False).astype("int64")
        say["deciding"] = say["actor"].map(deciding).fillna(0).astype("int64")
        say["rank"] = say["actor"].map(ranks).astype("Int64")
    else:
        say["deciding"], say["rank"] = 0, pd.array([pd.NA] * len(say), dtype="Int64")
    say["share"] = say["deciding"] / total if total else 0.0
    say["bottleneck"] = say["actor"].isin(flagged_ids)
    say = say.sort_values(["deciding", "actor"], ascending=[False, True], kind="stable").reset_index(drop=True)

    domain = rows["domain"].dropna().astype(str).iloc[0] if "domain" in rows and rows["domain"].notna().any() else None
    counts = {s: int((holders["standing"] == s).sum()) for s in STANDINGS}
    return DecisionDetail(
        decision=str(decision), domain=domain, holders=holders, binds=binds, units_without_voice=silent,
        bottlenecks=say[["actor", "name", "deciding", "share", "rank", "bottleneck"]],
        single_point_of_veto=str(decision) in _single_points(result), decisions_total=total, counts=counts,
    )


def decisions_held(result: Any, person: str, standings: tuple[str, ...] = ("say",)) -> pd.DataFrame:
    """The decisions where ``person`` has one of ``standings``: ``decision``, ``domain``,
    ``roles``, ``standing``, ``others_with_say`` and ``single_point_of_veto``; by id."""
    columns = ["decision", "domain", "roles", "standing", "others_with_say", "single_point_of_veto"]
    decisions = _decisions(result)
    if decisions.empty:
        return pd.DataFrame(columns=columns)
    # only the decisions the person takes part in: each one's rows whole, so its holders
    # and their count of the say are those of all its rows
    theirs = decisions.loc[(decisions["actor"] == str(person)).fillna(False).to_numpy(dtype=bool), "decision"].unique()
    decisions = decisions[decisions["decision"].isin(theirs).to_numpy(dtype=bool)]
    holders = _holders(decisions)
    mine = holders[(holders["actor"] == str(person)) & holders["standing"].isin(standings)].copy()
    say_count = holders[holders["standing"] == "say"].groupby("decision").size()
    with_say = mine["decision"].map(say_count).fillna(0).to_numpy(dtype="int64")
    mine["others_with_say"] = with_say - (mine["standing"] == "say").to_numpy(dtype="int64")
    domains = decisions.dropna(subset=["domain"]).drop_duplicates("decision").set_index("decision")["domain"] if "domain" in decisions else pd.Series(dtype="string")
    mine["domain"] = mine["decision"].map(domains)
    mine["single_point_of_veto"] = mine["decision"].isin(_single_points(result)) & (mine["standing"] == "say")
    return mine.sort_values("decision", kind="stable").reset_index(drop=True)[columns]
