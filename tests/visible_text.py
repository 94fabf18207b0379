"""What a person reads on a page: its text outside scripts and styles, and English words found in it."""

from __future__ import annotations

import re
from html.parser import HTMLParser

# Words an English sentence, a raw code or an English date cannot do without; none belongs on a Chinese page.
ENGLISH_WORDS = frozenset(
    """
    the is are of and to for not on at from by with this that must no none any
    visit visits ticket slot start end source booking manual technician planned scheduled open reason
    missing valid required field fields fix invalid value greater less length
    shanghai
    mon tue wed thu fri sat sun monday tuesday wednesday thursday friday saturday sunday
    jan feb mar apr may jun jul aug sep oct nov dec
    """.split()  # noqa: SIM905 - a word list reads best as words
)
RAW_CODES = re.compile(
    r"\b(slot_start|slot_end|added_travel_s|report_id|technician_id|large_appliance_install|large_appliance"
    r"|small_appliance|in_warranty|awaiting_follow_up|rebooking_needed|visit_scheduled|[a-z]+_[a-z_]+)\b"
)


class _Text(HTMLParser):
    def __init__(self):
        super().__init__()
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style", "template"):
            self._skip += 1

    def handle_endtag(self, tag):
        if tag in ("script", "style", "template") and self._skip:
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip and data.strip():
            self.parts.append(data.strip())


def visible_text(html: str) -> str:
    parser = _Text()
    parser.feed(html)
    return "\n".join(parser.parts)


def english_left(text: str) -> list[str]:
    """The English words and raw codes in `text` (case-insensitive), each once, in order of appearance."""
    found: list[str] = []
    for word in re.findall(r"[A-Za-z_]+", text):
        if (word.lower() in ENGLISH_WORDS or RAW_CODES.fullmatch(word)) and word not in found:
            found.append(word)
    return found
