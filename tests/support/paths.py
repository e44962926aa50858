"""Where the project's files are, for tests and benchmarks."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
#: The dashboard's entry script, for AppTest.
APP = str(ROOT / "dashboard" / "app.py")
#: Files that imitate what offices bring (exports, surveyed boundaries, hostile files).
CORPUS = ROOT / "tests" / "import_corpus"
#: Readable expected results (CSV).
EXPECTED = ROOT / "tests" / "expected"
