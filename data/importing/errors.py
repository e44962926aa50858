"""What every reader raises for a file it cannot import at all, and how readers say things."""

from __future__ import annotations

#: A sentence in Chinese and English: (zh, en).
Note = tuple[str, str]


class ImportFailed(ValueError):
    """A file that cannot be imported at all; ``zh`` and ``en`` say why and what to do."""

    def __init__(self, zh: str, en: str):
        self.zh = zh
        self.en = en
        super().__init__(f"{en} / {zh}")
