"""Lines a PDF wrapped inside a sentence joined again, so a sentence is not cut at a page's
right margin. A break is a wrap when the line before runs to the margin (near the page's
longest line, 40 characters at least) and ends neither a sentence nor a clause, and the next
line goes on in lower case, not with a list label; table rows (`|`) keep their breaks. The
break becomes a space, so every offset stays where it was."""

import regex

# a line that ends without a closing mark before one that starts in lower case, not with a
# list label ("a)", "đ.")
_WRAP = regex.compile(r"[^\s.:;!?|]\n(?=[ \t]*\p{Ll})(?![ \t]*\p{Ll}{1,2}[.)]\s)")
_NEAR_MARGIN = 0.6  # a wrapped line is at least this share of the page's longest line
_MIN_WRAPPED = 40  # and this many characters: a column of text, not a list of short cells


def join_wrapped_lines(text: str) -> str:
    """'… các văn bản QPPL của Trung\\nương và địa phương' -> '… của Trung ương và địa phương'."""
    lines = text.split("\n")
    margin = max(_MIN_WRAPPED, _NEAR_MARGIN * max((len(line) for line in lines), default=0))
    starts, offset = [], 0
    for line in lines:
        starts.append(offset)
        offset += len(line) + 1
    chars = list(text)
    for number, line in enumerate(lines[:-1]):
        end = starts[number] + len(line)
        following = lines[number + 1]
        if len(line) >= margin and "|" not in line and "|" not in following and _WRAP.match(text, end - 1):
            chars[end] = " "
    return "".join(chars)
