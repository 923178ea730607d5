"""A ruleset that rolls daily rows up into months, scored for a named month: one
row per agent, as `kpi eval --period` gives."""

from __future__ import annotations

from decimal import Decimal

import pandas as pd
import pytest

import kpi

from conftest import RULESETS, SCENARIOS, read_expected

FEEL = SCENARIOS / "feel_daily"


def shown(value: object) -> object:
    """A scored value as expected.csv writes it: no value is empty, a bool is text."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return value


@pytest.fixture(scope="module")
def feel_daily() -> kpi.Ruleset:
    return kpi.Ruleset.from_file(RULESETS / "feel_daily.kpi")


def test_daily_rows_need_a_month(feel_daily):
    frame = pd.read_csv(FEEL / "daily.csv", dtype=str)
    with pytest.raises(kpi.DataError, match="name the month to score"):
        feel_daily.evaluate_frame(frame)


def test_daily_rows_roll_up_to_the_month_named(feel_daily):
    frame = pd.read_csv(FEEL / "daily.csv", dtype=str)
    scored = feel_daily.evaluate_frame(frame, period="2026-11")
    expected = read_expected(FEEL / "expected.csv")
    assert sorted(scored["agent_id"]) == sorted(expected)
    for row in scored.to_dict("records"):
        for column, want in expected[row["agent_id"]].items():
            assert shown(row[column]) == want, (row["agent_id"], column)
    f1 = scored.set_index("agent_id").loc["F1"]
    assert (f1["award"], f1["team_rank"]) == (Decimal("285.72"), Decimal("2"))
