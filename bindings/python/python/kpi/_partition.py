"""kpi as the per-partition function of a distributed engine: PySpark's
``mapInArrow`` (an iterator of Arrow record batches in, one out) and
``applyInArrow`` (a grouped Arrow table in, a table out)."""

from __future__ import annotations

from typing import Any, Dict, Iterator, Mapping, Optional, Tuple, Union

#: Rulesets compiled in this process, by their text and name: a worker compiles
#: each ruleset once, however many partitions it scores.
_COMPILED: Dict[Tuple[str, str], Any] = {}


def _ruleset(source: str, name: str) -> Any:
    from ._native import Ruleset

    key = (source, name)
    if key not in _COMPILED:
        _COMPILED[key] = Ruleset.compile(source, name=name)
    return _COMPILED[key]


def partition_scorer(
    source: str,
    *,
    name: str = "ruleset.kpi",
    scale: Union[None, int, Mapping[str, int]] = None,
    period: Optional[str] = None,
    as_of: Optional[str] = None,
    errors: str = "raise",
) -> "PartitionScorer":
    """A function that scores one partition of records with the rule file text
    ``source``.

    Given a ``pyarrow.Table`` (as ``applyInArrow`` gives one group) it returns the
    scored table; given an iterator of ``pyarrow.RecordBatch`` (as ``mapInArrow``
    gives a partition) it returns an iterator of scored batches, all rows of the
    partition scored together. The function holds only text, so it pickles; each
    worker compiles the ruleset once. Give ``scale`` so that every partition has the
    schema declared to the engine (``decimal(38,2)`` for ``scale=2``).
    """

    options = dict(period=period, as_of=as_of, errors=errors, scale=scale)
    return PartitionScorer(source, name, options)


class PartitionScorer:
    """The function :func:`partition_scorer` makes: an object, so that plain
    pickle ships it as well as Spark's cloudpickle does."""

    def __init__(self, source: str, name: str, options: Dict[str, Any]) -> None:
        self.source = source
        self.name = name
        self.options = options

    def __call__(self, data: Any) -> Any:
        import pyarrow as pa

        ruleset = _ruleset(self.source, self.name)
        if isinstance(data, pa.Table):
            return ruleset.evaluate_arrow(data, **self.options)
        return _score_batches(ruleset, iter(data), self.options)


def _score_batches(ruleset: Any, batches: Iterator[Any], options: Dict[str, Any]) -> Iterator[Any]:
    import pyarrow as pa

    batches = list(batches)
    if not batches:
        return iter(())
    # The partition's records are scored together: a team split across batches is
    # still one team.
    table = pa.Table.from_batches(batches)
    return iter(ruleset.evaluate_arrow(table, **options).to_batches())
