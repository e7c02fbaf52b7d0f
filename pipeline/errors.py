"""Named errors: each says which input failed and why."""


class DirectivesError(Exception):
    """Base class for errors this package raises on bad input."""


class ParseError(DirectivesError):
    """A document could not be turned into text."""

    def __init__(self, source: str, reason: str):
        super().__init__(f"{source}: {reason}")
        self.source = source
        self.reason = reason


class EmptyDocumentError(ParseError):
    """A document parsed, but holds no text."""
