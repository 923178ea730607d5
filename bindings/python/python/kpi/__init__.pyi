"""Type stubs of kpi: exact, explainable bonus and performance scoring."""

from __future__ import annotations

import datetime
import os
from decimal import Decimal
from typing import Any, Dict, Iterable, List, Literal, Mapping, Optional, Tuple, TypeVar, Union

#: The engine that scores, as explanations name it (``kpi 0.1.0``).
ENGINE_VERSION: str
#: The column (or dict key) that holds a row's problems under ``errors="report"``.
ERROR_COLUMN: str

#: A value given for an input. A float is read by its shortest round-trip digits
#: (``0.1`` as 0.1), a Decimal exactly, ``None`` as an empty cell.
InputValue = Union[str, int, Decimal, bool, float, datetime.date, None]
#: A value an output gives: numbers, amounts and percentages (as fractions, 95% is
#: ``Decimal("0.95")``) as Decimal; text, grades and months as str.
OutputValue = Union[Decimal, str, bool, datetime.date, None]
Errors = Literal["raise", "report"]
Scale = Union[None, int, Mapping[str, int]]
Frame = TypeVar("Frame")

class KpiError(Exception):
    """A problem kpi found; ``errors`` lists every problem found at once."""

    code: Optional[str]
    file: Optional[str]
    line: Optional[int]
    column: Any
    message: str
    hint: Optional[str]
    errors: List[KpiError]

class Diagnostic(KpiError):
    """One problem in a rule file; ``line`` and ``column`` count from 1."""

    code: str
    file: str
    line: int
    column: int
    severity: Literal["error", "warning"]
    rendered: str

class RuleError(KpiError):
    """A rule file that does not compile; ``str()`` renders every diagnostic."""

    diagnostics: List[Diagnostic]

class DataError(KpiError):
    """A value that does not fit its input, a missing column or a repeated key.
    ``code`` is its stable code (``D0302``), ``column`` the data column's name;
    ``row`` counts from 0."""

    row: Optional[int]
    key: Optional[str]
    column: Optional[str]
    value: Optional[str]

class ScoreError(KpiError):
    """A record that could not be scored; ``fault`` says how in a word, ``code`` is
    its stable code (``S0101``)."""

    row: Optional[int]
    key: Optional[str]
    name: Optional[str]
    fault: Optional[str]

class TestMismatch:
    """One expectation of a rule file's test case that did not hold."""

    @property
    def name(self) -> str: ...
    @property
    def line(self) -> int: ...
    @property
    def expected(self) -> str: ...
    @property
    def actual(self) -> str: ...
    @property
    def explanation(self) -> str: ...

class TestResult:
    """One test case written in the rule file and what it gave."""

    @property
    def name(self) -> str: ...
    @property
    def label(self) -> Optional[str]: ...
    @property
    def line(self) -> int: ...
    @property
    def status(self) -> Literal["passed", "failed", "not_scored"]: ...
    @property
    def passed(self) -> bool: ...
    @property
    def message(self) -> Optional[str]: ...
    @property
    def mismatches(self) -> List[TestMismatch]: ...

class Ruleset:
    """A compiled rule file: immutable, thread-safe, reusable for any number of records."""

    @staticmethod
    def compile(text: str, name: str = "ruleset.kpi") -> Ruleset:
        """Compiles rule file text; raises RuleError with every problem found."""
    @staticmethod
    def from_file(path: Union[str, os.PathLike[str]]) -> Ruleset:
        """Reads (UTF-8) and compiles a rule file."""
    @property
    def name(self) -> str: ...
    @property
    def title(self) -> Optional[str]: ...
    @property
    def version(self) -> Optional[str]: ...
    @property
    def file(self) -> str: ...
    @property
    def source(self) -> str: ...
    @property
    def fingerprint(self) -> str:
        """``sha256:`` and the digest of the rule file's text."""
    @property
    def inputs(self) -> List[Tuple[str, str, Optional[str]]]:
        """``(name, type, label)`` of each declared input, in order."""
    @property
    def outputs(self) -> List[str]: ...
    @property
    def keys(self) -> List[str]: ...
    @property
    def groups(self) -> List[str]: ...
    @property
    def reads_population(self) -> bool: ...
    @property
    def rolls_up_rows(self) -> bool: ...
    @property
    def warnings(self) -> List[Diagnostic]: ...
    def evaluate(self, record: Mapping[str, InputValue]) -> Dict[str, OutputValue]:
        """Scores one record: output name to value. A ruleset that reads a
        population scores it as a population of one; use evaluate_many for teams."""
    def evaluate_many(
        self,
        rows: Iterable[Mapping[str, InputValue]],
        *,
        period: Optional[str] = None,
        as_of: Optional[str] = None,
        errors: Errors = "raise",
    ) -> List[Dict[str, Any]]:
        """Scores every row, together when the ruleset reads a population. Each
        result holds the key inputs (as given) then every output; with
        ``errors="report"`` also ERROR_COLUMN (None, or the KpiError)."""
    def evaluate_frame(
        self,
        frame: Frame,
        *,
        period: Optional[str] = None,
        as_of: Optional[str] = None,
        errors: Errors = "raise",
        scale: Scale = None,
    ) -> Frame:
        """Scores a pandas DataFrame, a Polars DataFrame or a pyarrow Table or
        RecordBatch into the same kind: the key columns, then every output;
        numbers as decimal128(38, scale)."""
    def evaluate_arrow(
        self,
        data: Any,
        *,
        period: Optional[str] = None,
        as_of: Optional[str] = None,
        errors: Errors = "raise",
        scale: Scale = None,
    ) -> Any:
        """Scores any Arrow table, batch or stream into a pyarrow.Table."""
    def explain(
        self,
        record: Union[Mapping[str, InputValue], str],
        *,
        lang: Literal["zh", "en"] = "zh",
        format: Literal["text", "json", "html", "markdown"] = "text",
        population: Optional[Iterable[Mapping[str, InputValue]]] = None,
        period: Optional[str] = None,
        as_of: Optional[str] = None,
    ) -> str:
        """How the record was scored, as text; JSON is returned as its text."""
    def run_tests(self, *, lang: Literal["zh", "en"] = "zh") -> List[TestResult]:
        """Runs the test cases written in the rule file."""

class PartitionScorer:
    """A picklable per-partition function: Table in, Table out; or an iterator of
    RecordBatches in, an iterator of RecordBatches out."""

    def __call__(self, data: Any) -> Any: ...

def partition_scorer(
    source: str,
    *,
    name: str = "ruleset.kpi",
    scale: Scale = None,
    period: Optional[str] = None,
    as_of: Optional[str] = None,
    errors: Errors = "raise",
) -> PartitionScorer:
    """The function for PySpark's mapInArrow / applyInArrow."""
