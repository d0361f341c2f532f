"""Text from data, shown as text: names, units, titles, file names, snapshot names and
library messages that quote them go into Streamlit's Markdown (``st.markdown``,
``st.caption``, titles, labels, ``st.error``) only through :func:`plain`.

Streamlit's Markdown turns ``[x](url)`` into a link, ``![x](url)`` into a remote image,
``:red[x]`` into coloured text, ``$x$`` into LaTeX, ``:material/x:`` into an icon, and
any ``https://…``, ``www.…`` or ``a@b.c`` in the text into a link (the last even when
escaped, since it is found in the parsed text). A snapshot named
``[Session expired: log in again](https://…)`` would show every user a fake link.
"""

from __future__ import annotations

import re
from typing import Any

# Every ASCII punctuation character Markdown (CommonMark, GFM, Streamlit's directives)
# gives a meaning to; CommonMark lets each be escaped with a backslash.
_MARKUP = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:&^=\"'@%/])")
# Where a link is recognised in already-parsed text (http:, mailto:, www., a@b): a word
# joiner (U+2060, invisible, zero width) after the colon, the "www" and the "@" breaks it.
_LINK_START = re.compile(r"(?i)(:|@|www(?=\\\.))")
_CONTROL = re.compile(r"[\x00-\x1f\x7f\u2028\u2029]+")  # line breaks would start new blocks
WORD_JOINER = "\u2060"


def plain(value: Any) -> str:
    """``value`` as Markdown that shows exactly its characters: no link, image, colour,
    LaTeX, icon, heading or emphasis; line breaks and control characters become a space.

    >>> shown = plain("[log in](https://evil.example) :red[x] $x^2$")
    >>> shown[:10]
    '\\\\[log in\\\\]'
    >>> shown.replace("\\\\", "").replace(WORD_JOINER, "")  # what the reader sees
    '[log in](https://evil.example) :red[x] $x^2$'
    >>> plain(None), plain(3)
    ('', '3')
    """
    if value is None:
        return ""
    text = _CONTROL.sub(" ", str(value))
    text = _MARKUP.sub(r"\\\1", text)
    return _LINK_START.sub(lambda match: match.group(0) + WORD_JOINER, text)
