"""SHACL validation of TriG documents against the shapes (pySHACL over rdflib, imported only here and
only when a check runs: both are slow to import)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

from .errors import InputError
from .namespaces import SH
from .records import Finding


@lru_cache(maxsize=256)
def _triples(blob: bytes) -> tuple:
    """The triples of a TriG document, graph names dropped (one parse per distinct content in a process:
    imports into copies of one knowledge base share most files)."""
    import rdflib

    dataset = rdflib.Dataset()
    dataset.parse(data=blob.decode("utf-8"), format="trig")
    return tuple((s, p, o) for s, p, o, _g in dataset.quads((None, None, None, None)))


@lru_cache(maxsize=8)
def _turtle(text: str) -> Any:
    import rdflib

    return rdflib.Graph().parse(data=text, format="turtle")


def shapes_for(blobs: list[tuple[str, bytes]], shapes_path: Path, ontology_path: Path) -> list[Finding]:
    """Validate TriG documents (name, bytes), taken together, against the shapes."""
    import pyshacl
    import rdflib

    data = rdflib.Graph()
    for name, blob in blobs:
        try:
            triples = _triples(blob)
        except Exception as exc:  # noqa: BLE001 - rdflib raises many types on malformed input
            raise InputError(f"not valid TriG: {exc}", file=name) from None
        for triple in triples:
            data.add(triple)
    # pyshacl reads the shapes and the ontology and never changes them, so one parse per content is shared
    shape_graph = _turtle(shapes_path.read_text(encoding="utf-8"))
    ontology = _turtle(ontology_path.read_text(encoding="utf-8"))
    _conforms, report, _text = pyshacl.validate(
        data, shacl_graph=shape_graph, ont_graph=ontology, inference="none",
        allow_warnings=True, advanced=True,
    )
    findings = []
    SHN = rdflib.Namespace(str(SH))
    for result in report.subjects(rdflib.RDF.type, SHN.ValidationResult):
        severity = str(report.value(result, SHN.resultSeverity)).rsplit("#", 1)[-1]
        focus = str(report.value(result, SHN.focusNode))
        message = report.value(result, SHN.resultMessage)
        path = report.value(result, SHN.resultPath)
        text = str(message) if message else "shape constraint failed"
        if path is not None:
            text = f"{path.n3(data.namespace_manager) if isinstance(path, rdflib.URIRef) else path}: {text}"
        findings.append(Finding("shapes", severity, focus, text))
    findings.sort(key=lambda f: (f.severity, f.focus, f.message))
    return findings
