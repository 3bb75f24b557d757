"""Text on the report's pages: the archived text with its anchored quotes highlighted, and word diffs."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path

from .. import wording
from ..namespaces import compact
from .data import Anchor
from .html import esc


def archive_html(folder: Path | None, anchors: list[Anchor], claim_name: Callable[[str], str]) -> str:
    """The archived text with each anchored quote highlighted at its TextPositionSelector offsets when
    the text there is its TextQuoteSelector's exact words, else where prefix, exact and suffix occur
    once together; a quote found neither way is listed as lost. The sha256 of the file is checked."""
    if not anchors:
        return '<p class="note">No archived copy of the text is held; the document\'s URL is the citation.</p>\n'
    paths = {a.archive_path for a in anchors if a.archive_path}
    if folder is None or len(paths) != 1:
        return '<p class="note">The archived text is not available here (the report was built from an endpoint).</p>\n'
    folder = folder.resolve()
    path = (folder / paths.pop()).resolve()
    try:
        if folder not in path.parents:
            raise OSError("outside the knowledge base")
        raw = path.read_bytes()
        text = raw.decode("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        return f'<p class="warn">The archived text cannot be read: {esc(exc)}.</p>\n'
    notes = []
    sha = {a.sha256 for a in anchors if a.sha256}
    if sha and hashlib.sha256(raw).hexdigest() not in sha:
        notes.append("The archived file no longer has the sha256 recorded when the quotes were anchored.")
    spans: list[tuple[int, int, str]] = []
    for a in sorted(anchors, key=lambda a: (a.start or 0, a.claim)):
        start = _locate(text, a)
        if start is None:
            notes.append(f"{compact(a.claim)}: its quote is not at its recorded place in the text "
                         "(not re-anchored; see `claimkb validate`).")
            continue
        spans.append((start, start + len(a.exact or ""), claim_name(a.claim)))
    cuts = sorted({0, len(text), *(s for s, _, _ in spans), *(e for _, e, _ in spans)})
    out = []
    for begin, end in zip(cuts, cuts[1:], strict=False):
        for s, _, name in spans:
            if s == begin:
                out.append(f'<a class="qref" id="q-{name}" href="../claims/{name}.html" data-label="{esc(name)}" '
                           f'aria-label="claim {esc(name)}"></a>')
        covering = [name for s, e, name in spans if s <= begin < e]
        piece = _keep_offsets(text[begin:end])
        if covering:
            overlap = ' class="overlap"' if len(covering) > 1 else ""
            out.append(f'<mark data-claims="{esc(" ".join(covering))}"{overlap}>{piece}</mark>')
        else:
            out.append(piece)
    warn = "".join(f'<p class="warn">{esc(n)}</p>\n' for n in notes)
    return f'{warn}<pre class="archive">{"".join(out)}</pre>\n'



def diff_html(old: str, new: str) -> str:
    """A relay's words against the part of its source it quotes, as one text: the source's words it
    changed struck through, its own underlined, then the changes in short."""
    out = []
    for run in wording.runs(old, new):
        if run.op == "equal":
            out.append(esc(run.old))
        if run.op in ("delete", "replace"):
            out.append(f"<del>{esc(run.old)}</del>")
        if run.op in ("insert", "replace"):
            out.append(f"<ins>{esc(run.new)}</ins>")
    changes = wording.word_changes(old, new)
    summary = f'<p class="note">{esc(wording.describe(changes))}</p>\n' if changes else ""
    return f'<p class="diff">{" ".join(out)}</p>\n{summary}'


def _locate(text: str, a: Anchor) -> int | None:
    exact = a.exact or ""
    if not exact:
        return None
    if (a.start is not None and text[a.start:a.start + len(exact)] == exact
            and (a.end is None or a.end == a.start + len(exact))):
        return a.start
    context = (a.prefix or "") + exact + (a.suffix or "")
    first = text.find(context)
    if first >= 0 and text.find(context, first + 1) < 0:
        return first + len(a.prefix or "")
    return None


_KEEP = {"\r": "\u240d"}


def _keep_offsets(text: str) -> str:
    """A piece of archived text as HTML whose text content has as many characters as the piece: control
    characters and bidirectional overrides become one visible character each, markup is escaped."""
    from html import escape

    out = []
    for ch in text:
        code = ord(ch)
        if ch in _KEEP:
            out.append(_KEEP[ch])
        elif ch in "\n\t":
            out.append(ch)
        elif code < 32 or 0x7f <= code <= 0x9f or 0x202a <= code <= 0x202e or 0x2066 <= code <= 0x2069 \
                or 0xd800 <= code <= 0xdfff or code in (0xfffe, 0xffff):
            out.append("\ufffd")
        else:
            out.append(ch)
    return escape("".join(out), quote=False)
