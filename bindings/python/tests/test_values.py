"""Values in and out: Decimal in, Decimal out; floats read by their shortest digits
and never given back; every output kind in its Python type."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pandas as pd
import polars as pl
import pyarrow as pa
import pytest

import kpi

KINDS = """
ruleset kinds
currency CNY
key id
input id    text
input pay   money
input rate  percent
input n     count
input on    bool
input day   date
input note  text optional
let doubled = pay * 2
grade level by n
  >= 10 : gold
  else  : plain
output doubled = doubled
output third   = round(pay / 3, 4, half_up)
output rate    = rate
output level   = level
output on      = on
output day     = day
output note    = note
"""


@pytest.fixture(scope="module")
def kinds() -> kpi.Ruleset:
    return kpi.Ruleset.compile(KINDS, name="kinds.kpi")


def record(**changes):
    base = {
        "id": "E1",
        "pay": Decimal("1000.05"),
        "rate": "95.5%",
        "n": 12,
        "on": True,
        "day": datetime.date(2026, 11, 15),
        "note": None,
    }
    base.update(changes)
    return base


def test_each_output_kind_comes_back_as_its_python_type(kinds):
    out = kinds.evaluate(record())
    assert out == {
        "doubled": Decimal("2000.10"),
        "third": Decimal("333.3500"),
        # A percentage is its fraction, as an input of type percent reads 0.955.
        "rate": Decimal("0.955"),
        "level": "gold",
        "on": True,
        "day": datetime.date(2026, 11, 15),
        "note": None,
    }
    # An unrounded value is exact in its fewest places, as the command line prints it.
    assert str(out["doubled"]) == "2000.1"
    assert str(out["third"]) == "333.3500"


def test_decimal_in_is_read_exactly_even_in_exponent_form(kinds):
    out = kinds.evaluate(record(pay=Decimal("1.00005E+3")))
    assert out["doubled"] == Decimal("2000.10")


def test_a_float_is_read_by_its_shortest_digits_not_its_binary_value(kinds):
    # 0.1 + 0.2 in binary is 0.30000000000000004; 1000.05 is 1000.0499999999999545...
    out = kinds.evaluate(record(pay=1000.05, rate=0.955))
    assert out["doubled"] == Decimal("2000.10")
    assert out["rate"] == Decimal("0.955")


def test_text_and_int_inputs_read_as_a_csv_cell_would(kinds):
    out = kinds.evaluate(record(pay="1,000.05", n="7", on="否", rate="0.955"))
    assert (out["doubled"], out["level"], out["on"], out["rate"]) == (
        Decimal("2000.10"),
        "plain",
        False,
        Decimal("0.955"),
    )


def test_no_float_in_any_output_of_any_path(kinds):
    rows = [record(id=f"E{i}", pay=Decimal(f"{i}.25"), n=i) for i in range(1, 6)]
    outputs = kinds.evaluate_many(rows)
    for row in outputs:
        assert not any(isinstance(v, float) for v in row.values())
    assert [r["doubled"] for r in outputs] == [Decimal(f"{2 * i}.5") for i in range(1, 6)]
    frame = pd.DataFrame(rows)
    scored = kinds.evaluate_frame(frame)
    for column in ("doubled", "third", "rate"):
        assert scored[column].map(type).eq(Decimal).all(), column
    assert list(scored["doubled"]) == [Decimal(f"{2 * i}.5") for i in range(1, 6)]
    table = kinds.evaluate_frame(pa.Table.from_pandas(frame))
    assert not any(pa.types.is_floating(f.type) for f in table.schema)
    assert table.schema.field("doubled").type == pa.decimal128(38, 1)
    assert table.schema.field("third").type == pa.decimal128(38, 4)
    assert table.schema.field("day").type == pa.date32()
    assert table.schema.field("on").type == pa.bool_()
    polars = kinds.evaluate_frame(pl.from_pandas(frame))
    assert not any(dtype.is_float() for dtype in polars.schema.values())


def test_a_fixed_scale_pads_every_value_and_refuses_to_round(kinds):
    rows = [record(id="A", pay=Decimal("1")), record(id="B", pay=Decimal("2.5"))]
    table = kinds.evaluate_frame(pa.Table.from_pylist(rows), scale=4)
    assert table.schema.field("doubled").type == pa.decimal128(38, 4)
    assert table.column("doubled").to_pylist() == [Decimal("2.0000"), Decimal("5.0000")]
    assert str(table.column("doubled")[0].as_py()) == "2.0000"
    per_column = kinds.evaluate_frame(pa.Table.from_pylist(rows), scale={"doubled": 1})
    assert per_column.schema.field("doubled").type == pa.decimal128(38, 1)
    assert per_column.schema.field("third").type == pa.decimal128(38, 4)
    with pytest.raises(ValueError, match="output `third` has a value of 4 decimal places"):
        kinds.evaluate_frame(pa.Table.from_pylist(rows), scale=2)


def test_an_empty_frame_gives_an_empty_frame_of_the_same_columns(kinds):
    frame = pd.DataFrame({name: pd.Series([], dtype=object) for name in record()})
    scored = kinds.evaluate_frame(frame)
    assert list(scored.columns) == ["id"] + kinds.outputs
    assert len(scored) == 0


def test_a_value_of_an_unsupported_type_is_a_type_error(kinds):
    with pytest.raises(TypeError, match="the value of `pay` is a list"):
        kinds.evaluate(record(pay=[1]))


def test_properties_describe_the_ruleset(agent_monthly):
    assert agent_monthly.name == "agent_monthly"
    assert agent_monthly.version == "2026.11"
    assert agent_monthly.keys == ["agent_id"]
    assert agent_monthly.outputs == ["score", "grade", "payout"]
    assert agent_monthly.inputs[0] == ("agent_id", "text", "工号 / Agent ID")
    assert agent_monthly.inputs[-1] == ("base_bonus", "money", "绩效奖金基数 / Bonus base")
    assert agent_monthly.fingerprint.startswith("sha256:") and len(agent_monthly.fingerprint) == 71
    assert not agent_monthly.reads_population
