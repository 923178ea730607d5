"""Every problem raises a subclass of kpi.KpiError that says where: a rule file's
code, line and column; a data row, column and value; the item that could not be
scored. Nothing is dropped silently."""

from __future__ import annotations

from decimal import Decimal

import pandas as pd
import pytest

import kpi

from conftest import SCENARIOS, read_rows

RATIO = """ruleset ratio
key id
input id text
input a  count
input b  count
let r = a / b, when zero error
output o = round(r, 2, half_up)
"""


def test_a_rule_error_carries_code_line_column_and_hint():
    with pytest.raises(kpi.RuleError) as caught:
        kpi.Ruleset.compile("ruleset t\nkey id\ninput id text\noutput o = nope\n", name="t.kpi")
    e = caught.value
    assert isinstance(e, kpi.KpiError)
    assert (e.code, e.file, e.line, e.column) == ("E0201", "t.kpi", 4, 12)
    assert e.message == "unknown name `nope`"
    assert "declare it with `input` or `let`" in e.hint
    assert "t.kpi:4:12" in str(e) and "^^^^" in str(e)
    assert [d.code for d in e.diagnostics] == ["E0201"]


def test_every_rule_error_is_reported_at_once():
    text = "ruleset t\nkey id\ninput id text\nlet a = x\nlet b = y\noutput o = a + b\n"
    with pytest.raises(kpi.RuleError) as caught:
        kpi.Ruleset.compile(text)
    assert [(d.code, d.line, d.column) for d in caught.value.errors] == [
        ("E0201", 4, 9),
        ("E0201", 5, 9),
    ]


def test_a_rule_file_that_is_not_utf8_names_its_line(tmp_path):
    path = tmp_path / "gbk.kpi"
    path.write_bytes("ruleset t \"绩效\"\n".encode("gbk"))
    with pytest.raises(kpi.RuleError, match=r"gbk.kpi:1:12: the rule file is not UTF-8"):
        kpi.Ruleset.from_file(path)


def test_a_bad_value_names_its_row_key_column_and_value(agent_monthly):
    rows = read_rows(SCENARIOS / "agent_monthly" / "metrics.csv")
    rows[2]["calls_answered"] = "lots"
    rows[5]["qa_score"] = "120"
    with pytest.raises(kpi.DataError) as caught:
        agent_monthly.evaluate_many(rows)
    e = caught.value
    assert (e.row, e.key, e.column, e.value) == (2, "E03", "calls_answered", "lots")
    assert e.message == "expected a whole number such as 12"
    assert [(p.row, p.column) for p in e.errors] == [(2, "calls_answered"), (5, "qa_score")]
    assert "outside the declared range 0..100" in e.errors[1].message
    assert 'row 2 (E03), column calls_answered, value "lots"' in str(e)


def test_errors_report_keeps_every_row_with_its_problem(agent_monthly):
    frame = pd.read_csv(SCENARIOS / "agent_monthly" / "metrics.csv")
    frame["qa_score"] = frame["qa_score"].astype(object)
    frame.loc[1, "qa_score"] = "n/a"
    scored = agent_monthly.evaluate_frame(frame, errors="report")
    assert len(scored) == len(frame)
    assert scored.loc[1, "payout"] is None
    assert scored.loc[1, kpi.ERROR_COLUMN] == "expected a number such as 87.5"
    assert scored.loc[0, "payout"] == Decimal("1200.00")
    assert scored[kpi.ERROR_COLUMN].isna().sum() == len(frame) - 1


def test_a_missing_column_is_named_with_the_closest_one(agent_monthly):
    frame = pd.read_csv(SCENARIOS / "agent_monthly" / "metrics.csv")
    frame = frame.rename(columns={"qa_score": "qa_scor"})
    with pytest.raises(kpi.DataError, match=r"no column for qa_score \(is `qa_scor` meant"):
        agent_monthly.evaluate_frame(frame)


def test_a_repeated_key_is_refused():
    ruleset = kpi.Ruleset.compile(RATIO)
    rows = [{"id": "A", "a": 1, "b": 2}, {"id": "A", "a": 1, "b": 4}]
    with pytest.raises(kpi.DataError) as caught:
        ruleset.evaluate_many(rows)
    assert (caught.value.row, caught.value.key, caught.value.code) == (1, "A", "D0401")
    assert caught.value.message == "the key A repeats row 0; each record needs a key of its own"


def test_a_record_that_cannot_be_scored_is_a_score_error():
    ruleset = kpi.Ruleset.compile(RATIO)
    with pytest.raises(kpi.ScoreError) as caught:
        ruleset.evaluate({"id": "E9", "a": 1, "b": 0})
    e = caught.value
    assert (e.key, e.name, e.fault, e.code) == ("E9", "r", "ZeroDenominator", "S0101")
    assert "the rule says that is an error" in e.message
    rows = [{"id": "A", "a": 1, "b": 2}, {"id": "B", "a": 1, "b": 0}]
    with pytest.raises(kpi.ScoreError) as caught:
        ruleset.evaluate_many(rows)
    assert (caught.value.row, caught.value.key) == (1, "B")
    reported = ruleset.evaluate_many(rows, errors="report")
    assert reported[0] == {"id": "A", "o": Decimal("0.50"), kpi.ERROR_COLUMN: None}
    assert isinstance(reported[1][kpi.ERROR_COLUMN], kpi.ScoreError)
    assert reported[1]["o"] is None


def test_a_team_with_an_unread_member_is_not_scored(team_monthly):
    rows = read_rows(SCENARIOS / "team_monthly" / "members.csv")
    rows[3]["calls_offered"] = "-1"
    with pytest.raises(kpi.DataError) as caught:
        team_monthly.evaluate_many(rows)
    e = caught.value
    assert (e.row, e.key, e.column) == (3, rows[3]["agent_id"], "calls_offered")
    # The others are not scored without it, and say so.
    assert len(e.errors) == len(rows)
    others = [p for p in e.errors if isinstance(p, kpi.ScoreError)]
    assert len(others) == len(rows) - 1
    assert "1 row could not be read" in others[0].message
    assert str(e).splitlines()[1].strip().startswith("row 3")


def test_bad_options_are_value_errors(agent_monthly):
    with pytest.raises(ValueError, match='errors is "raise" or "report"'):
        agent_monthly.evaluate_many([], errors="ignore")
    with pytest.raises(ValueError, match='lang is "zh" or "en"'):
        agent_monthly.explain({}, lang="fr")
    with pytest.raises(TypeError, match="pandas DataFrame, a Polars DataFrame"):
        agent_monthly.evaluate_frame([{"agent_id": "E1"}])
