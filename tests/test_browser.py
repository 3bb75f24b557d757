"""The report in a real browser: headless Chromium opens every page from file:// and sees no console
error, no request leaving file://, every internal link resolving, the chain picture drawn with a size,
and each anchored quote highlighted exactly where its selectors say. Screenshots of the index, a claim
page and a document page are written to build/browser-test/ (named in the test's output)."""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

import claimkb

from . import chromium
from .helpers import ROOT, reviewed_kb, run_cli

pytestmark = [pytest.mark.browser, pytest.mark.slow]
SCREENSHOTS = Path(os.environ.get("CLAIMKB_SCREENSHOTS", ROOT / "build" / "browser-test"))

LINKS = ("Array.from(document.querySelectorAll('a[href]'))"
         ".map(a => new URL(a.getAttribute('href'), document.baseURI).href)")
IDS = "Array.from(document.querySelectorAll('[id]')).map(e => e.id)"
PICTURE = """(() => { const s = document.querySelector('svg.chain'); if (!s) return null;
  const r = s.getBoundingClientRect(); return [r.width, r.height, s.querySelectorAll('g.claim').length]; })()"""
# each mark of the archived text: the claims it belongs to, its start and end in the text as shown (counted in
# code points, as the selectors count), and whether it is painted
MARKS = """(() => { const pre = document.querySelector('pre.archive'); if (!pre) return null;
  const walk = document.createTreeWalker(pre, NodeFilter.SHOW_TEXT); let at = 0; const out = [];
  while (walk.nextNode()) { const node = walk.currentNode; const n = Array.from(node.data).length;
    const mark = node.parentElement.closest('mark');
    if (mark) out.push([mark.dataset.claims, at, at + n, getComputedStyle(mark).backgroundColor]);
    at += n; }
  return {length: at, marks: out}; })()"""


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    binary = chromium.find()
    required = os.environ.get("CLAIMKB_REQUIRE_BROWSER") == "1"  # set by .ci/run, which installs Chromium
    if binary is None:
        if required:
            pytest.fail("CLAIMKB_REQUIRE_BROWSER=1 but no Chromium is on PATH")
        pytest.skip("no Chromium on PATH (Debian: apt-get install chromium; .ci/run installs it)")
    if not required:
        pytest.importorskip("websocket", reason="websocket-client is not installed (pip install '.[test]')")
    chrome = chromium.Chromium(binary, tmp_path_factory.mktemp("chromium-profile"))
    yield chrome
    chrome.close()


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    base = tmp_path_factory.mktemp("browser-site")
    kb = reviewed_kb(base / "kb")
    run = run_cli("report", str(base / "site"), "--kb", str(kb))
    assert run.code == 0, run.err
    return kb, base / "site"


def test_the_harness_sees_a_request_that_leaves_file_and_a_console_error(browser, tmp_path):
    page = tmp_path / "bad.html"
    page.write_text('<!DOCTYPE html><html><head><link rel="stylesheet" href="missing.css"></head><body>'
                    '<img src="http://192.0.2.1/pixel.png"><script>console.error("boom")</script></body></html>')
    events = browser.open(page.as_uri())
    assert "http://192.0.2.1/pixel.png" in events.requests
    assert "console: boom" in events.errors
    assert any(e.startswith("load failed") for e in events.errors)  # the missing style sheet


def test_every_page_opens_offline_with_no_error_and_every_link_resolves(browser, site):
    kb_dir, folder = site
    pages = sorted(folder.rglob("*.html"))
    ids: dict[Path, set[str]] = {}
    links: list[tuple[Path, str]] = []
    pictures = 0
    for path in pages:
        events = browser.open(path.as_uri())
        assert events.errors == [], f"{path}: {events.errors}"
        outside = [u for u in events.requests if not u.startswith(("file://", "data:", "about:"))]
        assert outside == [], f"{path} requested {outside}"
        ids[path.resolve()] = set(browser.evaluate(IDS))
        links += [(path, url) for url in browser.evaluate(LINKS)]
        if path.parent.name == "claims" and path.name not in ("index.html",) and not path.name.startswith("page-"):
            width, height, boxes = browser.evaluate(PICTURE)
            assert width > 100 and height > 50 and boxes >= 1, path
            pictures += 1
    assert pictures == len(claimkb.open(kb_dir).timeline())
    checked = 0
    for path, url in links:
        parts = urlsplit(url)
        if parts.scheme in ("http", "https"):
            continue  # links out, which a reader may follow; the pages themselves fetch nothing
        assert parts.scheme == "file", f"{path}: {url}"
        target = Path(unquote(parts.path)).resolve()
        assert target in ids, f"{path}: {url} does not resolve to a page of the site"
        if parts.fragment:
            assert parts.fragment in ids[target], f"{path}: {url} has no #{parts.fragment}"
        checked += 1
    assert checked > 1000
    print(f"opened {len(pages)} pages, followed {checked} internal links, measured {pictures} chain pictures")


def test_quotes_are_highlighted_where_the_selectors_say(browser, site):
    kb_dir, folder = site
    kb = claimkb.open(kb_dir)
    document_of = {c.claim: c.document.rsplit("/", 1)[1] for c in kb.timeline()}
    rows = kb.session.run("anchors").rows
    documents = {document_of[r["claim"].value] for r in rows}
    shown: dict[str, list] = {}
    for name in documents:
        events = browser.open((folder / "documents" / f"{name}.html").as_uri())
        assert events.errors == []
        found = browser.evaluate(MARKS)
        archive = next((kb_dir / r["archivePath"].value) for r in rows if document_of[r["claim"].value] == name)
        assert found["length"] == len(archive.read_text(encoding="utf-8"))
        for claims, start, end, colour in found["marks"]:
            assert colour not in ("rgba(0, 0, 0, 0)", "transparent"), (name, claims)
            for claim in claims.split():
                shown.setdefault(claim, []).append((start, end))
    for row in rows:
        claim = row["claim"].value.rsplit("/", 1)[1]
        spans = shown[claim]
        assert (spans[0][0], spans[-1][1]) == (int(row["start"].value), int(row["end"].value)), claim
        assert all(a[1] == b[0] for a, b in zip(spans, spans[1:], strict=False)), claim
    print(f"{len(rows)} anchored quotes highlighted at their selectors in {len(documents)} documents")


def test_screenshots_of_the_index_a_claim_and_a_document(browser, site):
    _, folder = site
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for page, name in (("index.html", "index.png"), ("claims/D01-c02.html", "claim-D01-c02.png"),
                       ("documents/D01-seed.html", "document-D01-seed.png")):
        assert browser.open((folder / page).as_uri()).errors == []
        browser.screenshot(SCREENSHOTS / name)
        assert (SCREENSHOTS / name).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    print(f"screenshots in {SCREENSHOTS}")
