"""What the 会议模式 page shows: big headline figures, the village card, the presentation view's
style sheet and keys, and the names of its downloads.

No widgets and no folium here. Every text from data is HTML-escaped before it is put in HTML.
"""

from __future__ import annotations

import html
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

import geopandas as gpd
import pandas as pd

from ..analysis import key_figures, poverty
from ..analysis.key_figures import Figure
from ..geo import history
from ..geo.rules import Rules
from ..geo.schema import WGS84
from ..geo.workspace import Workspace
from . import i18n, progress_view, view
from .meeting_stations import StationFigure, station_part, stations_html
from .view import MapSpec

#: Keyed containers of the page; the presentation view's style sheet places them by these keys.
FIGURES, STAGE, SIDE, BAR, HEAD = (
    "meeting_figures",
    "meeting_stage",
    "meeting_side",
    "meeting_bar",
    "meeting_head",
)

#: Figures whose rise is bad news: their change is drawn red when it goes up.
LOWER_IS_BETTER = frozenset({"poor_people", "incidence", "monitored_households"})

#: The county e-commerce plans' target for villages with a station of their own (BRIEF §5);
#: a county's own is its rules' ``[stations] village_share``.
STATION_TARGET = key_figures.STATION_VILLAGE_TARGET


def esc(value: object) -> str:
    """``value`` as HTML text (quotes too): data never reaches the page as markup."""
    return html.escape("" if value is None else str(value), quote=True)


def presenting(query: Mapping[str, object]) -> bool:
    """Whether the page's address asks for the presentation view (``?present=1``)."""
    return str(query.get("present", "")).strip().lower() in ("1", "true", "yes")


def figure_text(f: Figure, lang: str) -> tuple[str, str, str | None]:
    """Label, value and change of a headline figure as people read them (人, 户, %)."""
    label = i18n.t(f"meeting_{f.key}", lang)
    if f.kind == "people":
        value = i18n.count(int(f.value), "people", lang)
        change = None if not f.change else f"{int(f.change):+,}"
    elif f.kind == "households":
        value = i18n.count(int(f.value), "households", lang)
        change = None if not f.change else f"{int(f.change):+,}"
    elif f.kind == "share":
        value = f"{f.value:.1%}" if f.value >= 0.01 else f"{f.value:.2%}"
        points = None if f.change is None else f.change * 100
        change = (
            None if not points or abs(points) < 0.005 else f"{points:+.2f}" + i18n.t("points", lang)
        )
    else:  # ratio: value of total
        value = f"{int(f.value)} / {f.total}"
        change = None if not f.change else f"{int(f.change):+d}"
    return label, value, change


def register_text(ws: Workspace, year: int, code: str | None, lang: str) -> str:
    """The register at the end of ``year`` in one sentence (the township's, or village
    ``code``'s): 建档立卡 N户 M人, of which exited, remaining, fallen back, monitored. What a
    meeting hears first."""
    households = history.state_at(ws, f"{year}-12-31").households
    if code is not None:
        households = households[households["village_code"].astype(str) == code]
    return poverty.register_sentence(poverty.register_figures(households, year), lang)


# ---------------------------------------------------------------- the figure tiles


def _change_html(f: Figure, change: str | None) -> str:
    """The change since last year, small, coloured by whether it is good news."""
    if not change:
        return '<div class="ta-fig-change">&nbsp;</div>'
    up = (f.change or 0) > 0
    good = up != (f.key in LOWER_IS_BETTER)
    arrow = "▲" if up else "▼"
    tone = "ta-good" if good else "ta-bad"
    return f'<div class="ta-fig-change {tone}">{arrow} {esc(change)}</div>'


def _tile(f: Figure, lang: str) -> str:
    label, value, change = figure_text(f, lang)
    return (
        f'<div class="ta-fig" data-key="{esc(f.key)}">'
        f'<div class="ta-fig-label">{esc(label)}</div>'
        f'<div class="ta-fig-value">{esc(value)}</div>{_change_html(f, change)}</div>'
    )


def _ecommerce_tile(reach: Figure, own: Figure, lang: str, target: float) -> str:
    """Both e-commerce figures in one tile, each with its definition: villages within reach of
    a station, and villages with a station of their own (the county plans', with its target)."""
    reach_def = i18n.t(
        "meeting_ecommerce_reach_def",
        lang,
        v=f"{key_figures.VILLAGE_RADIUS_M / 1000:g}",
        t=f"{key_figures.TOWNSHIP_RADIUS_M / 1000:g}",
    )
    own_def = i18n.t("meeting_ecommerce_station_def", lang, target=f"{target * 100:g}")
    rows = []
    for f, definition in ((reach, reach_def), (own, own_def)):
        _, value, change = figure_text(f, lang)
        tone = ""
        if f is own and f.total:
            tone = " ta-good" if f.value / f.total >= target else " ta-bad"
        small = f' <span class="ta-fig-delta">{esc(change)}</span>' if change else ""
        rows.append(
            f'<div class="ta-fig-row"><span class="ta-fig-sub{tone}">{esc(value)}</span>{small}'
            f'<span class="ta-fig-def">{esc(definition)}</span></div>'
        )
    label = i18n.t("meeting_ecommerce_both", lang)
    return (
        f'<div class="ta-fig ta-fig--two" data-key="ecommerce">'
        f'<div class="ta-fig-label">{esc(label)}</div>{"".join(rows)}</div>'
    )


def tiles_html(figures: Sequence[Figure], lang: str, target: float = STATION_TARGET) -> str:
    """The six headline figures as tiles: label over value, the change small beneath. When
    both e-commerce figures are there they share one tile, so there are six either way;
    ``target``: the share of villages with a station of their own the plan asks (the rules'
    ``[stations] village_share``)."""
    by_key = {f.key: f for f in figures}
    own = by_key.get("ecommerce_station_villages")
    tiles = []
    for f in figures:
        if f.key == "ecommerce_station_villages":
            continue
        if f.key == "ecommerce_villages" and own is not None:
            tiles.append(_ecommerce_tile(f, own, lang, target))
        else:
            tiles.append(_tile(f, lang))
    return f'<div class="ta-figs-wrap"><div class="ta-figs">{"".join(tiles)}</div></div>'


# ---------------------------------------------------------------- the village card


@dataclass(frozen=True)
class Card:
    """What the card beside the map says: the township's or one village's."""

    heading: str  # 古陂镇 · 2025
    name: str  # 全镇, or the village's name
    status: str  # the village's exit status ("" for the township)
    register: str  # the register in one sentence
    figures: tuple[tuple[str, str], ...] = ()  # (label, value)
    notes: tuple[tuple[str, str], ...] = ()  # (heading, text)
    #: 帮扶项目与资金 (截至 year 年末): "" when the workspace has no projects (nothing said)
    money_heading: str = ""
    money: tuple[tuple[str, str], ...] = ()  # (label, value)
    money_note: str = ""  # 暂无项目: the place had no project by then
    #: 电商网点运营 (year): "" when no station had reported by then (nothing said)
    stations_heading: str = ""
    stations: tuple[StationFigure, ...] = ()


def money_part(ws: Workspace, year: int, lang: str, code: str | None = None) -> dict:
    """The card's 帮扶资金 (``money_heading``, ``money``) of village ``code`` or of all of
    ``ws``: projects, money spent, households reached, 元 per household lifted, up to the
    end of ``year``. Empty when the workspace has no projects: no zeros said as if real."""
    money = view.place_money(ws, year, code)
    if money is None:
        return {}
    figures = view.money_figures(money, lang)
    return {
        "money_heading": i18n.t("money_heading", lang, year=year),
        "money": figures,
        "money_note": "" if figures else i18n.t("money_none", lang),
    }


def township_card(
    ws: Workspace,
    year: int,
    lang: str,
    place: str = "",
    rules: Rules | None = None,
    reach: Figure | None = None,
) -> Card:
    """The card of the whole township: its register, its money and stations, and how to step
    through the villages. ``place``: the name of the place shown (default: the township's);
    ``rules``: the targets of the stations (default: the workspace's); ``reach``: the
    headline figure of villages within reach of a station."""
    return Card(
        heading=f"{place or view.township_name(ws)} · {year}",
        name=i18n.t("meeting_township", lang),
        status="",
        register=register_text(ws, year, None, lang),
        notes=(("", i18n.t("meeting_hint", lang)),),
        **money_part(ws, year, lang),
        **station_part(ws, year, lang, rules, reach),
    )


def county_card(
    ws: Workspace,
    year: int,
    lang: str,
    place: str,
    rules: Rules | None = None,
    reach: Figure | None = None,
) -> Card:
    """The card of a whole county: its register, money and stations, and how to step through
    the townships (``rules`` and ``reach`` as :func:`township_card`'s)."""
    return Card(
        heading=f"{place} · {year}",
        name=i18n.t("meeting_county", lang),
        status="",
        register=register_text(ws, year, None, lang),
        notes=(("", i18n.t("meeting_hint_county", lang)),),
        **money_part(ws, year, lang),
        **station_part(ws, year, lang, rules, reach),
    )


def town_card(
    town: Workspace, year: int, lang: str, place: str, rules: Rules | None = None
) -> Card:
    """One township of a county on the projector (``town``: the workspace narrowed to it):
    its register, people still poor, incidence, poor villages exited, its money and its
    stations (without the villages within reach: the headline figures are the county's)."""
    totals = poverty.township_totals(town.villages, town.households, year)
    exited = f"{totals['poor_villages_exited']} / {totals['poor_villages']}"
    return Card(
        heading=f"{place} · {year}",
        name=view.township_name(town),
        status="",
        register=register_text(town, year, None, lang),
        figures=(
            (i18n.t("remaining", lang), i18n.count(totals["poor_people"], "people", lang)),
            (i18n.t("incidence", lang), f"{totals['incidence'] * 100:.2f}%"),
            (i18n.t("population", lang), i18n.count(totals["population"], "people", lang)),
            (i18n.t("meeting_poor_villages_exited", lang), exited),
        ),
        **money_part(town, year, lang),
        **station_part(town, year, lang, rules),
    )


def village_card(ws: Workspace, status: pd.Series, year: int, lang: str, place: str = "") -> Card:
    """One village on the projector: its figures, exit status and gap, and what it lacks.

    ``status`` is the village's row of :func:`analysis.exit_rules.village_status`;
    ``place``: the name of the place shown (default: the township's).
    """
    code = str(status["code"])
    detail = view.village_detail(ws, code, year, lang)
    shown = progress_view.map_status(status.to_frame().T).iloc[0]
    registered = (
        i18n.count(int(detail.figures["registered_people"]), "people", lang) if detail else "—"
    )
    gap = status["gap_to_exit_zh" if lang == "zh" else "gap_to_exit_en"]
    return Card(
        heading=f"{place or view.township_name(ws)} · {year}",
        name=str(status["name"]),
        status=progress_view.status_label(shown, lang, status["exit_year"]),
        register=register_text(ws, year, code, lang),
        figures=(
            (i18n.t("remaining", lang), i18n.count(int(status["poor_people"]), "people", lang)),
            (i18n.t("incidence", lang), f"{float(status['incidence']) * 100:.2f}%"),
            (i18n.t("population", lang), i18n.count(int(status["population"]), "people", lang)),
            (i18n.t("registered", lang), registered),
        ),
        notes=(
            (
                progress_view.gap_heading(status["status"], lang),
                gap or i18n.t("meets_rules", lang),
            ),
            (i18n.t("gaps", lang), detail.gaps if detail else i18n.t("no_data", lang)),
        ),
        **money_part(ws, year, lang, code),
    )


#: A number and the unit after it (``210,623人``, ``2.5 km``): one piece on a line.
_NUMBER_UNIT = re.compile(r"(\d[\d,.]*)(\s?)(户|人|个|%|km|亩|万元|元)")


def _unbroken(html: str) -> str:
    """``html`` with each number kept on its unit's line: a narrow card broke ``210,623`` /
    ``人`` over two lines (a word joiner, U+2060, between them, and within 万元)."""
    # and the unit whole: a line may break between any two Chinese characters (万 / 元)
    return _NUMBER_UNIT.sub(
        lambda m: m[1] + "\u2060" + (m[2] and "\u00a0") + "\u2060".join(m[3]), html
    )


def _money_html(card: Card) -> str:
    """The card's 帮扶资金 figures as a grid like its others, or its note (暂无项目)."""
    if not card.money:
        return f'<div class="ta-card-note ta-card-money">{esc(card.money_note)}</div>'
    cells = "".join(
        f'<div class="ta-card-fig"><div class="ta-card-fig-label">{esc(label)}</div>'
        f'<div class="ta-card-fig-value">{_unbroken(esc(value))}</div></div>'
        for label, value in card.money
    )
    return f'<div class="ta-card-figs ta-card-money">{cells}</div>'


def card_html(card: Card) -> str:
    """The card as HTML (every text escaped)."""
    parts = [
        f'<div class="ta-card"><div class="ta-card-heading">{esc(card.heading)}</div>',
        # a heading: what a screen reader (and a test) finds as the card's title
        f'<h3 class="ta-card-name">{esc(card.name)}</h3>',
    ]
    if card.status:
        parts.append(f'<div class="ta-card-status">{esc(card.status)}</div>')
    parts.append(f'<div class="ta-card-register">{_unbroken(esc(card.register))}</div>')
    if card.figures:
        cells = "".join(
            f'<div class="ta-card-fig"><div class="ta-card-fig-label">{esc(label)}</div>'
            f'<div class="ta-card-fig-value">{esc(value)}</div></div>'
            for label, value in card.figures
        )
        parts.append(f'<div class="ta-card-figs">{cells}</div>')
    if card.money_heading:
        heading = esc(card.money_heading)
        parts.append(f'<div class="ta-card-note-heading ta-card-money-heading">{heading}</div>')
        parts.append(_money_html(card))
    if card.stations_heading:
        parts.append(stations_html(card.stations_heading, card.stations, _unbroken))
    for heading, text in card.notes:
        if heading:
            parts.append(f'<div class="ta-card-note-heading">{esc(heading)}</div>')
        # a note without a heading is how to step through the places (ta-card-hint)
        kind = "ta-card-note" if heading else "ta-card-note ta-card-hint"
        parts.append(f'<div class="{kind}">{esc(text)}</div>')
    parts.append("</div>")
    return "".join(parts)


# ---------------------------------------------------------------- the map


#: Village names on the projector (the ordinary map uses 13 px).
PROJECTOR_LABEL_SIZE = 20


def meeting_spec(spec: MapSpec, dark: bool = False) -> MapSpec:
    """The map of the meeting: the chosen map with large village names, dark when asked.

    The same for every village shown, so stepping moves the view instead of redrawing the map.
    """
    return replace(spec, label_size=PROJECTOR_LABEL_SIZE, dark=dark)


def village_shape(ws: Workspace, code: str | None) -> gpd.GeoDataFrame | None:
    """The boundary of village ``code`` in WGS84 (what the map fits to), or ``None``."""
    if code is None:
        return None
    villages = ws.villages
    shape = villages[villages["code"].astype(str) == code]
    if shape.empty:
        return None
    frame = gpd.GeoDataFrame(geometry=shape.geometry.to_numpy(), crs=shape.crs)
    return frame.to_crs(WGS84) if frame.crs is not None else frame.set_crs(WGS84)


def focus(spec: MapSpec, ws: Workspace, code: str | None) -> MapSpec:
    """The map zoomed to one village for a file (the HTML export): its boundary becomes the
    outline the map fits and draws in bold. The page itself keeps one map and moves its view
    (:func:`village_shape`)."""
    spec = replace(spec, label_size=PROJECTOR_LABEL_SIZE)
    if code is None:
        return spec
    villages = ws.villages
    shape = villages[villages["code"].astype(str) == code]
    if shape.empty:
        return spec
    outline = gpd.GeoDataFrame(geometry=shape.geometry.to_numpy(), crs=shape.crs)
    name = str(shape["name"].iloc[0])
    return replace(spec, outline=outline, title=f"{spec.title} · {name}")


# ---------------------------------------------------------------- downloads

_UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f]+')
#: What each kind of download is called in its file name (the map's for png and html).
_FILE_WHAT = {"pdf": "meeting_file_brief", "xlsx": "meeting_file_funds"}


def file_name(township: str, year: int, village: str | None, kind: str, lang: str) -> str:
    """A download's file name, each part once: ``古陂镇-2025-简报.pdf``,
    ``古陂镇-枫树村-2025-简报.pdf``, ``古陂镇-2025-一张图.png``, ``古陂镇-2025-资金公示.xlsx``.
    ``kind``: pdf, png, html or xlsx."""
    what = i18n.t(_FILE_WHAT.get(kind, "meeting_file_map"), lang)
    town = _UNSAFE.sub("_", township or "").strip(" ._")
    place = _UNSAFE.sub("_", village or "").strip(" ._")
    parts = [town, place if place != town else "", str(year), what]
    return "-".join(p for p in parts if p) + f".{kind}"


# ---------------------------------------------------------------- style sheets

#: The tiles and the card, in both views. Sizes follow one unit, ``--u``: a hundredth of the
#: tiles' row width (capped), so six tiles fit at any width without cutting a number.
BASE_CSS = """
:root { --ta-fg:#1f2328; --ta-muted:#57606a; --ta-panel:#f4f6f8; --ta-line:#d0d7de;
        --ta-good:#1a7f37; --ta-bad:#c62828; --ta-accent:#b30000; }
.ta-figs-wrap { container-type:inline-size; }
.ta-figs { --u:min(1cqi, 14px); display:flex; gap:calc(.5 * var(--u)); align-items:stretch;
           height:100%; }
.ta-fig { flex:1 1 0; min-width:0; background:var(--ta-panel); color:var(--ta-fg);
          border-radius:6px; border-top:3px solid var(--ta-accent);
          padding:calc(.4 * var(--u)) calc(.7 * var(--u)); box-sizing:border-box;
          display:flex; flex-direction:column; justify-content:center; }
.ta-fig--two { flex-grow:1.5; }
.ta-fig-label { font-size:clamp(11px, calc(1.3 * var(--u)), 30px); line-height:1.3;
                color:var(--ta-muted); white-space:nowrap; }
.ta-fig-value { font-size:clamp(20px, calc(3.2 * var(--u)), 76px); line-height:1.32;
                font-weight:700; white-space:nowrap; font-variant-numeric:tabular-nums; }
.ta-fig-change { font-size:clamp(10px, calc(1.05 * var(--u)), 24px); line-height:1.35;
                 white-space:nowrap; color:var(--ta-muted); }
.ta-fig-row { white-space:nowrap; line-height:1.3; }
.ta-fig-sub { font-size:clamp(16px, calc(1.9 * var(--u)), 46px); font-weight:700;
              font-variant-numeric:tabular-nums; }
.ta-fig-delta { font-size:clamp(10px, calc(.95 * var(--u)), 22px); color:var(--ta-muted); }
.ta-fig-def { font-size:clamp(10px, calc(.95 * var(--u)), 22px); color:var(--ta-muted);
              margin-left:calc(.4 * var(--u)); }
.ta-good { color:var(--ta-good) !important; }
.ta-bad { color:var(--ta-bad) !important; }
.ta-card { color:var(--ta-fg); line-height:1.4; }
.ta-card-heading { color:var(--ta-muted); font-size:.95rem; }
.ta-card-name { font-size:1.9rem; font-weight:700; line-height:1.2; margin:0; padding:0;
                color:var(--ta-fg); }
.ta-card-status { font-weight:700; color:var(--ta-accent); margin:2px 0 4px; }
.ta-card-register { font-size:.9rem; color:var(--ta-muted); margin-bottom:6px; }
.ta-card-figs { display:grid; grid-template-columns:1fr 1fr; gap:4px 10px; margin:6px 0; }
.ta-card-fig-label { font-size:.85rem; color:var(--ta-muted); }
.ta-card-fig-value { font-size:1.45rem; font-weight:700; font-variant-numeric:tabular-nums; }
.ta-card-money .ta-card-fig-value { font-size:1.2rem; }
.ta-card-stations { display:grid; grid-template-columns:auto 1fr; gap:2px 10px; margin:4px 0 6px;
                    align-items:baseline; }
.ta-ops-label { font-size:.85rem; color:var(--ta-muted); }
.ta-ops-value { font-size:1.05rem; font-weight:700; text-align:right;
                font-variant-numeric:tabular-nums; }
.ta-ops-note { font-size:.75rem; font-weight:400; color:var(--ta-muted); margin-left:6px;
               display:inline-block; white-space:nowrap; }
.ta-card-note-heading { font-weight:700; margin-top:6px; }
.ta-card-note { font-size:.95rem; overflow-wrap:anywhere; }
"""

#: The presentation view: no sidebar, no Streamlit chrome, no padding; the figures across the
#: top, the map filling the rest of the screen, the card and the controls on its right.
#: ``--ta-strip`` (the demo notice's line) is set by :func:`page_css`.
PRESENT_CSS = """
:root { --ta-u:min(1vw, 1.78vh); --ta-figs:calc(9 * var(--ta-u));
        --ta-top:calc(var(--ta-strip) + var(--ta-figs));
        --ta-side:clamp(260px, 24vw, 480px); --ta-bar:96px; }
[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"],
[data-testid="stSidebarCollapseButton"], [data-testid="stHeader"], [data-testid="stToolbar"],
[data-testid="stDecoration"], [data-testid="stStatusWidget"], [data-testid="stBottom"],
footer, .st-key-meeting_head { display:none !important; }
[data-testid="stMain"] { overflow:hidden !important; }
[data-testid="stMainBlockContainer"], .block-container { padding:0 !important;
    max-width:none !important; }
.ta-demo-strip { position:fixed; top:0; left:0; right:0; height:var(--ta-strip); z-index:1000;
    box-sizing:border-box; padding:0 10px; font:600 13px/var(--ta-strip) sans-serif;
    white-space:nowrap; overflow:hidden; text-overflow:ellipsis;
    background:#fff3cd; color:#7a4b00; border-bottom:1px solid #e0c060; }
.st-key-meeting_figures { position:fixed; top:var(--ta-strip); left:0; right:0;
    height:var(--ta-figs); padding:calc(.35 * var(--ta-u)) calc(.5 * var(--ta-u));
    box-sizing:border-box; z-index:20; }
.st-key-meeting_figures > div, .st-key-meeting_figures [data-testid="stElementContainer"],
.st-key-meeting_figures [data-testid="stHtml"] { height:100%; }
.st-key-meeting_figures .ta-figs { --u:min(1cqi, 1.78vh); }
.st-key-meeting_stage { position:fixed; top:var(--ta-top); left:0; right:var(--ta-side);
    bottom:0; width:auto !important; z-index:5; gap:0 !important; }
.st-key-meeting_stage iframe { height:calc(100vh - var(--ta-top)) !important;
    width:100% !important; display:block; }
.st-key-meeting_side { position:fixed; top:var(--ta-top); right:0; width:var(--ta-side);
    bottom:var(--ta-bar); overflow-y:auto; padding:6px 12px 6px 14px; box-sizing:border-box;
    z-index:10; gap:.5rem !important; }
.st-key-meeting_side .ta-card { font-size:clamp(13px, calc(1.15 * var(--ta-u)), 26px); }
.st-key-meeting_side .ta-card-heading { font-size:clamp(12px, calc(1.05 * var(--ta-u)), 24px); }
.st-key-meeting_side .ta-card-name { font-size:clamp(22px, calc(2.6 * var(--ta-u)), 56px); }
.st-key-meeting_side .ta-card-status { font-size:clamp(14px, calc(1.3 * var(--ta-u)), 30px); }
.st-key-meeting_side .ta-card-register { font-size:clamp(12px, calc(1.05 * var(--ta-u)), 24px); }
.st-key-meeting_side .ta-card-fig-label { font-size:clamp(12px, calc(1 * var(--ta-u)), 22px); }
.st-key-meeting_side .ta-card-fig-value { font-size:clamp(18px, calc(1.9 * var(--ta-u)), 42px); }
.st-key-meeting_side .ta-card-money .ta-card-fig-value {
    font-size:clamp(15px, calc(1.5 * var(--ta-u)), 34px); }
.st-key-meeting_side .ta-card-stations { gap:0 8px; line-height:1.3; margin:2px 0 4px; }
.st-key-meeting_side .ta-ops-label { font-size:clamp(12px, calc(1 * var(--ta-u)), 22px); }
.st-key-meeting_side .ta-ops-value { font-size:clamp(13px, calc(1.15 * var(--ta-u)), 28px); }
.st-key-meeting_side .ta-ops-note { font-size:clamp(11px, calc(.85 * var(--ta-u)), 19px); }
/* the villages within reach are the figure strip's own, right above the map */
.st-key-meeting_side .ta-ops-reach { display:none; }
.st-key-meeting_side .ta-card-note { font-size:inherit; }
/* a card with the stations' figures is long: on the big screen it drops how to step through
   the places (the buttons below say it) rather than run off the screen */
.st-key-meeting_side .ta-card:has(.ta-card-stations) .ta-card-hint { display:none; }
.st-key-meeting_side button p { font-size:clamp(14px, calc(1.1 * var(--ta-u)), 26px); }
.st-key-meeting_prev button, .st-key-meeting_next button, .st-key-meeting_overview button {
    padding:.3rem .6rem !important; min-height:calc(2.8 * var(--ta-u)); gap:.25rem; }
.st-key-meeting_bar { position:fixed; right:0; bottom:0; width:var(--ta-side);
    height:var(--ta-bar); padding:4px 12px 6px 14px; box-sizing:border-box; z-index:10;
    gap:4px !important; border-top:1px solid var(--ta-line); }
"""

#: A dark page for a projector (the map is drawn dark too: ``MapSpec.dark``).
DARK_CSS = """
:root { --ta-fg:#eef1f4; --ta-muted:#aab4be; --ta-panel:#1c232b; --ta-line:#38424d;
        --ta-good:#56d37a; --ta-bad:#ff7b72; --ta-accent:#ff8f6b; }
.stApp, [data-testid="stAppViewContainer"], [data-testid="stMain"], [data-testid="stHeader"] {
    background:#0f1318 !important; color:var(--ta-fg); }
[data-testid="stMain"] p, [data-testid="stMain"] label, [data-testid="stMain"] summary,
[data-testid="stMain"] h1, [data-testid="stMain"] h2, [data-testid="stMain"] h3 {
    color:var(--ta-fg) !important; }
[data-testid="stMain"] [data-testid^="stBaseButton"],
[data-testid="stMain"] .stSelectbox [role="group"], [data-testid="stMain"] .stSelectbox input,
[data-testid="stMain"] details {
    background-color:#1c232b !important; color:var(--ta-fg) !important;
    border-color:var(--ta-line) !important; }
[data-testid="stMain"] [data-testid="stBaseButton-primary"] {
    background-color:#b3261e !important; }
[data-testid="stMain"] .stSelectbox svg { color:var(--ta-fg) !important; }
[role="listbox"], [role="listbox"] [role="option"] { background-color:#1c232b !important;
    color:var(--ta-fg) !important; }
.ta-demo-strip { background:#3b2f00 !important; color:#ffd66b !important;
    border-color:#6b5600 !important; }
"""


def page_css(present: bool, dark: bool, strip: bool) -> str:
    """The page's style sheet (fixed text, no data in it): the tiles and card always, the
    presentation view's layout when ``present``, dark colours when ``dark``. ``strip``: the
    demo notice takes a line at the top of the presentation view."""
    css = BASE_CSS
    if present:
        css += ":root { --ta-strip:%s; }\n" % ("24px" if strip else "0px") + PRESENT_CSS
    if dark:
        css += DARK_CSS
    return f"<style>{css}</style>"


def demo_strip_html(notice: str) -> str:
    """The demo notice folded into one line for the presentation view (escaped)."""
    return f'<div class="ta-demo-strip" role="note">⚗ {esc(notice)}</div>'


def fullscreen_button_html(label: str, help_text: str) -> str:
    """A button for the browser's real full screen: a click on it is the user gesture
    ``requestFullscreen`` needs (:data:`MEETING_KEYS_JS` listens for it)."""
    style = (
        "font:inherit;padding:.25rem .75rem;border-radius:.5rem;border:1px solid var(--ta-line);"
        "background:transparent;color:var(--ta-fg);cursor:pointer;white-space:nowrap"
    )
    # A screen drawn in CSS: no icon font or symbol that an office PC may lack (and st.html
    # keeps no SVG).
    icon = (
        '<span aria-hidden="true" style="display:inline-block;width:13px;height:9px;'
        'border:2px solid currentColor;border-radius:2px;margin-right:7px;vertical-align:-1px">'
        "</span>"
    )
    return (
        f'<button class="ta-fullscreen" type="button" title="{esc(help_text)}" '
        f'style="{style}">{icon}{esc(label)}</button>'
    )


#: Keys of a keyboard or a presentation clicker press the page's buttons: → / PageDown next,
#: ← / PageUp previous, Home the township, Esc leaves the presentation view. A click on
#: 「进入全屏演示」 also asks the browser for full screen (a click is the gesture it needs);
#: leaving that full screen (Esc) leaves the presentation too. Installed once per browser tab;
#: keys typed into a field are left alone.
MEETING_KEYS_JS = """<script>
(function () {
  const doc = document;
  if (doc.__atlasMeetingKeys) { return; }
  doc.__atlasMeetingKeys = true;
  const keys = {ArrowRight: "meeting_next", PageDown: "meeting_next",
                ArrowLeft: "meeting_prev", PageUp: "meeting_prev", Home: "meeting_overview",
                Escape: "meeting_exit"};
  function press(key) {
    const button = doc.querySelector(".st-key-" + key + " button");
    if (button) { button.click(); return true; }
    return false;
  }
  doc.addEventListener("keydown", function (e) {
    const t = e.target;
    if (t && (t.tagName === "INPUT" || t.tagName === "TEXTAREA" || t.isContentEditable ||
              t.getAttribute("role") === "slider")) { return; }
    const key = keys[e.key];
    if (key && press(key)) { e.preventDefault(); }
  });
  let withPresentation = false;
  function full() { return doc.fullscreenElement || doc.webkitFullscreenElement; }
  function enter() {
    const el = doc.documentElement;
    const ask = el.requestFullscreen || el.webkitRequestFullscreen;
    if (ask) { try { Promise.resolve(ask.call(el)).catch(function () {}); } catch (e) {} }
  }
  function leave() {
    const go = doc.exitFullscreen || doc.webkitExitFullscreen;
    if (full() && go) { try { Promise.resolve(go.call(doc)).catch(function () {}); } catch (e) {} }
  }
  doc.addEventListener("click", function (e) {
    const t = e.target;
    if (!t || !t.closest) { return; }
    if (t.closest(".ta-fullscreen")) { withPresentation = false; full() ? leave() : enter(); }
    else if (t.closest(".st-key-meeting_present button")) { withPresentation = true; enter(); }
    else if (t.closest(".st-key-meeting_exit button")) { withPresentation = false; leave(); }
  }, true);
  // The exit button may not be drawn yet (a slow server still sending the page): try again
  // for a while rather than leave the presentation without its full screen.
  function pressSoon(key, tries) {
    if (!press(key) && tries > 0) { setTimeout(function () { pressSoon(key, tries - 1); }, 200); }
  }
  doc.addEventListener("fullscreenchange", function () {
    if (!full() && withPresentation) { withPresentation = false; pressSoon("meeting_exit", 100); }
  });
})();
</script>"""
