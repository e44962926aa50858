"""The printable brief (issue 5): PDF text, embedded CJK fonts, pages, paper, errors."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

import pypdf
import pypdfium2 as pdfium
import pytest

from township_atlas.cli import main
from township_atlas.report import fonts
from township_atlas.report import pdf as brief_pdf
from township_atlas.report.brief import build_brief
from township_atlas.report.content import brief_content
from township_atlas.report.static_map import MapLayers, render_map

MM = 72 / 25.4  # points per mm


def page_texts(data: bytes) -> list[str]:
    """Each page's text as a reader copies it, whitespace removed (numbers and words are
    compared without caring where a line broke)."""
    doc = pdfium.PdfDocument(data)
    return [re.sub(r"\s+", "", doc[i].get_textpage().get_text_range()) for i in range(len(doc))]


def summary(run_cli, demo_path: Path, *extra: str) -> dict:
    code, out, _ = run_cli("summary", str(demo_path), "--json", *extra)
    assert code == 0
    return json.loads(out)


@pytest.fixture(scope="module")
def township_pdf(demo_path: Path, tmp_path_factory: pytest.TempPathFactory) -> bytes:
    out = tmp_path_factory.mktemp("brief") / "township.pdf"
    assert main(["brief", str(demo_path), "--out", str(out)]) == 0
    return out.read_bytes()


@pytest.fixture(scope="module")
def pack_pdf(demo_ws) -> bytes:
    return build_brief(demo_ws, 2016, pack=True)


# ----------------------------------------------------------------------------- content
def test_township_page_names_the_township_and_its_key_figures(run_cli, demo_path, township_pdf):
    data = summary(run_cli, demo_path)
    totals = data["totals"]
    # the township's page, then (the demo has projects) its 帮扶项目与资金 page
    text, money = page_texts(township_pdf)
    assert "古陂镇扶贫工作简报" in text and "古陂镇帮扶项目与资金" in money
    assert f"{totals['year']}年" in text
    assert f"{totals['poor_people']:,}人" in text  # remaining poor, as summary --json gives it
    assert f"{totals['incidence'] * 100:.2f}%" in text
    assert f"{totals['poor_villages_exited']}/{totals['poor_villages']}个" in text
    # the stations against the plan's targets, as station-report counts them
    code, out, _ = run_cli("station-report", str(demo_path), "--json")
    assert code == 0
    ops = json.loads(out)
    assert f"电商网点运营（{ops['year']}年，实际与规划目标）" in text
    assert f"{ops['totals']['sales_wan']:,g}万元" in text
    assert f"{ops['totals']['trained']:,}人次{ops['targets']['trained']:,}人次" in text
    # the village table: every village with its remaining poor people
    for v in data["villages"]:
        assert v["name"] in text
    assert "2025-06-30" in text  # the data date (workspace meta)
    assert "示意数据syntheticdemo" in text  # the source (workspace meta)
    assert "示意图" in text  # the demo's boundaries are illustrative


def test_a_past_year_gives_that_years_figures_and_chart(run_cli, demo_path, pack_pdf):
    totals = summary(run_cli, demo_path, "--year", "2016")["totals"]
    text = page_texts(pack_pdf)[0]
    assert "古陂镇扶贫工作简报（2016年）" in text
    assert f"{totals['poor_people']:,}人" in text  # 2,267
    assert "较上年减少565人" in text  # 2,832 at the end of 2015
    # the progress chart: remaining poor people of each year up to 2016
    assert all(f"{v:,}" in text for v in (2668, 2832, 2267))


def test_the_brief_opens_with_the_register(run_cli, demo_path, township_pdf, pack_pdf):
    # 建档立卡 966 户 3,017 人 (the brief's register), then exited, remaining, fallen back and
    # monitored at the year's end, before the key figures
    totals = summary(run_cli, demo_path)["totals"]
    text = page_texts(township_pdf)[0]
    register = (
        "建档立卡966户3,017人，其中已脱贫958户2,992人，"
        f"未脱贫{totals['poor_households']}户{totals['poor_people']}人"
        f"（累计返贫{totals['returned_households']}户"
    )
    assert register in text
    assert f"防返贫监测{totals['monitored_households']}户" in text
    assert text.index("建档立卡966户") < text.index("年末未脱贫人口")
    # 2016: the register as it stood then; no monitoring before 2021
    texts = page_texts(pack_pdf)
    assert "建档立卡966户3,017人，其中已脱贫228户750人，未脱贫738户2,267人。" in texts[0]
    # a village page (after the 电商网点运营 page it runs on to in 2016, and the projects'
    # page) opens with its own register
    assert "建档立卡" in texts[3] and "建档立卡966户" not in texts[3]


def test_every_page_of_the_demo_says_its_data_are_invented(pack_pdf, demo_ws, tmp_path):
    from township_atlas.geo.workspace import Workspace

    notice = "演示数据：古陂镇的户、指标、网点、搬迁与帮扶数据均为虚构，仅供演示"
    assert all(notice in t for t in page_texts(pack_pdf))
    assert brief_content(demo_ws).notice.startswith(notice)
    # a workspace of real data (no demo marks in its metadata) carries no such notice
    meta = {k: v for k, v in demo_ws.meta.items() if k not in ("synthetic_demo", "demo_version")}
    real = Workspace(demo_ws.layers, meta)
    assert brief_content(real).notice == ""
    text = page_texts(brief_pdf.render(brief_content(real)))[0]
    assert "演示数据" not in text


def test_no_household_is_named_in_the_brief(demo_ws, pack_pdf):
    text = "".join(page_texts(pack_pdf))
    ids = demo_ws.households["household_id"].astype(str)
    assert not any(i in text for i in ids)


def test_brief_content_is_plain_data(demo_ws):
    brief = brief_content(demo_ws, 2018)
    page, money = brief.pages  # the demo has projects: their page follows
    assert money.title == "古陂镇帮扶项目与资金（2018年）"
    assert [t.label for t in page.tiles] == [
        "年末未脱贫人口",
        "贫困发生率",
        "贫困村出列",
        "防返贫监测户",
        "电商服务覆盖行政村",
        "有电商服务站的行政村",
        "易地搬迁入住率",
    ]
    table, stations = page.blocks  # the demo's stations reported: their table follows
    assert len(table.rows) == len(demo_ws.villages) + 1  # and the township total
    assert stations.title == "电商网点运营（2018年，实际与规划目标）" and stations.movable
    assert page.chart.categories[-1] == "2018"
    assert brief.data_date == "2025-06-30"


# ----------------------------------------------------------------------------- the PDF
def test_fonts_are_embedded_cjk_subsets(township_pdf):
    reader = pypdf.PdfReader(io.BytesIO(township_pdf))
    found = []
    for page in reader.pages:
        for ref in page["/Resources"]["/Font"].values():
            font = ref.get_object()
            descendant = font["/DescendantFonts"][0].get_object()
            descriptor = descendant["/FontDescriptor"].get_object()
            files = [k for k in ("/FontFile", "/FontFile2", "/FontFile3") if k in descriptor]
            found.append((str(font["/BaseFont"]), files))
    assert found
    family = fonts.cjk_font().family.replace(" ", "")
    for name, files in found:
        assert re.fullmatch(r"/[A-Z]{6}\+.+", name), name  # a subset
        assert family in name or "CJK" in name, name
        assert files, f"{name} is not embedded"


def test_the_page_is_a_picture_not_a_blank(township_pdf):
    doc = pdfium.PdfDocument(township_pdf)
    image = doc[0].render(scale=1).to_pil().convert("RGB")
    colours = image.getcolors(maxcolors=1 << 20)
    assert len(colours) > 200
    white = sum(n for n, c in colours if min(c) >= 250)
    assert white / (image.width * image.height) < 0.75
    # the map's fills are there (the grey of villages with no poor people left, a red class)
    reds = sum(n for n, (r, g, b) in colours if r > 150 and g < 60 and b < 60)
    assert reds > 500


def test_a_village_brief_is_one_page_with_its_name(run_cli, demo_path, tmp_path):
    out = tmp_path / "zk.pdf"
    code, _, err = run_cli("brief", str(demo_path), "--out", str(out), "--village", "360722102210")
    assert code == 0, err
    (text,) = page_texts(out.read_bytes())
    assert "中坑村村情简报（2025年）" in text
    assert "按贫困户属性" in text and "一般贫困户" in text
    assert "未通客运班车" in text  # exited in 2019, failing the bus criterion now
    assert "2019年出列" in text


def test_a_village_can_be_named_too(demo_ws):
    (page,) = brief_content(demo_ws, village="中坑村").pages
    assert page.title == "中坑村村情简报（2025年）"


def test_pack_is_the_township_and_a_page_per_village(demo_ws, pack_pdf):
    texts = page_texts(pack_pdf)
    names = list(demo_ws.villages["name"])
    # the township's page; in 2016 its villages' table fills it and the 电商网点运营 table goes
    # whole to a next page (续); its projects' page; the villages
    assert len(texts) == 3 + len(names)
    assert "古陂镇扶贫工作简报" in texts[0] and "各村情况" in texts[0]
    assert "电商网点运营" not in texts[0]
    assert "（续）" in texts[1] and "电商网点运营（2016年" in texts[1]
    assert "古陂镇帮扶项目与资金" in texts[2]
    for name, text in zip(names, texts[3:], strict=True):
        assert text.startswith(name) or f"{name}简报" in text or f"{name}村情简报" in text
        assert "第" in text and f"/{3 + len(names)}页" in text


def test_paper_sizes(township_pdf, demo_ws):
    a4 = pdfium.PdfDocument(township_pdf)[0].get_size()
    assert a4 == pytest.approx((297 * MM, 210 * MM), abs=0.5)  # landscape A4
    a3 = pdfium.PdfDocument(build_brief(demo_ws, 2025, paper="A3"))[0].get_size()
    assert a3 == pytest.approx((420 * MM, 297 * MM), abs=0.5)
    with pytest.raises(ValueError, match="A4 or A3"):
        brief_pdf.render(brief_content(demo_ws), paper="Letter")


def test_the_map_picture_is_true_to_scale(demo_ws):
    rendered = render_map(
        MapLayers(demo_ws.villages.assign(fill="#fdd49e"), demo_ws.township), 120, 90, dpi=100
    )
    xmin, ymin, xmax, ymax = rendered.bounds
    assert rendered.crs.is_projected
    assert (xmax - xmin) / (ymax - ymin) == pytest.approx(120 / 90)  # metres per mm both ways
    assert rendered.image.size == (round(120 / 25.4 * 100), round(90 / 25.4 * 100))
    assert 15_000 < rendered.metres_per_width < 40_000  # the township is about 20 km across


# ----------------------------------------------------------------------------- fonts
def test_no_cjk_font_is_a_clear_error(monkeypatch, tmp_path):
    monkeypatch.delenv(fonts.FONT_ENV, raising=False)
    monkeypatch.setattr(fonts, "SEARCH_DIRS", [tmp_path])
    monkeypatch.setattr(fonts, "_fontconfig_faces", list)
    with pytest.raises(fonts.FontNotFoundError, match="install fonts-noto-cjk"):
        fonts.find_cjk_font()


def test_the_cli_says_what_to_install(run_cli, monkeypatch, demo_path, tmp_path):
    def none():
        raise fonts.FontNotFoundError(fonts.NOT_FOUND)

    monkeypatch.setattr(brief_pdf, "cjk_font", none)
    out = tmp_path / "b.pdf"
    code, _, err = run_cli("brief", str(demo_path), "--out", str(out))
    assert code != 0
    assert err.count("\n") == 1 and "No CJK font found: install fonts-noto-cjk" in err
    assert not out.exists()


def test_fonts_are_found_in_folders_without_fontconfig(monkeypatch):
    monkeypatch.delenv(fonts.FONT_ENV, raising=False)
    found = fonts.find_cjk_font()
    monkeypatch.setattr(fonts, "SEARCH_DIRS", [found.regular.path.parent])
    again = fonts.find_cjk_font(use_fontconfig=False)
    assert again.regular == found.regular


def test_a_chosen_font_file(monkeypatch, tmp_path):
    regular = fonts.find_cjk_font().regular
    monkeypatch.setenv(fonts.FONT_ENV, str(regular.path))
    assert fonts.find_cjk_font().regular.family == regular.family
    not_a_font = tmp_path / "x.ttf"
    not_a_font.write_bytes(b"not a font")
    monkeypatch.setenv(fonts.FONT_ENV, str(not_a_font))
    with pytest.raises(fonts.FontNotFoundError, match="not a font file"):
        fonts.find_cjk_font()
    latin = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
    if latin.is_file():
        monkeypatch.setenv(fonts.FONT_ENV, str(latin))
        with pytest.raises(fonts.FontNotFoundError, match="no Chinese characters"):
            fonts.find_cjk_font()


# ----------------------------------------------------------------------------- CLI errors
@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--village", "360722102999"], "no village '360722102999'"),
        (["--year", "1990"], "outside the workspace's years"),
        (["--pack", "--village", "360722102210"], "leave out --village"),
    ],
)
def test_cli_errors_are_one_line(run_cli, demo_path, tmp_path, args, message):
    out = tmp_path / "b.pdf"
    code, _, err = run_cli("brief", str(demo_path), "--out", str(out), *args)
    assert code != 0
    assert err.count("\n") == 1 and err.startswith("township-atlas: error:")
    assert message in err
    assert not out.exists()


def test_cli_out_must_be_a_pdf(run_cli, demo_path, tmp_path):
    out = tmp_path / "brief.png"
    code, _, err = run_cli("brief", str(demo_path), "--out", str(out))
    assert code != 0
    assert err.count("\n") == 1 and ".pdf" in err
    assert not out.exists()


def test_the_exported_map_of_the_demo_says_its_data_are_invented(demo_ws):
    from dataclasses import replace

    from township_atlas.dashboard.exports import export_map

    brief = brief_content(demo_ws)
    (text,) = page_texts(brief_pdf.render_map_page(brief))  # what the PNG export draws
    assert "演示数据：古陂镇的户、指标、网点、搬迁与帮扶数据均为虚构" in text
    (plain,) = page_texts(brief_pdf.render_map_page(replace(brief, notice="")))
    assert "演示数据" not in plain
    html = export_map(demo_ws, "html").decode("utf-8")
    assert "ta-demo-banner" in html
    notice = "演示数据:古陂镇的户、指标、网点、搬迁与帮扶数据均为虚构"
    assert notice in html or json.dumps(notice)[1:-1] in html


# ----------------------------------------------------------------------------- issue 13
def test_both_ecommerce_figures_say_their_definition(demo_ws, township_pdf):
    from township_atlas.analysis import key_figures

    figures = {f.key: f for f in key_figures.key_figures(demo_ws, 2025)}
    reach, own = figures["ecommerce_villages"], figures["ecommerce_station_villages"]
    tiles = {t.label: t for t in brief_content(demo_ws).pages[0].tiles}
    assert tiles["电商服务覆盖行政村"].value == f"{int(reach.value)} / {reach.total}个"
    assert "3/5 公里内有网点" in tiles["电商服务覆盖行政村"].note
    station = tiles["有电商服务站的行政村"]
    assert station.value == f"{int(own.value)} / {own.total}个"
    share = own.value / own.total
    assert station.note == f"{share:.0%}，目标 ≥90%"
    assert station.tone == ("good" if share >= 0.9 else "bad")
    text = page_texts(township_pdf)[0]  # both on the printed page, labels whole
    assert "电商服务覆盖行政村" in text and "有电商服务站的行政村" in text
    assert "3/5公里内有网点" in text and "目标≥90%" in text


def points_of(panel, layer: str):
    points = panel.layers.points
    return points[points["layer"] == layer]


def test_the_township_map_shows_stations_sites_and_gap_badges(demo_ws):
    from township_atlas.analysis import gaps
    from township_atlas.dashboard.view import TIER_STYLE
    from township_atlas.report.content_maps import CLOSED_COLOUR

    panel = brief_content(demo_ws, 2025).pages[0].map
    service = points_of(panel, "service")
    fac = demo_ws["facilities"]
    # every station inside the township, in the screen's tier colours; planned ones hollow
    tiers = fac[fac["kind"].isin(["township_ecommerce", "village_station"])]
    assert len(service) == len(tiers)
    built = service[~service["hollow"].astype(bool)]
    assert set(built["colour"]) == {
        TIER_STYLE["township_ecommerce"]["colour"],
        TIER_STYLE["village_station"]["colour"],
        CLOSED_COLOUR,  # F035 黎明村, closed in 2025 (data/demo_operations.py)
    }
    assert (built["colour"] == CLOSED_COLOUR).sum() == 1
    assert "电商网点（已关闭）" in {e.label for e in panel.legend}
    before = points_of(brief_content(demo_ws, 2024).pages[0].map, "service")
    assert CLOSED_COLOUR not in set(before["colour"])  # open all of 2024
    assert service["hollow"].astype(bool).sum() == (tiers["status"] == "planned").sum() == 2
    # the county centre lies outside the township's map: not drawn, not in the legend
    assert TIER_STYLE["county_logistics"]["colour"] not in set(service["colour"])
    sites = points_of(panel, "relocation")
    assert len(sites) == len(demo_ws["relocation_sites"])
    assert set(sites["text"]) == {"安"} and set(sites["colour"]) == {"#6a3d9a"}
    assert set(sites["marker"]) == {"square"}
    # the red badges: each village's number of gaps, as on the dashboard's map
    table = gaps.village_gaps(demo_ws["indicators"], 2025)
    wanted = {
        name: str(n)
        for name, code, n in zip(
            demo_ws.villages["name"],
            demo_ws.villages["code"],
            table.set_index("village_code")
            .reindex(demo_ws.villages["code"])["gap_count"]
            .fillna(0)
            .astype(int),
            strict=True,
        )
        if n > 0
    }
    badges = dict(zip(panel.labels["text"], panel.labels["badge"], strict=True))
    assert wanted and {k: v for k, v in badges.items() if v} == wanted
    labels = {(e.label, e.layer, e.text) for e in panel.legend}
    assert ("基础设施短板项数", "gaps", "n") in labels
    assert ("易地搬迁安置点", "relocation", "安") in labels
    assert {"乡镇电商服务中心", "村级电商服务站", "村级电商服务站（规划）"} <= {
        e.label for e in panel.legend if e.layer == "service"
    }
    assert "县级物流中心" not in {e.label for e in panel.legend}


def test_a_past_year_shows_only_the_stations_built_by_then(demo_ws):
    panel = brief_content(demo_ws, 2016).pages[0].map
    service = points_of(panel, "service")
    built = service[~service["hollow"].astype(bool)]
    fac = demo_ws["facilities"]
    opened = fac[fac["kind"].isin(["township_ecommerce", "village_station"])]
    assert len(built) == int((opened["opened_year"] <= 2016).sum()) == 3
    sites = points_of(panel, "relocation")  # 阳光村's site was completed in 2018
    assert len(sites) == 1


def test_a_village_map_shows_stations_sites_facilities_and_badges(demo_ws):
    from township_atlas.dashboard.view import TIER_STYLE

    panel = brief_content(demo_ws, village="中坑村").pages[0].map
    service = points_of(panel, "service")
    assert list(service["colour"]) == [TIER_STYLE["village_station"]["colour"]]
    assert list(service["hollow"]) == [True]  # 中坑村's station is planned
    assert len(points_of(panel, "facilities"))  # clinics and schools, on the village map only
    badges = dict(zip(panel.labels["text"], panel.labels["badge"], strict=True))
    assert badges["中坑村"] == "1" and badges["金盆山居委会"] == "2"
    assert ("基础设施短板项数", "gaps") in {(e.label, e.layer) for e in panel.legend}
    # 新屋村's map: the township centre's and 阳光村's sites are near; no village on it lacks
    # anything, so the legend has no badge line
    panel = brief_content(demo_ws, village="新屋村").pages[0].map
    assert set(points_of(panel, "relocation")["text"]) == {"安"}
    assert not any(e.layer == "gaps" for e in panel.legend)


def test_the_png_export_keeps_only_the_chosen_layers(demo_ws):
    from township_atlas.dashboard.exports import panel_with_layers

    panel = brief_content(demo_ws).pages[0].map
    bare = panel_with_layers(panel, frozenset({"villages", "labels"}))
    assert bare.layers.points is None and bare.layers.roads is None
    assert not any(bare.labels["badge"])
    assert all(e.layer == "" for e in bare.legend)
    stations = panel_with_layers(panel, frozenset({"villages", "service", "gaps"}))
    assert set(stations.layers.points["layer"]) == {"service"}
    assert not any(stations.labels["text"]) and any(stations.labels["badge"])
    assert {e.layer for e in stations.legend} == {"", "service", "gaps"}


def test_the_png_export_draws_badges_and_site_marks(demo_ws):
    from dataclasses import replace

    from township_atlas.dashboard.exports import EXPORT_LAYERS, panel_with_layers

    brief = brief_content(demo_ws)
    page = brief.pages[0]
    page = replace(page, map=panel_with_layers(page.map, frozenset(EXPORT_LAYERS)))
    # what export_map turns into the PNG: 安 over each site and in the legend, the gap
    # counts beside the names, the legend lines of stations, sites and badges
    (text,) = page_texts(brief_pdf.render_map_page(replace(brief, pages=(page,))))
    assert text.count("安") >= len(demo_ws["relocation_sites"]) + 1
    assert "金盆山居委会2" in text and "中坑村1" in text
    assert "基础设施短板项数" in text and "村级电商服务站" in text and "易地搬迁安置点" in text
