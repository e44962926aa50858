"""The data dictionary in docs/ is the one generated from geo/schema.py."""

from __future__ import annotations

from tests.conftest import ROOT
from township_atlas.geo.schema import LAYERS
from township_atlas.geo.schema_doc import markdown


def test_docs_schema_is_up_to_date():
    written = (ROOT / "docs" / "schema.md").read_text(encoding="utf-8")
    assert written == markdown(), (
        "docs/schema.md is stale: python -m township_atlas.geo.schema_doc > docs/schema.md"
    )


def test_every_layer_and_column_is_documented():
    text = markdown()
    for layer in LAYERS.values():
        assert f"## `{layer.name}`" in text
        for column in layer.columns:
            assert f"| `{column.name}` | {column.zh} |" in text
