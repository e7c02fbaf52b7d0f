"""Named errors: each says which input failed and why."""


class DirectivesError(Exception):
    """Base class for errors this package raises on bad input."""


class ParseError(DirectivesError):
    """A document could not be turned into text."""

    status = "error"  # documents.status of an input that fails this way

    def __init__(self, source: str, reason: str):
        super().__init__(f"{source}: {reason}")
        self.source = source
        self.reason = reason


class EmptyDocumentError(ParseError):
    """A document parsed, but holds no text."""


class NeedsOcrError(ParseError):
    """A scanned PDF, and no OCR engine to read it."""

    status = "needs_ocr"


class NoArticleError(ParseError):
    """A page with no article on it (a portal home page: menus and headline lists)."""

    status = "no_article"


class LimitError(ParseError):
    """An input past one of the limits in `settings.Limits` (size, pages, pixels, characters, time)."""


class NotTextError(ParseError):
    """Bytes that are not text of a plausible encoding (binary data under a text or HTML name or type)."""
