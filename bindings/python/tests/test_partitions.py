"""The per-partition function of the PySpark recipe, fed plain pyarrow record
batches as mapInArrow and applyInArrow feed it: no Spark needed."""

from __future__ import annotations

import pickle
from decimal import Decimal

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

import kpi

from conftest import RULESETS, SCENARIOS, read_expected

TEAM = SCENARIOS / "team_monthly"
SOURCE = (RULESETS / "team_monthly.kpi").read_text(encoding="utf-8")


def members_as_spark_reads_them() -> pa.Table:
    """members.csv with every column as text, as spark.read.csv gives it."""
    names = pacsv.read_csv(TEAM / "members.csv").column_names
    convert = pacsv.ConvertOptions(column_types={n: pa.string() for n in names})
    return pacsv.read_csv(TEAM / "members.csv", convert_options=convert)


def team(table: pa.Table, name: str) -> pa.Table:
    return table.filter(pc.equal(table["team"], name))


def test_the_scorer_pickles_as_spark_ships_it():
    score = pickle.loads(pickle.dumps(kpi.partition_scorer(SOURCE, scale=2)))
    assert callable(score)


def test_map_in_arrow_one_team_per_partition_matches_the_team_figures_to_the_cent():
    members = members_as_spark_reads_them()
    score = kpi.partition_scorer(SOURCE, name="team_monthly.kpi", scale=2)
    expected = read_expected(TEAM / "expected.csv")
    schemas = set()
    leaders = {}
    for name in sorted(set(members["team"].to_pylist())):
        # A partition arrives as several small batches.
        batches = team(members, name).to_batches(max_chunksize=4)
        assert len(batches) > 1
        out = list(score(iter(batches)))
        assert all(isinstance(b, pa.RecordBatch) for b in out)
        schemas.update(b.schema for b in out)
        for row in pa.Table.from_batches(out).to_pylist():
            if row["agent_id"].startswith("L"):
                leaders[row["agent_id"]] = row
    # Every partition has the one schema declared to Spark.
    assert len(schemas) == 1
    (schema,) = schemas
    assert schema.field("payout").type == pa.decimal128(38, 2)
    assert schema.field("rank").type == pa.decimal128(38, 2)
    assert sorted(leaders) == sorted(expected)
    for key, want in expected.items():
        got = leaders[key]
        for column in ("team_answer_rate", "team_pass_rate", "score", "grade", "payout"):
            assert got[column] == want[column], (key, column)
        # A rank over all leaders sees one leader per partition: the recipe says so.
        assert got["rank"] == Decimal("1")


def test_apply_in_arrow_scores_a_group_table_into_a_table():
    members = members_as_spark_reads_them()
    score = kpi.partition_scorer(SOURCE, scale=2)
    out = score(team(members, "班组06"))
    assert isinstance(out, pa.Table)
    l06 = next(r for r in out.to_pylist() if r["agent_id"] == "L06")
    assert (l06["score"], l06["payout"]) == (Decimal("77.33"), Decimal("2400.04"))


def test_the_whole_population_in_one_partition_ranks_every_leader():
    members = members_as_spark_reads_them()
    score = kpi.partition_scorer(SOURCE, scale=2)
    out = pa.Table.from_batches(list(score(iter(members.to_batches(max_chunksize=10)))))
    expected = read_expected(TEAM / "expected.csv")
    ranks = {r["agent_id"]: r["rank"] for r in out.to_pylist() if r["agent_id"] in expected}
    assert ranks == {k: v["rank"] for k, v in expected.items()}


def test_an_empty_partition_gives_no_batch():
    score = kpi.partition_scorer(SOURCE, scale=2)
    assert list(score(iter([]))) == []
