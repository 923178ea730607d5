"""Shared fixtures: the repository's rulesets and scenarios, read from where they
live, so the bindings are checked against the same expected results as the engine."""

from __future__ import annotations

import csv
from decimal import Decimal
from pathlib import Path
from typing import Dict, List

import pytest

import kpi

#: The repository root: bindings/python/tests/ is three levels below it.
REPO = Path(__file__).resolve().parents[3]
RULESETS = REPO / "rulesets"
SCENARIOS = REPO / "tests" / "scenarios"


def read_expected(path: Path) -> Dict[str, Dict[str, object]]:
    """expected.csv by key: numbers as Decimal, everything else as the text written."""
    rows: Dict[str, Dict[str, object]] = {}
    with path.open(encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            key = next(iter(row.values()))
            rows[key] = {name: as_decimal(value) for name, value in row.items()}
    return rows


def as_decimal(text: str) -> object:
    """A number written in a CSV as Decimal; other text as it is."""
    try:
        return Decimal(text)
    except ArithmeticError:
        return text


def read_rows(path: Path) -> List[Dict[str, str]]:
    """A data CSV as dicts of text, as a payroll export gives it."""
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


@pytest.fixture(scope="session")
def agent_monthly() -> kpi.Ruleset:
    return kpi.Ruleset.from_file(RULESETS / "agent_monthly.kpi")


@pytest.fixture(scope="session")
def team_monthly() -> kpi.Ruleset:
    return kpi.Ruleset.from_file(RULESETS / "team_monthly.kpi")
