"""HTML building blocks of the report: escaping, the page shell, tables, pagers and the one style sheet.

Templates are Python strings; every piece of data goes through `esc` (text) or `attr` (attribute values),
which also show control characters as escapes, so that no text from the knowledge base can become markup.
Links are relative, so the site works from `file://` and from any static host; no page loads anything
from the network (a Content-Security-Policy in each page says so to the browser as well).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from html import escape

from ..render import escape_controls

_NOT_XML = re.compile(r"[\ud800-\udfff\ufffe\uffff]")
# written as JSON escapes inside a JSON-LD script: markup characters (so no text closes the element early),
# controls and bidirectional overrides (so none reaches the page raw); the JSON value is unchanged
# (json.dumps already escapes C0 controls inside strings; the newlines of its indentation stay)
_HIDDEN = re.compile(r"[<>&\x7f-\x9f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def esc(text: object) -> str:
    """Text as HTML: markup characters escaped, control characters and bidirectional overrides shown as
    escapes, characters HTML cannot hold replaced."""
    return escape(_NOT_XML.sub("\ufffd", escape_controls(str(text))), quote=True)


attr = esc


def link(href: str, text: object, cls: str | None = None) -> str:
    return f'<a href="{attr(href)}"' + (f' class="{cls}"' if cls else "") + f">{esc(text)}</a>"


def external(url: str | None) -> str:
    """A link out of the site, for http and https URLs only (any other scheme is shown as text); it sends
    no referrer."""
    if not url:
        return ""
    if not url.lower().startswith(("http://", "https://")):
        return esc(url)
    return f'<a href="{attr(url)}" rel="noreferrer">{esc(url)}</a>'


def table(header: Sequence[str], rows: Iterable[Sequence[str]], cls: str = "") -> str:
    """A table whose cells are HTML already (escape data with `esc` first)."""
    head = "".join(f"<th>{esc(h)}</th>" for h in header)
    body = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>\n" for row in rows)
    return f'<table class="{cls}"><thead><tr>{head}</tr></thead>\n<tbody>\n{body}</tbody></table>\n'


def fields(pairs: Iterable[tuple[str, str]]) -> str:
    """A definition list of (label, HTML) pairs, leaving out empty values."""
    items = "".join(f"<dt>{esc(k)}</dt><dd>{v}</dd>\n" for k, v in pairs if v)
    return f'<dl class="fields">\n{items}</dl>\n'


def jsonld(data: object) -> str:
    """A JSON-LD script element. `<`, `>` and `&` are written as JSON escapes, so no text can close the
    element early; the JSON itself is unchanged."""
    text = json.dumps(data, ensure_ascii=False, indent=1, sort_keys=False)
    text = _HIDDEN.sub(lambda m: f"\\u{ord(m.group()):04x}", text)
    return f'<script type="application/ld+json">\n{text}\n</script>\n'


def page_name(number: int) -> str:
    """The file of page `number` of a paginated list: index.html, page-2.html, ..."""
    return "index.html" if number == 1 else f"page-{number}.html"


def pager(number: int, pages: int, name=page_name) -> str:
    """Links to the other pages of a list; `name(n)` is page n's relative link."""
    if pages <= 1:
        return ""
    parts = []
    if number > 1:
        parts.append(link(name(number - 1), "« previous", "prev"))
    window = sorted({1, pages, *range(max(1, number - 3), min(pages, number + 3) + 1)})
    last = 0
    for n in window:
        if n > last + 1:
            parts.append("<span>…</span>")
        parts.append(f'<strong aria-current="page">{n}</strong>' if n == number else link(name(n), n))
        last = n
    if number < pages:
        parts.append(link(name(number + 1), "next »", "next"))
    return f'<nav class="pager" aria-label="pages">page {number} of {pages}: {" ".join(parts)}</nav>\n'


NAV = (("index.html", "Overview"), ("numbers/index.html", "Numbers"), ("claims/index.html", "Claims"),
       ("documents/index.html", "Documents"), ("claimants/index.html", "Claimants"),
       ("disagreements/index.html", "Disagreements"))

# default-src 'none': nothing is fetched but the style sheet beside the pages; no script runs
CSP = "default-src 'none'; style-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'"


def page(title: str, body: str, *, root: str, markup: Sequence[object] = (), description: str = "") -> str:
    """A whole page. `root` is the relative path to the site's top ("" or "../")."""
    nav = " ".join(link(root + href, text) for href, text in NAV)
    scripts = "".join(jsonld(m) for m in markup)
    meta = f'<meta name="description" content="{attr(description)}">\n' if description else ""
    return (
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">\n'
        '<meta name="referrer" content="no-referrer">\n'
        f"{meta}<title>{esc(title)}</title>\n"
        f'<link rel="stylesheet" href="{root}style.css">\n{scripts}</head>\n<body>\n'
        f'<header><nav class="site">{nav}</nav></header>\n<main>\n{body}</main>\n'
        "<footer>A static report of a claimkb knowledge base: every claim with who asserted it, where, when "
        "and in which words, its relay chain and where sources disagree. It needs no network to read.</footer>\n"
        "</body>\n</html>\n"
    )


CSS = """\
:root { --ink: #1d2330; --muted: #5b6475; --line: #d9dee8; --accent: #9a6700; --bad: #b3261e;
        --good: #1f6f43; --verdict: #3b2a6b; --mark: #fff0a8; }
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif;
       color: var(--ink); background: #fbfbfd; }
header { background: #1d2330; padding: .5rem 1rem; }
nav.site a { color: #fff; margin-right: 1rem; text-decoration: none; font-weight: 600; }
nav.site a:hover { text-decoration: underline; }
main { max-width: 1200px; margin: 0 auto; padding: 1rem 1.25rem 3rem; }
footer { max-width: 1200px; margin: 0 auto; padding: 1rem 1.25rem; color: var(--muted); font-size: 13px;
         border-top: 1px solid var(--line); }
h1 { font-size: 1.5rem; margin: .5rem 0 1rem; }
h2 { font-size: 1.15rem; margin: 2rem 0 .5rem; border-bottom: 1px solid var(--line); padding-bottom: .25rem; }
a { color: #1a4fa0; }
blockquote.claim { margin: 0 0 1rem; padding: .75rem 1rem; background: #fff; border-left: 4px solid var(--accent);
                   font-size: 1.1rem; }
dl.fields { display: grid; grid-template-columns: max-content 1fr; gap: .25rem 1rem; margin: 0; }
dl.fields dt { color: var(--muted); }
dl.fields dd { margin: 0; }
table { border-collapse: collapse; width: 100%; background: #fff; font-size: 14px; }
th, td { text-align: left; vertical-align: top; padding: .35rem .5rem; border-bottom: 1px solid var(--line); }
th { background: #f0f2f7; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
.counts { display: grid; grid-template-columns: repeat(auto-fill, minmax(180px, 1fr)); gap: .75rem; margin: 1rem 0; }
.counts a { display: block; padding: .75rem 1rem; background: #fff; border: 1px solid var(--line); border-radius: 6px;
            text-decoration: none; color: var(--ink); }
.counts strong { display: block; font-size: 1.6rem; }
.picture { overflow-x: auto; background: #fff; border: 1px solid var(--line); border-radius: 6px; padding: .5rem; }
.picture svg { display: block; max-width: none; }
.verdict { background: var(--verdict); color: #fff; padding: .75rem 1rem; border-radius: 6px; margin: 0 0 1rem; }
.verdict a { color: #fff; }
.verdict .rating { font-size: 1.15rem; font-weight: 700; }
.changed { color: var(--bad); font-weight: 600; }
.kind { display: inline-block; padding: 0 .4rem; border-radius: 4px; background: #f0f2f7; font-size: 13px; }
.kind.hard { background: #fdecea; color: var(--bad); }
pre.archive { white-space: pre-wrap; word-wrap: break-word; background: #fff; border: 1px solid var(--line);
              padding: 1rem; font: 15px/1.6 Georgia, "DejaVu Serif", serif; }
pre.archive mark { background: var(--mark); padding: 0; }
pre.archive mark.overlap { background: #ffd86b; }
a.qref { font: 11px/1 system-ui, sans-serif; vertical-align: super; text-decoration: none; margin: 0 1px;
         padding: 0 2px; border-radius: 3px; background: #1d2330; color: #fff; }
a.qref::after { content: attr(data-label); }
p.diff del { background: #fdecea; color: var(--bad); }
p.diff ins { background: #e3f4e8; color: var(--good); text-decoration: none; }
.pair { display: grid; grid-template-columns: 1fr 1fr; gap: 1rem; }
.pair > div { background: #fff; border: 1px solid var(--line); border-radius: 6px; padding: .75rem 1rem; }
nav.pager { margin: .75rem 0; }
nav.pager a, nav.pager strong, nav.pager span { margin: 0 .2rem; }
.note { color: var(--muted); }
.warn { color: var(--bad); }
@media (max-width: 700px) { .pair { grid-template-columns: 1fr; } }
"""
