"""Find a CJK font on this machine, so printed briefs show Chinese on any computer.

The PDF embeds a subset of the font found here (:mod:`township_atlas.report.pdf`), so the
reader of the PDF needs no font of their own. Searched, in this order:

1. ``TOWNSHIP_ATLAS_CJK_FONT``: a ``.ttf``, ``.otf``, ``.ttc`` or ``.otc`` file chosen by the user;
2. fontconfig (``fc-list :lang=zh``), where it is installed (Linux, most BSDs);
3. the usual font folders of Linux, macOS and Windows, for the files of well-known CJK families.

Families are preferred in the order of :data:`PREFERRED_FAMILIES` (simplified Chinese sans serif
first); in a font collection the simplified Chinese face is chosen. Collections with CFF
outlines (Debian's ``fonts-noto-cjk``) are fine: the PDF writer embeds them as CFF.
"""

from __future__ import annotations

import functools
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

#: Environment variable naming a font file to use instead of searching.
FONT_ENV = "TOWNSHIP_ATLAS_CJK_FONT"
#: Font file types the PDF writer can embed.
FONT_SUFFIXES = (".ttf", ".otf", ".ttc", ".otc")
#: Characters a usable font must have (every brief has them).
REQUIRED_CHARS = "乡镇村户人贫脱"

#: Family names, most wanted first (matched case-insensitively, ignoring spaces).
PREFERRED_FAMILIES = (
    "Noto Sans CJK SC",
    "Noto Sans SC",
    "Source Han Sans SC",
    "Source Han Sans CN",
    "Microsoft YaHei",
    "PingFang SC",
    "WenQuanYi Zen Hei",
    "WenQuanYi Micro Hei",
    "SimHei",
    "Noto Serif CJK SC",
    "Noto Serif SC",
    "Source Han Serif SC",
    "Source Han Serif CN",
    "Hiragino Sans GB",
    "Heiti SC",
    "STHeiti",
    "Noto Sans CJK TC",
    "Noto Sans CJK HK",
    "Noto Sans CJK JP",
    "Noto Sans CJK KR",
    "Source Han Sans",
    "SimSun",
)
#: File names (lower case, without suffix) of those families, for the folder search.
KNOWN_FILE_STEMS = (
    "notosanscjk",
    "notosanssc",
    "notoserifcjk",
    "notoserifsc",
    "sourcehansans",
    "sourcehanserif",
    "msyh",
    "pingfang",
    "wqy-zenhei",
    "wqy-microhei",
    "simhei",
    "hiragino sans gb",
    "stheiti",
    "simsun",
)


def _default_dirs() -> list[Path]:
    home = Path.home()
    dirs = [
        Path("/usr/share/fonts"),
        Path("/usr/local/share/fonts"),
        home / ".local/share/fonts",
        home / ".fonts",
    ]
    if sys.platform == "darwin":
        dirs += [Path("/System/Library/Fonts"), Path("/Library/Fonts"), home / "Library/Fonts"]
    if os.name == "nt":
        dirs.append(Path(os.environ.get("WINDIR", r"C:\Windows")) / "Fonts")
        local = os.environ.get("LOCALAPPDATA")
        if local:
            dirs.append(Path(local) / "Microsoft/Windows/Fonts")
    return dirs


#: Folders searched when fontconfig finds nothing (tests may replace this list).
SEARCH_DIRS: list[Path] = _default_dirs()

NOT_FOUND = (
    "No CJK font found: install fonts-noto-cjk (Debian/Ubuntu: apt-get install fonts-noto-cjk) "
    "or Noto Sans CJK SC / Source Han Sans SC, or set "
    f"{FONT_ENV} to a .ttf/.otf/.ttc file with Chinese characters"
)


class FontNotFoundError(FileNotFoundError):
    """No usable CJK font on this machine; the message says what to install."""


@dataclass(frozen=True)
class FontFace:
    """One face of a font file: ``index`` is its number in a collection (.ttc/.otc), else 0."""

    path: Path
    index: int
    family: str
    bold: bool = False


@dataclass(frozen=True)
class CJKFont:
    """The faces a brief uses: regular, and bold when the family has one."""

    regular: FontFace
    bold: FontFace | None = None

    @property
    def family(self) -> str:
        return self.regular.family


def _key(family: str) -> str:
    return re.sub(r"\s+", "", family).lower()


_RANK = {_key(f): i for i, f in enumerate(PREFERRED_FAMILIES)}


def _rank(face: FontFace) -> tuple[int, int, str]:
    """Sort key: preferred family first, then any other family; a monospace face last."""
    key = _key(face.family)
    mono = "mono" in key
    return (_RANK.get(key, len(_RANK)), int(mono), str(face.path))


# ----------------------------------------------------------------------------- sources
def _fontconfig_faces() -> list[FontFace]:
    """Faces fontconfig lists for Chinese (``fc-list :lang=zh``); none without fontconfig."""
    fc = shutil.which("fc-list")
    if fc is None:
        return []
    try:
        out = subprocess.run(
            [fc, "-f", "%{file}|%{index}|%{family}|%{style}\n", ":lang=zh"],
            capture_output=True,
            text=True,
            timeout=20,
            check=False,
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return []
    faces = []
    for line in out.splitlines():
        parts = line.split("|")
        if len(parts) != 4 or not parts[0].lower().endswith(FONT_SUFFIXES):
            continue
        file, index, families, styles = parts
        style = styles.split(",")[0].strip().lower()
        if style not in ("regular", "bold", "normal", "medium", "book"):
            continue
        for family in families.split(","):  # "文泉驿正黑,WenQuanYi Zen Hei": try each name
            faces.append(
                FontFace(
                    Path(file),
                    int(index) if index.isdigit() else 0,
                    family.strip(),
                    bold=style == "bold",
                )
            )
    return faces


def _file_faces(path: Path) -> list[FontFace]:
    """The faces of one font file, read from its name tables (unreadable files: none)."""
    from fontTools.ttLib import TTCollection, TTFont, TTLibError

    try:
        if path.suffix.lower() in (".ttc", ".otc"):
            with TTCollection(str(path), lazy=True) as coll:
                fonts = list(coll.fonts)
                return [_face(path, i, f) for i, f in enumerate(fonts)]
        with TTFont(str(path), lazy=True) as font:
            return [_face(path, 0, font)]
    except (OSError, TTLibError, KeyError, AssertionError, ValueError):
        return []


def _face(path: Path, index: int, font) -> FontFace:
    name = font["name"]
    family = name.getDebugName(16) or name.getDebugName(1) or path.stem
    style = (name.getDebugName(17) or name.getDebugName(2) or "").lower()
    return FontFace(path, index, family, bold=style == "bold")


def _folder_faces(dirs: Iterable[Path]) -> list[FontFace]:
    """Faces of files whose names belong to well-known CJK families, under ``dirs``."""
    faces = []
    for folder in dirs:
        if not folder.is_dir():
            continue
        for root, _, files in os.walk(folder):
            for file in files:
                lower = file.lower()
                if lower.endswith(FONT_SUFFIXES) and lower.startswith(KNOWN_FILE_STEMS):
                    faces += _file_faces(Path(root) / file)
    return faces


def _has_chinese(face: FontFace) -> bool:
    from fontTools.ttLib import TTFont, TTLibError

    try:
        with TTFont(str(face.path), fontNumber=face.index, lazy=True) as font:
            cmap = font.getBestCmap() or {}
    except (OSError, TTLibError, KeyError, AssertionError, ValueError):
        return False
    return all(ord(ch) in cmap for ch in REQUIRED_CHARS)


# ----------------------------------------------------------------------------- choosing
def _choose(faces: Sequence[FontFace], checked: bool) -> CJKFont | None:
    """The best regular face and the bold face of the same family (``checked``: the faces
    are known to hold Chinese; otherwise each candidate's character map is read)."""
    regular = sorted((f for f in faces if not f.bold), key=_rank)
    for face in regular:
        if not face.path.is_file() or not (checked or _has_chinese(face)):
            continue
        bold = sorted(
            (f for f in faces if f.bold and _key(f.family) == _key(face.family)), key=_rank
        )
        return CJKFont(face, bold[0] if bold and bold[0].path.is_file() else None)
    return None


def find_cjk_font(dirs: Iterable[Path] | None = None, *, use_fontconfig: bool = True) -> CJKFont:
    """The CJK font to embed in briefs (see the module's docstring for where it looks).

    Raises :class:`FontNotFoundError` (a ``FileNotFoundError``) naming what to install when
    there is none.
    """
    chosen = os.environ.get(FONT_ENV, "").strip()
    if chosen:
        path = Path(chosen).expanduser()
        if not path.is_file() or path.suffix.lower() not in FONT_SUFFIXES:
            raise FontNotFoundError(f"{FONT_ENV}={chosen}: no .ttf/.otf/.ttc/.otc file there")
        faces = _file_faces(path)
        if not faces:
            raise FontNotFoundError(f"{FONT_ENV}={chosen}: not a font file that can be read")
        found = _choose(faces, checked=False)
        if found is None:
            raise FontNotFoundError(f"{FONT_ENV}={chosen}: the font has no Chinese characters")
        return found
    if use_fontconfig:
        found = _choose(_fontconfig_faces(), checked=True)
        if found is not None:
            return found
    found = _choose(_folder_faces(SEARCH_DIRS if dirs is None else dirs), checked=False)
    if found is None:
        raise FontNotFoundError(NOT_FOUND)
    return found


@functools.lru_cache(maxsize=1)
def cjk_font() -> CJKFont:
    """:func:`find_cjk_font`, searched once per process."""
    return find_cjk_font()
