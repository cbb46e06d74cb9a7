"""highlight_python: Python source as HTML, each token wrapped in a span whose class says what it
is (keyword, string, comment, number, name being defined, builtin, decorator), for the explorer
page's code panel. Built on the standard library's tokenizer, so it colours exactly what Python
reads; the whitespace between tokens is copied unchanged."""
from __future__ import annotations

import builtins
import html
import io
import keyword
import token
import tokenize

# CSS class per kind of token; the page's style sheet gives each a colour.
CLASSES = {"keyword": "k", "string": "s", "comment": "c", "number": "n", "definition": "d",
           "builtin": "b", "decorator": "d"}
_BUILTINS = frozenset(dir(builtins))


def _kind(tok, previous) -> str | None:
    if tok.type == token.STRING or tok.type in _FSTRING_PARTS:
        return "string"
    if tok.type == token.COMMENT:
        return "comment"
    if tok.type == token.NUMBER:
        return "number"
    if tok.type == token.OP:
        # Operators stay plain: a span around every dot and bracket would triple the page.
        return "decorator" if tok.string == "@" and previous in (None, "\n", "indent") else None
    if tok.type == token.NAME:
        if previous in ("def", "class"):
            return "definition"
        if keyword.iskeyword(tok.string) or keyword.issoftkeyword(tok.string):
            return "keyword"
        if tok.string in _BUILTINS:
            return "builtin"
    return None


_FSTRING_PARTS = {getattr(token, name) for name in ("FSTRING_START", "FSTRING_MIDDLE", "FSTRING_END")
                  if hasattr(token, name)}  # Python 3.12 splits f-strings into parts


def highlight_python(source: str) -> str:
    """HTML for `source`: text escaped, tokens in <span class="k|s|c|n|d|b">; put it in a <pre>.

    Source the tokenizer rejects (a fragment cut mid-string) is returned escaped, uncoloured."""
    lines = source.splitlines(keepends=True)
    starts = [0]
    for line in lines:
        starts.append(starts[-1] + len(line))

    def offset(row_col) -> int:
        row, col = row_col
        return starts[row - 1] + col if row - 1 < len(lines) else len(source)

    out, done, previous = [], 0, None
    try:
        for tok in tokenize.generate_tokens(io.StringIO(source).readline):
            if tok.type == token.ENDMARKER:
                break
            begin, end = offset(tok.start), offset(tok.end)
            kind = _kind(tok, previous)
            if tok.type not in (token.NL, token.NEWLINE, token.INDENT, token.DEDENT):
                previous = tok.string if tok.type == token.NAME else None
            else:
                previous = "\n" if tok.type != token.INDENT else "indent"
            if kind is None or begin < done:
                continue
            out.append(html.escape(source[done:begin]))
            out.append(f'<span class="{CLASSES[kind]}">{html.escape(source[begin:end])}</span>')
            done = end
    except (tokenize.TokenError, IndentationError, SyntaxError):
        return html.escape(source)
    out.append(html.escape(source[done:]))
    return "".join(out)
