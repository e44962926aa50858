"""Interface strings of the settings part of the dashboard: zh-CN and English.

Merged into :mod:`township_atlas.dashboard.i18n`, which is how pages read them (``i18n.t``).
"""

from __future__ import annotations

STRINGS: dict[str, tuple[str, str]] = {}
