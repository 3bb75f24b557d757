"""`claimkb report`: a static site whose links all resolve, whose pages fetch nothing, whose quotes are
highlighted where the selectors say, and whose JSON-LD expands offline; written whole or not at all."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pyoxigraph as ox
import pytest

import claimkb
from claimkb.report import MARKER
from claimkb.report.data import gather
from claimkb.report.markup import expand_offline

from .helpers import ROOT, reviewed_kb, run_cli, snapshot


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """The report of a reviewed copy of the bundled knowledge base: (kb folder, site folder, stderr)."""
    base = tmp_path_factory.mktemp("report")
    kb = reviewed_kb(base / "kb")
    run = run_cli("report", str(base / "site"), "--kb", str(kb))
    assert (run.code, run.out) == (0, ""), run.err
    return kb, base / "site", run.err


class Page(HTMLParser):
    """What the checks need from one page: links, resources, ids, JSON-LD, the archived text and marks."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[str] = []
        self.resources: list[tuple[str, str]] = []
        self.ids: set[str] = set()
        self.jsonld: list[str] = []
        self.in_script = self.in_pre = False
        self.mark: str | None = None
        self.text = ""  # the archived text as the browser shows it
        self.marked: dict[str, list[tuple[int, int]]] = {}

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if "id" in a:
            self.ids.add(a["id"])
        if tag == "a" and "href" in a:
            self.links.append(a["href"])
        for key in ("src", "srcset", "data", "poster"):
            if key in a:
                self.resources.append((tag, a[key]))
        if tag == "link":
            self.resources.append((tag, a.get("href", "")))
        if tag == "script":
            assert a.get("type") == "application/ld+json", "a script that runs"
            self.in_script = True
            self.jsonld.append("")
        if tag == "pre" and a.get("class") == "archive":
            self.in_pre = True
        if tag == "mark" and self.in_pre:
            self.mark = a["data-claims"]

    def handle_endtag(self, tag):
        if tag == "script":
            self.in_script = False
        if tag == "pre":
            self.in_pre = False
        if tag == "mark":
            self.mark = None

    def handle_data(self, data):
        if self.in_script:
            self.jsonld[-1] += data
        if self.in_pre:
            if self.mark:
                for claim in self.mark.split():
                    self.marked.setdefault(claim, []).append((len(self.text), len(self.text) + len(data)))
            self.text += data


def pages(site: Path) -> dict[Path, Page]:
    parsed = {}
    for path in sorted(site.rglob("*.html")):
        page = Page()
        page.feed(path.read_text(encoding="utf-8"))
        parsed[path] = page
    return parsed


def test_the_report_has_a_page_for_every_claim_document_claimant_and_disagreement(built):
    kb_dir, site, err = built
    kb = claimkb.open(kb_dir)
    claims = {c.claim.rsplit("/", 1)[1] for c in kb.timeline()}
    assert {p.stem for p in (site / "claims").glob("*.html")} - {"index"} == claims
    documents = {d["document"].rsplit("/", 1)[1] for d in kb.sources()}
    assert {p.stem for p in (site / "documents").glob("*.html")} - {"index"} == documents
    assert len(list((site / "disagreements").glob("*.html"))) == len(kb.disagreements()) + 1
    claimants = {c.claimant.rsplit("/", 1)[1] for c in kb.who() if c.claimant}
    assert claimants <= {p.stem for p in (site / "claimants").glob("*.html")}
    assert (site / MARKER).is_file() and (site / "style.css").is_file()
    total = len(list(site.rglob("*.html")))
    assert re.fullmatch(rf"wrote {total} pages to {re.escape(str(site))} \(.*\); [0-9.]+ MB, largest page \d+ kB, "
                        r"in [0-9.]+ s\n", err)


def test_every_internal_link_resolves_and_no_page_loads_anything_from_elsewhere(built):
    _, site, _ = built
    parsed = pages(site)
    checked = 0
    for path, page in parsed.items():
        for tag, url in page.resources:
            assert not urlsplit(url).scheme and not url.startswith("//"), f"{path}: {tag} loads {url}"
        for href in page.links:
            parts = urlsplit(href)
            if parts.scheme in ("http", "https"):
                continue  # a link a reader may follow, never fetched by the page
            assert not parts.scheme and not parts.netloc, f"{path}: {href}"
            target = (path.parent / unquote(parts.path)).resolve() if parts.path else path
            assert target.is_file(), f"{path}: {href} does not resolve"
            assert site.resolve() in target.parents, f"{path}: {href} leaves the site"
            if parts.fragment:
                assert parts.fragment in parsed[target].ids, f"{path}: {href} has no #{parts.fragment}"
            checked += 1
    assert checked > 1000
    css = (site / "style.css").read_text(encoding="utf-8")
    assert "url(" not in css and "@import" not in css


def test_every_page_says_fetch_nothing_and_runs_no_script(built):
    _, site, _ = built
    for path in site.rglob("*.html"):
        text = path.read_text(encoding="utf-8")
        assert "Content-Security-Policy\" content=\"default-src 'none';" in text, path
        assert re.findall(r"<script(?![^>]*application/ld\+json)", text) == [], path


def test_quotes_are_highlighted_exactly_where_the_selectors_say(built):
    kb_dir, site, _ = built
    kb = claimkb.open(kb_dir)
    anchors = kb.session.run("anchors").rows
    assert anchors
    by_document = {}
    for item in kb.timeline():
        by_document[item.claim] = item.document.rsplit("/", 1)[1]
    for row in anchors:
        claim = row["claim"].value
        name = claim.rsplit("/", 1)[1]
        page = Page()
        page.feed((site / "documents" / f"{by_document[claim]}.html").read_text(encoding="utf-8"))
        archive = (kb_dir / row["archivePath"].value).read_text(encoding="utf-8")
        start, end = int(row["start"].value), int(row["end"].value)
        assert len(page.text) == len(archive)  # one shown character for each archived one
        spans = page.marked[name]
        assert (spans[0][0], spans[-1][1]) == (start, end)
        assert all(a[1] == b[0] for a, b in zip(spans, spans[1:], strict=False))  # contiguous
        shown = "".join(page.text[s:e] for s, e in spans)
        assert shown == archive[start:end].replace("\x07", "\ufffd").replace("\u202e", "\ufffd")
        assert "q-" + name in page.ids


def test_hostile_text_stays_text(built):
    _, site, _ = built
    for path in (site / "documents" / "T09-hostile.html", site / "claims" / "T09-c1.html"):
        text = path.read_text(encoding="utf-8")
        assert "alert(" in text  # shown ...
        assert "<script>alert" not in text and "</script><script>" not in text  # ... never as markup
        assert "\x07" not in text and "\u202e" not in text
    claim = (site / "claims" / "T09-c1.html").read_text(encoding="utf-8")
    assert "&lt;/script&gt;&lt;script&gt;alert(2)&lt;/script&gt;" in claim
    assert "\\u003c/script\\u003e\\u003cscript\\u003ealert(2)" in claim  # inside the JSON-LD


def test_every_pages_jsonld_parses_and_expands_offline(built):
    _, site, _ = built
    quads = 0
    for path, page in pages(site).items():
        assert page.jsonld, f"{path} has no JSON-LD"
        for text in page.jsonld:
            data = json.loads(text)
            parsed = list(ox.parse(json.dumps(expand_offline(data)), format=ox.RdfFormat.JSON_LD))
            assert parsed, path
            quads += len(parsed)
    assert quads > 1000


def claimreviews(page: Page) -> list[dict]:
    return [d for d in map(json.loads, page.jsonld) if d.get("@type") == "ClaimReview"]


def test_a_claim_page_carries_its_claim_and_its_claimreview_with_googles_required_fields(built):
    _, site, _ = built
    page = Page()
    page.feed((site / "claims" / "D01-c02.html").read_text(encoding="utf-8"))
    claim = json.loads(page.jsonld[0])
    assert claim["@type"] == "Claim" and claim["@id"] == "https://w3id.org/claimkb/id/claim/D01-c02"
    assert claim["author"]["name"] == "Ministry of Defence of Ukraine"
    (review,) = claimreviews(page)
    assert 0 < len(review["claimReviewed"]) <= 75
    assert review["reviewRating"]["alternateName"] == "Accurately relayed"
    assert review["url"] == "https://factcheck.example.org/701650"
    assert review["author"]["name"] == "Example Fact Check"  # recommended
    assert review["itemReviewed"]["@id"] == claim["@id"]
    expanded = {str(q.predicate) for q in ox.parse(json.dumps(expand_offline(review)), format=ox.RdfFormat.JSON_LD)}
    assert {"<http://schema.org/claimReviewed>", "<http://schema.org/reviewRating>", "<http://schema.org/url>",
            "<http://schema.org/alternateName>"} <= expanded
    others = [p for p, parsed in pages(site).items() if claimreviews(parsed) and p.name != "D01-c02.html"]
    assert others == []  # a ClaimReview only where a verdict exists
    text = (site / "claims" / "D01-c02.html").read_text(encoding="utf-8")
    assert "Accurately relayed" in text and 'class="verdict"' in text


def test_a_claim_page_shows_its_chain_picture_hops_and_disagreements(built):
    _, site, _ = built
    text = (site / "claims" / "D01-c05.html").read_text(encoding="utf-8")
    assert text.count('<svg xmlns="http://www.w3.org/2000/svg" class="chain"') == 1
    assert '<a href="../claims/D04-c1.html">' in text  # the source's box links to its page
    assert "<del>fling</del> <ins>flight</ins>" in text
    assert 'href="../disagreements/' in text


def test_a_disagreement_page_shows_the_word_diff_where_the_words_differ(built):
    kb_dir, site, _ = built
    numbers = [n for n, d in enumerate(claimkb.open(kb_dir).disagreements(), start=1)
               if d.claim.endswith("/D01-c05") and d.kind == "misreported relay"]
    (number,) = numbers
    text = (site / "disagreements" / f"{number}.html").read_text(encoding="utf-8")
    assert "<del>fling</del> <ins>flight</ins>" in text and "fling -&gt; flight" in text


def test_the_report_reads_into_memory_and_leaves_the_store_mode_as_it_was(tmp_path, cli, monkeypatch):
    import os

    from claimkb.backends import local

    seen = []
    real = local._mode
    monkeypatch.setattr(local, "_mode", lambda: seen.append(real()) or seen[-1])
    monkeypatch.delenv("CLAIMKB_STORE_MODE", raising=False)
    assert cli("report", str(tmp_path / "a")).code == 0
    assert seen == ["memory"] and "CLAIMKB_STORE_MODE" not in os.environ
    monkeypatch.setenv("CLAIMKB_STORE_MODE", "disk")  # the user's choice wins
    assert cli("report", str(tmp_path / "b")).code == 0
    assert seen == ["memory", "disk"] and os.environ["CLAIMKB_STORE_MODE"] == "disk"


def test_the_same_kb_gives_the_same_site(tmp_path, cli):
    for name in ("a", "b"):
        assert cli("report", str(tmp_path / name)).code == 0
    assert snapshot(tmp_path / "a") == snapshot(tmp_path / "b")


def test_a_folder_that_is_not_a_report_is_refused_and_left_alone(cli, tmp_path):
    out = tmp_path / "mine"
    out.mkdir()
    (out / "notes.txt").write_text("keep me")
    run = cli("report", str(out))
    assert (run.code, run.out) == (2, "")
    assert run.err == (f"Error: {out} is not empty and is not a claimkb report\n"
                       "Hint: give a new or empty folder (a previous report is replaced whole)\n")
    assert snapshot(out) == {"notes.txt": b"keep me"}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["mine"]
    (tmp_path / "file").write_text("x")
    assert cli("report", str(tmp_path / "file")).err.startswith(f"Error: {tmp_path / 'file'} is not a folder\n")


def test_a_previous_report_is_replaced_whole_and_nothing_is_left_beside_it(cli, tmp_path):
    out = tmp_path / "site"
    assert cli("report", str(out)).code == 0
    (out / "claims" / "stale.html").write_text("from an older knowledge base")
    assert cli("report", str(out), "--page-size", "10").code == 0
    assert not (out / "claims" / "stale.html").exists()
    assert (out / "claims" / "page-2.html").is_file()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]


def test_long_lists_are_cut_into_pages(built, tmp_path, cli):
    kb_dir, _, _ = built
    out = tmp_path / "small-pages"
    assert cli("report", str(out), "--kb", str(kb_dir), "--page-size", "7").code == 0
    claims = len(claimkb.open(kb_dir).timeline())
    pages_ = -(-claims // 7)
    assert (out / "claims" / f"page-{pages_}.html").is_file()
    assert not (out / "claims" / f"page-{pages_ + 1}.html").exists()
    for path in (out / "claims").glob("page-*.html"):
        assert path.read_text(encoding="utf-8").count('<tr><td><a href="../claims/') <= 7


def test_the_report_compares_every_claim_as_trace_does(kb):
    site = gather(kb)
    assert site.disagreements == list(kb.disagreements())
    assert len(site.claims) == len(kb.timeline())
    for iri, item in site.claims.items():
        assert item == kb.claim(iri), iri


@pytest.mark.slow
def test_a_synthetic_kb_of_thousands_of_claims_gives_small_pages(tmp_path, monkeypatch):
    monkeypatch.setenv("CLAIMKB_CACHE", str(tmp_path / "cache"))
    subprocess.run([sys.executable, str(ROOT / "benchmarks" / "generate.py"), "--claims", "2000", "--out",
                    str(tmp_path / "kb")], check=True, capture_output=True, timeout=600)
    kb = claimkb.open(tmp_path / "kb")
    site = gather(kb)
    for iri in list(site.claims)[::40]:
        assert site.claims[iri] == kb.claim(iri), iri
    run = run_cli("report", str(tmp_path / "site"), "--kb", str(tmp_path / "kb"))
    assert run.code == 0, run.err
    site = tmp_path / "site"
    assert len(list((site / "claims").glob("syn-*.html"))) == len(kb.timeline())
    assert (site / "claims" / "page-10.html").is_file()
    largest = max(p.stat().st_size for p in site.rglob("*.html"))
    assert largest < 200_000
