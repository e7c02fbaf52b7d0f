"""Lines a PDF wrapped inside a sentence joined again, so a sentence is not cut at a page's
right margin. A break is a wrap when the next line goes on in lower case and the line before
ends neither a sentence nor a clause; table rows (`|`) keep their breaks. The break becomes a
space, so every offset stays where it was."""

import regex

# a line break whose line ends without a closing mark and whose next line starts in lower case,
# not with a list label ("a)", "đ.")
_WRAP = regex.compile(r"(?<=[^\s.:;!?|])\n(?=[ \t]*\p{Ll})(?![ \t]*\p{Ll}{1,2}[.)]\s)")


def join_wrapped_lines(text: str) -> str:
    """'… các văn bản QPPL của Trung\\nương và địa phương' -> '… của Trung ương và địa phương'."""
    lines_with_bar = {index for index, line in enumerate(text.split("\n")) if "|" in line}
    if not lines_with_bar:
        return _WRAP.sub(" ", text)
    out, line_number = [], 0
    last = 0
    for match in _WRAP.finditer(text):
        line_number += text.count("\n", last, match.start())
        last = match.start()
        if line_number in lines_with_bar or line_number + 1 in lines_with_bar:
            continue
        out.append(match.start())
    chars = list(text)
    for position in out:
        chars[position] = " "
    return "".join(chars)
