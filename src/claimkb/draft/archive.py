"""Reading an article and keeping it in the knowledge base's archive, byte for byte."""

from __future__ import annotations

import hashlib
import re

MAX_ARTICLE_BYTES = 1_000_000


def read_article(path) -> bytes:
    """An article's bytes, checked: a regular file under the size limit, UTF-8 text."""
    from pathlib import Path

    from ..errors import InputError

    path = Path(path)
    try:
        if not path.is_file():
            raise InputError("is not a readable file", file=str(path), hint="give the article as a UTF-8 text file")
        if path.stat().st_size > MAX_ARTICLE_BYTES:
            raise InputError(f"the article is larger than {MAX_ARTICLE_BYTES} bytes", file=str(path),
                             hint="draft one article at a time")
        raw = path.read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read the article: {exc.strerror}", file=str(path)) from None
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(f"the article is not UTF-8 text (byte {exc.start})", file=str(path),
                         hint="convert it to UTF-8 first (quotes are anchored in the text byte for byte)") from None
    if not raw.strip():
        raise InputError("the article is empty", file=str(path))
    return raw


def document_id(path, given: str | None) -> str:
    """The document id: `--id`, else the file name without its extension (letters, digits and '-')."""
    from pathlib import Path

    from ..errors import UsageError
    from ..model import ID_RE

    ident = given if given is not None else re.sub(r"[^A-Za-z0-9-]+", "-", Path(path).stem).strip("-")
    if not ID_RE.fullmatch(ident or ""):
        raise UsageError(f"{ident!r} cannot be a document id",
                         hint="give one with --id: letters, digits and '-', starting with a letter or digit")
    return ident


def archive_article(kb_dir, path, raw: bytes, doc_id: str, writable: bool) -> tuple[str, bool]:
    """Keep the article's bytes in the knowledge base's archive: (its path relative to kb/, whether it was
    written now). An article already inside kb/archive/ stays where it is; another one is copied to
    archive/<document id>.txt byte for byte, checked by its sha256, under the writer lock."""
    from pathlib import Path

    from ..errors import InputError, UsageError
    from ..kbfiles import commit, writer_lock

    kb_dir, path = Path(kb_dir), Path(path)
    archive = (kb_dir / "archive").resolve()
    if archive in path.resolve().parents:
        return path.resolve().relative_to(kb_dir.resolve()).as_posix(), False
    target = kb_dir / "archive" / f"{doc_id}.txt"
    relative = f"archive/{doc_id}.txt"
    if target.is_file():
        if target.read_bytes() == raw:
            return relative, False
        raise InputError(f"{relative} already holds another text", file=str(path),
                         hint="give this document another id with --id")
    if not writable:
        raise UsageError("the article is not archived in this knowledge base, and it is read-only",
                         hint="make a working copy of the knowledge base and pass --kb DIR")
    digest = hashlib.sha256(raw).hexdigest()

    def same(data: bytes) -> None:
        if hashlib.sha256(data).hexdigest() != digest:
            raise InputError(f"the archived copy of {path} does not have the article's sha256")

    with writer_lock(kb_dir):
        if target.is_file():  # another draft archived it meanwhile
            if target.read_bytes() != raw:
                raise InputError(f"{relative} already holds another text", file=str(path),
                                 hint="give this document another id with --id")
            return relative, False
        commit(kb_dir, [(target, raw, same)])
    return relative, True
