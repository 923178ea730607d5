"""Explanations and the tests written in rule files, from Python."""

from __future__ import annotations

import json

import kpi

from conftest import RULESETS, SCENARIOS, read_rows


def e04(agent_monthly):
    rows = read_rows(SCENARIOS / "agent_monthly" / "metrics.csv")
    return next(r for r in rows if r["agent_id"] == "E04")


def test_explain_shows_the_working_in_chinese_and_english(agent_monthly):
    zh = agent_monthly.explain(e04(agent_monthly))
    en = agent_monthly.explain(e04(agent_monthly), lang="en")
    assert "620.03" in zh and "620.03" in en
    assert "应发绩效" in zh
    assert "Payout" in en
    assert agent_monthly.fingerprint in en


def test_explain_json_is_the_documented_model(agent_monthly):
    explained = json.loads(agent_monthly.explain(e04(agent_monthly), format="json"))
    assert explained["format"] == "kpi-explanation/1"
    assert explained["record"]["key"] == "E04"
    assert explained["ruleset"]["fingerprint"] == agent_monthly.fingerprint
    payout = next(s for s in explained["outputs"] if s["name"] == "payout")
    assert payout["value"] == "620.03"


def test_explain_html_is_a_page(agent_monthly):
    page = agent_monthly.explain(e04(agent_monthly), format="html", lang="en")
    assert page.lstrip().lower().startswith("<!doctype html")
    assert "620.03" in page


def test_explain_among_a_population_uses_the_whole_team(team_monthly):
    rows = read_rows(SCENARIOS / "team_monthly" / "members.csv")
    explained = json.loads(team_monthly.explain("L01", population=rows, format="json"))
    assert explained["population"]["records"] == len(rows)
    outputs = {s["name"]: s["value"] for s in explained["outputs"]}
    assert (outputs["team_answer_rate"], outputs["rank"], outputs["payout"]) == (
        "92.30",
        "1",
        "3000.05",
    )


def test_run_tests_runs_the_cases_written_in_every_shipped_ruleset():
    for path in sorted(RULESETS.glob("*.kpi")):
        results = kpi.Ruleset.from_file(path).run_tests()
        assert results, path
        assert all(r.passed for r in results), [(path.name, r) for r in results if not r.passed]
        assert all(r.status == "passed" and r.line > 0 for r in results)


def test_a_failing_case_says_what_was_expected_and_computed():
    text = """ruleset t
key id
input id text
input n  count
output twice = n * 2

test small
  id = "A"
  n  = 3
  expect twice = 7
"""
    (result,) = kpi.Ruleset.compile(text).run_tests(lang="en")
    assert (result.name, result.line, result.status, result.passed) == ("small", 7, "failed", False)
    (mismatch,) = result.mismatches
    assert (mismatch.name, mismatch.line, mismatch.expected, mismatch.actual) == ("twice", 10, "7", "6")
    assert "n * 2" in mismatch.explanation
