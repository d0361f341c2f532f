"""Plain-word definitions shown one click away: the one glossary of the report
(:mod:`orgpower.report.glossary`), for the default thresholds. A page that shows one
audit should call ``glossary(thresholds_of(document["settings"]))`` for that audit's
cut-offs.
"""

from __future__ import annotations

from orgpower.report.glossary import MEASURES, glossary, thresholds_of

_DEFAULT = glossary()
AXES = _DEFAULT["axes"]
LABELS = _DEFAULT["labels"]

__all__ = ["AXES", "LABELS", "MEASURES", "glossary", "thresholds_of"]
