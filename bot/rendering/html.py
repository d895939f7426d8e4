"""The one way text becomes Telegram HTML: every piece of user or article text goes through
`esc`, every link through `link`; nothing else escapes by hand."""

from __future__ import annotations

import html


def esc(text: str) -> str:
    """`text` safe inside HTML tags; quotes are left as they are (Telegram needs only <, >, &)."""
    return html.escape(text, quote=False)


def link(url: str, label: str) -> str:
    """`<a href>` with the URL quoted as an attribute and the label escaped."""
    return f'<a href="{html.escape(url, quote=True)}">{esc(label)}</a>'
