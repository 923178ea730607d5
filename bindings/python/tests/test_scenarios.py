"""The agent_monthly and team_monthly scenarios scored through every way in (dicts,
pandas, Polars, a pyarrow Table) and compared to the cent with expected.csv."""

from __future__ import annotations

from decimal import Decimal
from typing import Dict, List

import pandas as pd
import polars as pl
import pyarrow as pa
import pyarrow.csv as pacsv
import pytest

from conftest import SCENARIOS, read_expected, read_rows

AGENT = SCENARIOS / "agent_monthly"
TEAM = SCENARIOS / "team_monthly"


def assert_matches(rows: List[Dict[str, object]], expected_csv, every_row: bool) -> None:
    """Every expected row's every column equals the scored one exactly, Decimal for
    Decimal; with ``every_row``, nothing else was scored."""
    expected = read_expected(expected_csv)
    key = next(iter(next(iter(expected.values()))))
    scored = {str(row[key]): row for row in rows}
    if every_row:
        assert len(scored) == len(rows) == len(expected)
    for k, want in expected.items():
        got = scored[k]
        for column, value in want.items():
            if isinstance(value, Decimal):
                assert isinstance(got[column], Decimal), (k, column, got[column])
            assert got[column] == value, (k, column, got[column], value)


def test_agent_monthly_through_evaluate_many(agent_monthly):
    rows = agent_monthly.evaluate_many(read_rows(AGENT / "metrics.csv"))
    assert_matches(rows, AGENT / "expected.csv", every_row=True)
    e04 = next(r for r in rows if r["agent_id"] == "E04")
    # Half-up, as the policy says: banker's rounding would give 620.02.
    assert e04["payout"] == Decimal("620.03")


def test_agent_monthly_through_pandas(agent_monthly):
    frame = pd.read_csv(AGENT / "metrics.csv")
    scored = agent_monthly.evaluate_frame(frame)
    assert isinstance(scored, pd.DataFrame)
    assert list(scored.columns) == ["agent_id", "score", "grade", "payout"]
    assert_matches(scored.to_dict("records"), AGENT / "expected.csv", every_row=True)


def test_agent_monthly_through_polars(agent_monthly):
    frame = pl.read_csv(AGENT / "metrics.csv")
    scored = agent_monthly.evaluate_frame(frame)
    assert isinstance(scored, pl.DataFrame)
    assert scored.schema["payout"] == pl.Decimal(38, 2)
    assert_matches(scored.to_dicts(), AGENT / "expected.csv", every_row=True)


def test_agent_monthly_through_a_pyarrow_table(agent_monthly):
    table = pacsv.read_csv(AGENT / "metrics.csv")
    scored = agent_monthly.evaluate_frame(table)
    assert isinstance(scored, pa.Table)
    assert scored.schema.field("payout").type == pa.decimal128(38, 2)
    assert scored.schema.field("score").type == pa.decimal128(38, 2)
    assert_matches(scored.to_pylist(), AGENT / "expected.csv", every_row=True)


def test_team_monthly_through_evaluate_many(team_monthly):
    rows = team_monthly.evaluate_many(read_rows(TEAM / "members.csv"))
    assert len(rows) == 83
    assert_matches(rows, TEAM / "expected.csv", every_row=False)


@pytest.mark.parametrize("library", ["pandas", "polars", "pyarrow"])
def test_team_monthly_scores_each_team_pooled_in_every_frame(team_monthly, library):
    path = TEAM / "members.csv"
    if library == "pandas":
        scored = team_monthly.evaluate_frame(pd.read_csv(path)).to_dict("records")
    elif library == "polars":
        scored = team_monthly.evaluate_frame(pl.read_csv(path)).to_dicts()
    else:
        scored = team_monthly.evaluate_frame(pacsv.read_csv(path)).to_pylist()
    # One row per member, leaders among them; the leaders' rows are expected.csv.
    assert len(scored) == 83
    assert_matches(scored, TEAM / "expected.csv", every_row=False)
    l06 = next(r for r in scored if r["agent_id"] == "L06")
    assert (l06["rank"], l06["payout"]) == (Decimal("3"), Decimal("2400.04"))


def test_team_monthly_rows_come_back_in_the_order_given(team_monthly):
    frame = pd.read_csv(TEAM / "members.csv")
    shuffled = frame.sample(frac=1, random_state=7).reset_index(drop=True)
    scored = team_monthly.evaluate_frame(shuffled)
    assert list(scored["agent_id"]) == list(shuffled["agent_id"])
    by_key = scored.set_index("agent_id")
    assert by_key.loc["L01", "payout"] == Decimal("3000.05")
    assert by_key.loc["L01", "rank"] == Decimal("1")
