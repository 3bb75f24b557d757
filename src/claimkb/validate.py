"""SHACL shapes + the check queries + quote integrity -> one report."""

from __future__ import annotations

import hashlib
from pathlib import Path

from . import resources
from .kbfiles import snapshot
from .records import Finding, Report
from .session import Session
from .shapes import shapes_for


def validate(session: Session, folder: Path) -> Report:
    """Shapes over every graph file of `folder`, the check queries, and every anchored quote against its
    archive."""
    ontology = resources.ontology_dir()
    shape_findings, files = shapes(folder, ontology / "shapes.ttl", ontology / "claimkb.ttl")
    check_findings, check_count = checks(session)
    check_findings += uncompared_figures(session)
    quote_findings, anchors = quote_integrity(session, folder)
    return Report(tuple(shape_findings + check_findings + quote_findings), files, check_count, anchors)


def quote_integrity(kb: Session, kb_dir: Path) -> tuple[list[Finding], int]:
    """Every anchored quote equals the archived text at its offsets; every archive has its sha256."""
    findings: list[Finding] = []
    texts: dict[str, str | None] = {}
    rows = kb.run("anchors").rows
    for row in rows:
        claim = row["claim"].value
        path_term, sha = row.get("archivePath"), row.get("sha256")
        if path_term is None or sha is None:
            findings.append(Finding("quotes", "Violation", claim, "the archived text has no path or sha256"))
            continue
        key = path_term.value
        if key not in texts:
            texts[key] = _read_archive(kb_dir, key, sha.value, findings)
        text = texts[key]
        if text is None:
            continue
        exact = row.get("exact")
        start, end = row.get("start"), row.get("end")
        if exact is None or start is None or end is None:
            findings.append(Finding("quotes", "Violation", claim, "the anchor lacks a quote or position selector"))
            continue
        s, e = int(start.value), int(end.value)
        if text[s:e] != exact.value:
            findings.append(Finding("quotes", "Violation", claim,
                                    f"the quote is lost: the archived text at {s}..{e} reads "
                                    f"{text[s:e][:60]!r}, not {exact.value[:60]!r}"))
            continue
        prefix, suffix = row.get("prefix"), row.get("suffix")
        if prefix is not None and not text[:s].endswith(prefix.value):
            findings.append(Finding("quotes", "Violation", claim, "the quote's prefix no longer matches the text"))
        if suffix is not None and not text[e:].startswith(suffix.value):
            findings.append(Finding("quotes", "Violation", claim, "the quote's suffix no longer matches the text"))
    return findings, len(rows)


def _read_archive(kb_dir: Path, relative: str, sha: str, findings: list[Finding]) -> str | None:
    path = (kb_dir / relative).resolve()
    if kb_dir.resolve() not in path.parents:
        findings.append(Finding("quotes", "Violation", relative, "the archive path leaves the knowledge base"))
        return None
    try:
        raw = path.read_bytes()
    except OSError as exc:
        findings.append(Finding("quotes", "Violation", relative, f"cannot read the archived text: {exc.strerror}"))
        return None
    digest = hashlib.sha256(raw).hexdigest()
    if digest != sha:
        findings.append(Finding("quotes", "Violation", relative,
                                f"the archived text's sha256 is {digest}, not the recorded {sha}"))
        return None
    return raw.decode("utf-8")


def uncompared_figures(session: Session) -> list[Finding]:
    """A warning for every figure no comparison can reach (see `claimkb disagreements --uncompared`)."""
    from .answers import uncompared

    return [Finding("check", "Warning", item.claim, f"uncompared figure {item.figure!r}: {item.reason}")
            for item in uncompared(session)]


def checks(kb: Session) -> tuple[list[Finding], int]:
    findings = []
    queries = kb.catalogue.checks()
    for query in queries:
        for row in kb.run(query.name).rows:
            focus = " ".join(t.value for t in row.values())
            findings.append(Finding("check", "Violation", focus, f"{query.name}: {query.summary}"))
    return findings, len(queries)


def shapes(kb_dir: Path, shapes_path: Path, ontology_path: Path) -> tuple[list[Finding], int]:
    """Validate the union of all kb graphs against the SHACL shapes (pySHACL over rdflib)."""
    blobs = [(str(kb_dir / "graphs" / name), data) for name, data in snapshot(kb_dir)]
    return shapes_for(blobs, shapes_path, ontology_path) + empty_graphs(blobs), len(blobs)


def empty_graphs(blobs: list[tuple[str, bytes]]) -> list[Finding]:
    """A warning for a graph file that holds no triple at all (empty, or cut short before its first):
    valid TriG that every command reads as nothing, so nothing else would point at it."""
    import pyoxigraph as ox

    found = []
    for path, data in blobs:
        try:
            empty = next(iter(ox.parse(data, format=ox.RdfFormat.TRIG)), None) is None
        except (SyntaxError, MemoryError, ValueError):
            continue  # the shapes' parse reports a file that cannot be read
        if empty:
            found.append(Finding("shapes", "Warning", path, "the graph file holds no triples; restore it, rebuild "
                                 "it from its sheet with `claimkb import`, or delete it"))
    return found


