"""Text from data on its way into Markdown: Streamlit renders Markdown in st.markdown, st.info,
st.warning, st.caption and their kind, so a village named ``![x](http://host/b.png)`` would make
the browser fetch an outside image. Every such text goes through :func:`escape_md`.

No Streamlit here: any dashboard module may import it.
"""

from __future__ import annotations

import re

#: Markdown, HTML and Streamlit directive (``:red[…]``) characters.
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|:$~<>&])")


def escape_md(text: object) -> str:
    """``text`` shown as typed: every Markdown (and Streamlit directive) character
    backslash-escaped, so a name from data is never read as markup."""
    return _MD_SPECIAL.sub(r"\\\1", str(text))
