"""Frames in and out of kpi through Arrow: pandas and Polars data frames are
converted whole by their own libraries (no Python loop over cells), scored in Rust
column by column, and given back as the kind of frame that came in."""

from __future__ import annotations

from typing import Any, Tuple


def to_arrow(frame: Any) -> Tuple[Any, str]:
    """The frame as an Arrow table or record batch, and what kind of frame it was."""
    library = type(frame).__module__.split(".")[0]
    if library == "pandas":
        return _from_pandas(frame), "pandas"
    if library == "polars":
        if not hasattr(frame, "to_arrow"):
            raise TypeError(
                f"a Polars {type(frame).__name__} cannot be scored: collect() it into a DataFrame first"
            )
        return frame.to_arrow(), "polars"
    if library == "pyarrow" and type(frame).__name__ == "RecordBatch":
        return frame, "pyarrow.RecordBatch"
    if hasattr(frame, "__arrow_c_stream__") or hasattr(frame, "__arrow_c_array__"):
        return frame, "pyarrow"
    raise TypeError(
        "evaluate_frame takes a pandas DataFrame, a Polars DataFrame, or an Arrow table or "
        f"record batch, not a {type(frame).__module__}.{type(frame).__name__}"
    )


def _pyarrow() -> Any:
    try:
        import pyarrow
    except ImportError as e:
        raise ImportError("evaluate_frame goes through Arrow and needs pyarrow: pip install pyarrow") from e
    return pyarrow


def _from_pandas(frame: Any) -> Any:
    """A pandas frame as an Arrow table; object columns of decimal.Decimal become
    decimal128, exactly. A column pyarrow cannot convert as a whole (an object
    column mixing numbers and text) is given as text, each value written as kpi
    reads it, so that kpi can say which row holds the bad value."""
    pa = _pyarrow()

    try:
        return pa.Table.from_pandas(frame, preserve_index=False)
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        pass
    columns = {}
    for name in frame.columns:
        try:
            columns[name] = pa.array(frame[name], from_pandas=True)
        except (pa.ArrowInvalid, pa.ArrowTypeError):
            columns[name] = pa.array([_cell(v) for v in frame[name]], type=pa.string())
    return pa.table(columns)


def _cell(value: Any) -> Any:
    """One value of a mixed column as the text kpi reads; missing values stay None."""
    from decimal import Decimal

    import pandas as pd

    if value is None or pd.isna(value) is True:  # NaN, NaT, pd.NA too
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Decimal):
        return format(value, "f")
    return str(value)


def from_arrow(table: Any, kind: str) -> Any:
    """The scored pyarrow Table as the kind of frame that came in."""
    if kind == "pandas":
        # decimal128 columns become object columns of decimal.Decimal.
        return table.to_pandas()
    if kind == "polars":
        import polars as pl

        return pl.from_arrow(table)
    if kind == "pyarrow.RecordBatch":
        return table.combine_chunks().to_batches(max_chunksize=None)[0] if table.num_rows else _empty_batch(table)
    return table


def _empty_batch(table: Any) -> Any:
    import pyarrow as pa

    return pa.RecordBatch.from_pylist([], schema=table.schema)
