"""The printable brief as PDF bytes: :func:`~.content.brief_content` set by :func:`~.pdf.render`."""

from __future__ import annotations

from ..geo.workspace import Workspace
from .content import brief_content
from .pdf import render


def build_brief(
    ws: Workspace,
    year: int | None = None,
    *,
    village: str | None = None,
    paper: str = "A4",
    pack: bool = False,
) -> bytes:
    """The printable brief of workspace ``ws`` as PDF bytes.

    The township page, one village's page (``village``: a code or name) or the township page
    and one per village (``pack``), at the end of ``year`` (default: the latest), on landscape
    ``paper`` A4 or A3.
    """
    return render(brief_content(ws, year, village=village, pack=pack), paper=paper)
