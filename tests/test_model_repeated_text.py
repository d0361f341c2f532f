"""The model holds the texts that repeat down an arc table (each row's file, a relation's
type) as categories, whichever way a table gets in, without changing a value."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pandas as pd
import pytest

from orgpower.api import read_org
from orgpower.graph.neo4j_store import _plain_values, _stored_dtype
from orgpower.model import REPEATED_TEXT, OrgModel, as_categories

SAMPLE = Path(__file__).resolve().parents[1] / "sample_orgs" / "meridian_matrix"


def _relations(relation: list[str]) -> pd.DataFrame:
    n = len(relation)
    return pd.DataFrame({
        "source": pd.array([f"p{i}" for i in range(n)], dtype="str"),
        "target": pd.array([f"p{i + 1}" for i in range(n)], dtype="str"),
        "relation": pd.array(relation, dtype="str"),
        "weight": [1.0] * n,
        "source_file": pd.array(["relations.csv"] * n, dtype="str"),
        "source_row": list(range(2, n + 2)),
    })


def test_a_read_bundle_holds_each_arc_tables_repeated_texts_as_categories():
    model = read_org(SAMPLE)
    for table, columns in REPEATED_TEXT.items():
        for column in columns:
            assert isinstance(getattr(model, table)[column].dtype, pd.CategoricalDtype), (table, column)


def test_the_categories_hold_the_same_values_as_the_files_rows():
    model = read_org(SAMPLE)
    written = pd.read_csv(SAMPLE / "relations.csv", dtype=str, keep_default_na=False)
    kinds = sorted(set(written["relation"]) - {"dotted"})  # dotted rows become reporting lines
    assert sorted(model.relations["relation"].cat.categories) == kinds
    assert model.relations["relation"].astype(str).value_counts().to_dict() == \
        written.loc[written["relation"] != "dotted", "relation"].value_counts().to_dict()
    assert set(model.relations["source_file"].astype(str)) == {"relations.csv"}


def test_people_columns_stay_text():
    model = read_org(SAMPLE)
    assert not any(isinstance(dtype, pd.CategoricalDtype) for dtype in model.people.dtypes)


@pytest.mark.parametrize("way", ["constructor", "attribute", "replace"])
def test_every_way_a_table_gets_into_the_model_makes_the_same_categories(way):
    relations = _relations(["advice", "trust", "advice"])
    if way == "constructor":
        model = OrgModel(relations=relations)
    elif way == "attribute":
        model = OrgModel()
        model.relations = relations
    else:
        model = dataclasses.replace(OrgModel(), relations=relations)
    assert list(model.relations["relation"].cat.categories) == ["advice", "trust"]
    assert model.relations["relation"].astype(str).tolist() == ["advice", "trust", "advice"]
    assert model.relations["source_file"].cat.categories.tolist() == ["relations.csv"]


def test_the_frame_the_user_gave_is_left_as_it_was():
    relations = _relations(["advice", "trust"])
    OrgModel(relations=relations)
    assert str(relations["relation"].dtype) == "str" and str(relations["source_file"].dtype) == "str"


def test_the_categories_keep_the_text_dtype_of_the_column():
    for dtype in ("str", "string"):
        column = as_categories(pd.DataFrame({"relation": pd.array(["a", "b"], dtype=dtype)}), ("relation",))
        assert str(column["relation"].cat.categories.dtype) == dtype


def test_a_missing_value_stays_missing():
    frame = pd.DataFrame({"source_file": pd.array(["a.csv", None, "a.csv"], dtype="string")})
    column = as_categories(frame, ("source_file",))["source_file"]
    assert column.isna().tolist() == [False, True, False]
    assert _plain_values(column) == ["a.csv", None, "a.csv"]


def test_a_snapshot_stores_a_categorical_column_under_its_text_dtype():
    # older readers restore it as text; this model makes it categorical again
    column = as_categories(pd.DataFrame({"relation": pd.array(["a", "b"], dtype="str")}), ("relation",))["relation"]
    assert _stored_dtype(column) == "str"


def test_the_categorical_table_holds_far_fewer_bytes_than_the_text_one():
    relations = _relations(["collaboration"] * 20_000)
    compact = as_categories(relations, REPEATED_TEXT["relations"])
    saved = (relations[["relation", "source_file"]].memory_usage(deep=True).sum()
             - compact[["relation", "source_file"]].memory_usage(deep=True).sum())
    assert saved > 20_000 * 2 * len("relations.csv")  # each row's two copies of the texts


def test_rows_taken_out_of_a_table_take_their_categories_with_them():
    model = OrgModel(relations=_relations(["advice", "trust", "advice"]))
    model.relations = model.relations[model.relations["relation"] != "advice"]
    assert list(model.relations["relation"].cat.categories) == ["trust"]
    assert model.relations["relation"].value_counts().to_dict() == {"trust": 1}


def test_a_table_that_holds_every_category_is_kept_as_it_is():
    relations = as_categories(_relations(["advice", "trust"]), REPEATED_TEXT["relations"])
    assert as_categories(relations, REPEATED_TEXT["relations"]) is relations
