"""Reading what an import said, for the tests of the table kinds: files written inline, each
rejected row's reason by its row number in the file, the notes as one line."""

from __future__ import annotations

from pathlib import Path


def write_csv(folder: Path, name: str, text: str) -> Path:
    """``text`` as the UTF-8 CSV ``folder / name``."""
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def reasons(out) -> dict[int, tuple[str, str]]:
    """Each rejected row's (Chinese, English) reason by its row number in the file."""
    rej = out.rejected
    return {
        int(r): (zh, en)
        for r, zh, en in zip(rej["source_row"], rej["reason_zh"], rej["reason_en"], strict=True)
    }


def notes(out) -> str:
    """The import's notes in Chinese, as one line."""
    return " ".join(zh for zh, _ in out.notes)
