"""kpi: exact, explainable bonus and performance scoring from plain-text rule files.

Compile a rule file once with :meth:`Ruleset.from_file` or :meth:`Ruleset.compile`,
then score records given as dicts (:meth:`Ruleset.evaluate`,
:meth:`Ruleset.evaluate_many`) or as a whole pandas DataFrame, Polars DataFrame or
Arrow table (:meth:`Ruleset.evaluate_frame`). Every amount comes back exact, as
``decimal.Decimal`` or an Arrow decimal, never as a float.
"""

from __future__ import annotations

from ._errors import DataError, Diagnostic, KpiError, RuleError, ScoreError
from ._partition import PartitionScorer, partition_scorer
from ._native import ENGINE_VERSION, ERROR_COLUMN, Ruleset, TestMismatch, TestResult

__all__ = [
    "ENGINE_VERSION",
    "ERROR_COLUMN",
    "DataError",
    "Diagnostic",
    "KpiError",
    "RuleError",
    "Ruleset",
    "ScoreError",
    "TestMismatch",
    "TestResult",
    "PartitionScorer",
    "partition_scorer",
]
