"""One dashboard session recording a change on 变更登记, run as its own process by the
two-session tests: ``python -m tests.support.record_session VILLAGE FIELD_INDEX READY GO``.

It opens the page (AppTest) on the workspace ``TOWNSHIP_ATLAS_WORKSPACE`` names, fills the form
for village VILLAGE with the FIELD_INDEX-th indicator the form offers, touches READY, waits for
GO to exist, clicks 登记 and prints what the page said (the success line) as JSON.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

from streamlit.testing.v1 import AppTest

from tests.support.paths import APP


def main(village: str, field_index: int, ready: Path, go: Path) -> None:
    at = AppTest.from_file(APP, default_timeout=120)
    at.run()
    at.switch_page("app_pages/record_page.py").run()
    at.selectbox(key="rec_village").set_value(village).run()
    at.selectbox(key="rec_field__zh").select_index(field_index).run()
    chosen = at.selectbox(key="rec_field__zh").value
    ready.touch()
    deadline = time.monotonic() + 120
    while not go.exists() and time.monotonic() < deadline:
        time.sleep(0.02)
    at.button(key="rec_submit").click().run()
    said = [s.value for s in at.success] + [e.value for e in at.error]
    print(json.dumps({"field": chosen, "said": said, "exception": bool(at.exception)}))


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]), Path(sys.argv[3]), Path(sys.argv[4]))
