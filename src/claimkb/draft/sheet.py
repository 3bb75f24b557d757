"""A draft as YAML: the claim-sheet format of docs/sheet-format.md, with a header saying how to accept it."""

from __future__ import annotations

from typing import Any

import yaml

HEADER = """\
# Draft claim sheet written by `claimkb draft` from {archive} (sha256 {sha}).
# {claims} candidate claims: {figures} with a figure, {quotations} with a quotation; {agents} new agents and
# {quantities} new measured quantities declared below; {relays} relay links proposed.
#
# Every guess carries a `review:` key: the fields it guessed (`guessed`), why (`why`), and for figures the
# knowledge base's candidate quantities and relays with their scores. `claimkb import` refuses anything still
# marked. To accept a guess: check it against the text, correct it, and delete its `review:` key. Delete a
# candidate claim that is not a claim. Quotes (`anchor`, `quotation`) are copied verbatim from the archive.
"""


class _Dumper(yaml.SafeDumper):
    pass


def _text(dumper: yaml.SafeDumper, value: str):
    style = '"' if any(ch in value for ch in "\u201c\u201d\u2019\u2018") or value != value.strip() else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


def _list(dumper: yaml.SafeDumper, value: list):
    flow = all(isinstance(v, (str, int, float)) for v in value) and sum(len(str(v)) + 2 for v in value) < 160
    return dumper.represent_sequence("tag:yaml.org,2002:seq", value, flow_style=flow)


_Dumper.add_representer(str, _text)
_Dumper.add_representer(list, _list)


def _dump(data: Any) -> str:
    return yaml.dump(data, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100_000,
                     default_flow_style=False)


def to_yaml(draft) -> str:
    sheet = draft.sheet
    parts = [HEADER.format(archive=sheet["document"]["archive"], sha=draft.sha256, **draft.counts)]
    for key in ("document", "curation", "agents", "quantities"):
        if key in sheet:
            parts.append(_dump({key: sheet[key]}))
    parts.append("claims:\n")
    for claim in sheet["claims"]:
        block = _dump([claim])
        parts.append(block)
    return "\n".join(p.rstrip("\n") + "\n" for p in parts)


def accept(data: dict) -> dict:
    """The sheet as a reviewer who accepts every guess leaves it: every `review:` key deleted."""
    if isinstance(data, dict):
        return {k: accept(v) for k, v in data.items() if k != "review"}
    if isinstance(data, list):
        return [accept(v) for v in data]
    return data
