"""A hostile workbook uploaded on the 数据导入 page: the page says why it is refused, and the
server goes on serving (it once aborted: calamine asked for 512 GiB for one far cell). The
upload's temporary copy (names, IDs, phones) is gone afterwards."""

from __future__ import annotations

import hashlib
import importlib.util
import urllib.request

from tests.support.browser import RERUN_MS, visit
from tests.support.paths import CORPUS as CORPUS_DIR
from tests.support.server import start_server, stop_server

_spec = importlib.util.spec_from_file_location("hostile", CORPUS_DIR / "hostile" / "hostile.py")
hostile = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(hostile)


def test_a_far_cell_workbook_is_refused_on_the_page_and_the_server_lives_on(
    browser, demo_copy, tmp_path, _private_data_dir, monkeypatch
):
    ws = demo_copy
    before = hashlib.sha256(ws.read_bytes()).hexdigest()
    bad = hostile.far_cell_xlsx(tmp_path / "花名册.xlsx")
    temp = tmp_path / "server-tmp"
    temp.mkdir()
    monkeypatch.setenv("TMPDIR", str(temp))  # the server's uploads go here, to be checked
    server = start_server(ws, _private_data_dir)
    try:
        v = visit(browser, f"{server.url}/data", height=1800)
        page = v.page
        page.locator("[data-testid=stMain] [data-testid=stSelectbox]").first.click()
        page.get_by_role("option", name="建档立卡户").click()
        page.wait_for_function(  # the page has rerun for registers: it takes .xlsx now
            "() => { const u = document.querySelectorAll("
            "'[data-testid=stFileUploaderDropzoneInput]');"
            " return u.length === 1 && u[0].accept.includes('.xlsx'); }",
            timeout=RERUN_MS,
        )
        page.locator("[data-testid=stFileUploaderDropzoneInput]").set_input_files(str(bad))
        page.get_by_text("超出可导入的范围").wait_for(timeout=RERUN_MS)
        assert page.locator("[data-testid=stAlertContentError]").count() >= 1
        assert page.locator("[data-testid=stException]").count() == 0
        with urllib.request.urlopen(f"{server.url}/_stcore/health", timeout=10) as r:
            assert r.status == 200
        assert server.process.poll() is None
        again = visit(browser, f"{server.url}/data", height=1200)
        again.page.locator("[data-testid=stFileUploaderDropzoneInput]").wait_for(
            state="attached", timeout=RERUN_MS
        )
        assert v.outside == [] and v.errors == [] and again.errors == []
        page.context.close()
        again.page.context.close()
    finally:
        stop_server(server)
    assert hashlib.sha256(ws.read_bytes()).hexdigest() == before
    assert list(temp.glob("atlas-upload-*")) == []
