"""The audit's settings and thresholds, in ONE documented place (docs/readings.md).

No source defines a validated "power-over index" with published thresholds,
so every cut-off the readings and findings use lives here, named, explained and
overridable from a TOML or JSON file::

    # audit.toml
    min_group_size = 5
    group_attributes = ["gender"]
    null_samples = 200
    seed = 7

    [thresholds]
    reciprocity_low = 0.15
    trophic_layered_max = 0.25

Every key of :class:`Thresholds` may also be given at the top level of the file.

Renamed keys (:data:`RENAMED`): ``centralization_concentrated`` and ``hhi_concentrated``
gave way to ``concentration_high``, one cut-off on one concentration score. Both given
with one value are read as ``concentration_high`` with a warning; one alone, or two
different values, cannot carry over and are refused with the line to write instead.
"""

from __future__ import annotations

import dataclasses
import json
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from orgpower.errors import InputError

# Never publish a group smaller than this, whatever a configuration says (Viva uses 5).
MIN_GROUP_SIZE_FLOOR = 3


def read_settings_file(path: Path, what: str, holds: str, *, encoding: str = "utf-8") -> dict[str, Any]:
    """The table in a ``.toml`` or ``.json`` file (``what`` names the file in messages,
    ``holds`` what its table holds); unreadable files and bad syntax are an InputError."""
    try:
        text = path.read_text(encoding=encoding)
    except OSError as error:
        raise InputError(f"Cannot read the {what} {path}: {error.strerror}.") from None
    is_json = path.suffix.lower() == ".json"
    try:
        raw = json.loads(text) if is_json else tomllib.loads(text)
    except (json.JSONDecodeError, tomllib.TOMLDecodeError) as error:
        raise InputError(
            f"The {what} {path} is not valid {'JSON' if is_json else 'TOML'} ({error}); fix the syntax and run again."
        ) from None
    if not isinstance(raw, dict):
        raise InputError(f"The {what} {path} must hold a table of {holds}.")
    return raw


# Old keys -> the key that replaced them.
RENAMED = {"centralization_concentrated": "concentration_high", "hhi_concentrated": "concentration_high"}


@dataclass(frozen=True)
class Thresholds:
    """Cut-offs of the three-axis reading (docs/readings.md) and of the findings.

    Asymmetry (is it returned?) uses weighted reciprocity r_w on weighted layers and
    edgewise reciprocity r on binary ones.
    """

    reciprocity_low: float = 0.2
    """r (or r_w) at or below this reads as one-way (power-over signature: r ≈ 0); on the
    asymmetry score, 1 − r ≥ 1 − this."""
    reciprocity_high: float = 0.5
    """r (or r_w) at or above this reads as returned (mutual signature)."""
    trophic_layered_max: float = 0.3
    """The F0 of a layered structure (F0 < ~0.3). The direction score is mean(1 − F0, flow
    hierarchy), so it reads layered at ≥ mean(1 − this, ``flow_hierarchy_layered_min``)
    (0.75 by default; readings.plane_cuts)."""
    trophic_circulating_min: float = 0.7
    """The F0 of a circulating structure (F0 > ~0.7): circulating at a direction score ≤
    mean(1 − this, ``flow_hierarchy_circulating_max``) (0.25 by default)."""
    flow_hierarchy_layered_min: float = 0.8
    """The flow hierarchy of a layered structure (> ~0.8), see ``trophic_layered_max``."""
    flow_hierarchy_circulating_max: float = 0.2
    """The flow hierarchy of a circulating structure (< ~0.2), see ``trophic_circulating_min``."""
    concentration_high: float = 0.25
    """The concentration score (the largest of in-degree centralization, out-degree
    centralization and HHI* of out-strength, and on decisions the top holder's share of
    the say) at or above this reads as concentrated. One number, one cut-off: the number
    shown is the number the rule uses."""
    say_majority: float = 0.5
    """A decisions layer where one holder has the say on at least this share of all
    decisions cannot read mutual, however many are consulted."""
    hub_total_centralization: float = 0.5
    """Total-degree centralization at or above this, with returned ties, is a hub partnership."""
    null_z: float = 2.0
    """|z| against the degree-preserving null at or above this is called 'beyond chance'."""
    span_narrow: int = 2
    """A manager with this many direct reports or fewer has a narrow span."""
    span_wide: int = 15
    """A manager with more direct reports than this has a wide span."""
    narrow_span_share: float = 0.3
    """A finding is raised when at least this share of managers has a narrow span."""
    bottleneck_share: float = 0.2
    """A person holding the say on at least this share of all decisions is a bottleneck."""
    bottleneck_min_decisions: int = 3
    """...and on at least this many decisions (tiny matrices make no bottlenecks)."""
    gini_concentrated: float = 0.6
    """Gini of budgets or decision rights at or above this is reported as concentrated."""
    representation_low: float = 0.8
    """Power share / headcount share below this is under-representation."""
    representation_high: float = 1.25
    """Power share / headcount share above this is over-representation."""
    representation_alpha: float = 0.05
    """A representation finding needs the exact test's p, Holm-corrected over the cells
    tested, at or below this (and an expected count of at least min_group_size)."""


@dataclass(frozen=True)
class AuditConfig:
    """Everything that changes the audit's numbers, so a report can state its settings."""

    thresholds: Thresholds = field(default_factory=Thresholds)
    group_attributes: tuple[str, ...] = ()
    """People columns to audit representation by (e.g. ``gender``); never shown per person."""
    min_group_size: int = 5
    """k: groups (and cells) of fewer people are suppressed everywhere; never below 3."""
    null_samples: int = 50
    """Degree-preserving rewirings per layer for the null model (0 switches it off).
    Layers above 20,000 arcs get fewer, requested x 20,000 / arcs but at least 5
    (orgpower.metrics.nulls.null_sample_count); each layer's ``null_model`` states the
    ``samples`` taken, ``samples_requested`` and the ``policy``."""
    seed: int = 0
    """Seed of every random step, so the same input gives the same audit.json."""
    exact_limit: int = 20_000
    """Above this many people, measures may be estimated (marked under ``estimated``)."""
    max_team_readings: int = 5_000
    """At most this many teams are read (largest first), so that audit.json stays a
    readable size for very large orgs; the report states how many were read of how many."""

    def __post_init__(self) -> None:
        if self.min_group_size < MIN_GROUP_SIZE_FLOOR:
            raise InputError(
                f"min_group_size is {self.min_group_size}, but groups under {MIN_GROUP_SIZE_FLOOR} "
                f"can identify people: set min_group_size to {MIN_GROUP_SIZE_FLOOR} or more."
            )
        if self.null_samples < 0:
            raise InputError(f"null_samples is {self.null_samples}: give 0 (no null model) or more.")

    def with_group_attributes(self, attributes: list[str] | tuple[str, ...]) -> "AuditConfig":
        """A copy that also audits representation by ``attributes`` (order kept, no repeats)."""
        merged = tuple(dict.fromkeys([*self.group_attributes, *attributes]))
        return dataclasses.replace(self, group_attributes=merged)

    def to_dict(self) -> dict[str, Any]:
        record = dataclasses.asdict(self)
        record["group_attributes"] = list(self.group_attributes)
        return record

    @classmethod
    def load(cls, path: str | Path) -> "AuditConfig":
        """Read settings from a ``.toml`` or ``.json`` file; unknown keys are an error."""
        path = Path(path)
        return cls.from_dict(read_settings_file(path, "configuration file", "settings"), source=str(path))

    @classmethod
    def from_dict(cls, raw: dict[str, Any], *, source: str = "configuration") -> "AuditConfig":
        threshold_names = {f.name: f for f in dataclasses.fields(Thresholds)}
        setting_names = {f.name for f in dataclasses.fields(cls)} - {"thresholds"}
        thresholds: dict[str, Any] = {}
        settings: dict[str, Any] = {}
        nested = raw.get("thresholds", {})
        if not isinstance(nested, dict):
            raise InputError(f"In {source}, 'thresholds' must be a table of named cut-offs.")
        renamed: dict[str, float] = {}
        for key, value in [*((k, v) for k, v in raw.items() if k != "thresholds"), *nested.items()]:
            if key in RENAMED:
                renamed[key] = _typed(source, key, value, "float")
            elif key in threshold_names:
                thresholds[key] = _typed(source, key, value, threshold_names[key].type)
            elif key in setting_names:
                settings[key] = value
            else:
                known = ", ".join(sorted([*threshold_names, *setting_names]))
                raise InputError(f"In {source}, the setting {key!r} is unknown; known settings: {known}.")
        if renamed:
            thresholds["concentration_high"] = _renamed_concentration(source, renamed, thresholds.get("concentration_high"))
        if "group_attributes" in settings:
            value = settings["group_attributes"]
            if isinstance(value, str) or not all(isinstance(v, str) for v in value):
                raise InputError(f"In {source}, group_attributes must be a list of column names.")
            settings["group_attributes"] = tuple(value)
        for key in ("min_group_size", "null_samples", "seed", "exact_limit", "max_team_readings"):
            if key in settings:
                settings[key] = _typed(source, key, settings[key], "int")
        return cls(thresholds=Thresholds(**thresholds), **settings)


def _renamed_concentration(source: str, old: dict[str, float], given: float | None) -> float:
    """``concentration_high`` from the keys it replaced: both with one value carry over
    (with a deprecation warning naming the new key); anything else is refused with the
    line to write."""
    import warnings

    from orgpower.errors import OrgpowerWarning

    keys = " and ".join(sorted(old))
    values = ", ".join(f"{k} = {v:g}" for k, v in sorted(old.items()))
    if given is not None:
        raise InputError(f"In {source}, concentration_high replaces {keys}: remove {keys} and keep "
                         f"concentration_high = {given:g}.")
    if len(old) == 2 and len(set(old.values())) == 1:
        value = next(iter(old.values()))
        warnings.warn(f"In {source}, {keys} are deprecated: read as concentration_high = {value:g}, the one cut-off "
                      "on the concentration score; write concentration_high instead.", OrgpowerWarning, stacklevel=4)
        return value
    smaller = min(old.values())
    raise InputError(
        f"In {source}, {values} {'is' if len(old) == 1 else 'are'} no longer a setting: concentration is now one score "
        "(the largest of in- and out-degree centralization, HHI* of out-strength and, on decisions, the top holder's "
        f"share of the say) with one cut-off, so write concentration_high = {smaller:g} in {'its' if len(old) == 1 else 'their'} "
        "place (the smaller value, so that nothing the old cut-offs called concentrated stops being so)."
    )


def _typed(source: str, key: str, value: Any, kind: Any) -> Any:
    want_int = kind in (int, "int")
    if isinstance(value, bool) or not isinstance(value, (int, float)) or (want_int and not float(value).is_integer()):
        expected = "a whole number" if want_int else "a number"
        raise InputError(f"In {source}, {key} is {value!r}; give {expected}.")
    return int(value) if want_int else float(value)
