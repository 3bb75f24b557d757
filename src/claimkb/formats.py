"""One table per axis of variation: what claimkb reads, what it answers in, what it exports. The CLI's
choices are built from these tables, and the modules that implement each axis are checked against them
(tests/test_cli.py), so a format is added in one place."""

from __future__ import annotations

# output formats of the read commands (render.RENDERERS implements them)
OUTPUT_FORMATS = {
    "table": "for people: compact IRIs, long text cut to the terminal",
    "json": "a JSON array of records, nested, values exact",
    "jsonl": "one JSON record a line",
    "csv": "one flat row per record",
    "tsv": "one flat row per record, tab-separated",
    "sparql-json": "SPARQL 1.1 JSON results, lossless (datatypes, language tags)",
}

# pictures of a chain, for `trace` and `claim` besides the output formats (pictures.PICTURES draws them)
PICTURE_FORMATS = {
    "svg": "a picture of the chain, drawn without any other program",
    "dot": "the chain for Graphviz",
    "mermaid": "the chain for Mermaid",
}

# export formats of `claimkb export` (export.export implements them)
EXPORT_FORMATS = {
    "trig": "every named graph (lossless)",
    "nquads": "every named graph, one quad a line (lossless)",
    "turtle": "the union of the graphs (graph names are not kept)",
    "jsonld": "JSON-LD with the bundled context inline",
    "claimreview": "schema.org ClaimReview markup for fact-check consumers",
}

# input formats of `claimkb import`, by file suffix (ingest.sheet.load_any reads them)
INPUT_FORMATS = {
    ".yaml": "claim sheet (YAML)",
    ".yml": "claim sheet (YAML)",
    ".csv": "claim sheet (CSV, one row per claim)",
    ".json": "schema.org ClaimReview JSON-LD",
    ".jsonld": "schema.org ClaimReview JSON-LD",
}
