"""HTML built from plain text: every part escaped, only our own markup added."""

import re
from collections.abc import Callable, Iterable

from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe

# A web address in a message, up to a space or a character that cannot end one; punctuation
# that closes a sentence after it is not part of it.
WEB_ADDRESS = re.compile(r"\bhttps?://[^\s<>\"']+", re.IGNORECASE)
TRAILING_PUNCTUATION = ".,;:!?)]}"


def marked_html(
    text: str, spans: Iterable[tuple[int, int, str]], between: Callable[[str], str] = escape
) -> SafeString:
    """Escaped `text` with each (start, end, placeholder) span shown as a visible placeholder;
    `between` escapes (and may mark up) the text between them."""
    parts, position = [], 0
    for start, end, placeholder in spans:
        parts.append(between(text[position:start]))
        parts.append(format_html('<span class="masked">{}</span>', placeholder))
        position = end
    parts.append(between(text[position:]))
    return mark_safe("".join(parts))  # noqa: S308 - every part is escaped above


def linked_html(text: str) -> SafeString:
    """Escaped `text` with its web addresses as links (http and https only: nothing a link
    could run), which open without giving the other site a handle on this page."""
    parts, position = [], 0
    for match in WEB_ADDRESS.finditer(text):
        url = match[0].rstrip(TRAILING_PUNCTUATION)
        parts.append(escape(text[position : match.start()]))
        parts.append(
            format_html('<a href="{}" rel="noopener noreferrer nofollow">{}</a>', url, url)
        )
        position = match.start() + len(url)
    parts.append(escape(text[position:]))
    return mark_safe("".join(parts))  # noqa: S308 - every part is escaped above
