"""Portal pages that list news items instead of carrying an article (a home page)."""

import regex

# A paragraph that opens with its own dateline ("Ngày 26-9, ...", "Sáng 20/9, ...") is a
# news item's lead; a page of several of them is a list of teasers, not one article.
_DATELINE = regex.compile(r"^(?:sáng|chiều|tối|trưa|ngày|hôm qua|hôm nay)\b[^\n]{0,20}?\d{1,2}[-/]\d{1,2}",
                          regex.IGNORECASE | regex.MULTILINE)
MIN_ITEMS = 3
MIN_SHARE = 0.3


def listed_items(text: str) -> int:
    """How many news items the text lists, when it reads as a list of teasers; else 0."""
    paragraphs = [p for p in text.split("\n") if p.strip()]
    leads = {m.group() for m in _DATELINE.finditer(text)}
    if len(leads) >= MIN_ITEMS and len(leads) >= MIN_SHARE * len(paragraphs):
        return len(leads)
    return 0
