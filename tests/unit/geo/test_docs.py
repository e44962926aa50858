"""The data dictionary in docs/ is the one generated from geo/schema.py."""

from __future__ import annotations

from tests.support.paths import ROOT
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


def test_import_vocabulary_is_current():
    from township_atlas.data.importing.vocabulary_doc import markdown as vocabulary

    written = (ROOT / "docs" / "import-vocabulary.md").read_text(encoding="utf-8")
    assert written == vocabulary(), (
        "docs/import-vocabulary.md is stale: "
        "python -m township_atlas.data.importing.vocabulary_doc > docs/import-vocabulary.md"
    )


def test_import_vocabulary_lists_every_kind_and_the_national_wordings():
    from township_atlas.data.importing.vocabulary_doc import KINDS, markdown

    text = markdown()
    for kind in KINDS:
        assert f"## `{kind}`" in text
    for word in ("特困供养贫困户", "脱贫不享受政策", "失学辍学", "综合性文化服务中心", "路面类型"):
        assert word in text, word
