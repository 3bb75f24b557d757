"""A SPARQL 1.1 endpoint as the backend: queries over the SPARQL Protocol, writes over the Graph Store
Protocol, both through httpx. The only module that imports an HTTP client, and only when an endpoint is
used (`claimkb trace` on the embedded store never imports it).

What it does so that a remote answer cannot lie:
- Every redirect is refused, on reads and writes alike (a redirected write can vanish, and a redirect
  can carry credentials to another host).
- Credentials come from the environment only (CLAIMKB_USER / CLAIMKB_PASSWORD) and are sent only when the
  server asks for them, in the scheme it names: Digest (Virtuoso's authenticated endpoints accept only
  Digest) or Basic. They never appear in a message: URLs are shown without any user:password part, a URL
  that carries one is refused, and every message is scrubbed of the password.
- The Accept header asks for SPARQL JSON results only; any other content type is an error that names it
  (a server that answers its own plain JSON is not read as results).
- Any non-2xx answer is an error that shows the start of the server's own words, unmangled (control
  characters replaced, so a body cannot rewrite a terminal).
- A whole request, body included, has a deadline (`--timeout`), and an answer has a size cap
  (CLAIMKB_MAX_RESPONSE_MB, default 1024): a server cannot hold the command or fill the memory.
- The body must be well-formed SPARQL JSON results (head.vars, results.bindings, each term a uri, literal
  or bnode with a string value); deeply nested or odd JSON is an error, not a crash.
- Virtuoso's "anytime" partial answers (a query cut short by its MaxQueryExecutionTime, marked by an
  `X-SQL-State` header on a 200) are refused: a partial answer would be a silent wrong one.
"""

from __future__ import annotations

import json
import os
import re
import time
import urllib.parse
from typing import Any

from ..errors import KbError, UsageError
from ..results import ResultTable, Term

DEFAULT_TIMEOUT = 30.0
RESULTS_JSON = "application/sparql-results+json"
TERM_KINDS = {"uri", "literal", "typed-literal", "bnode"}


def max_response_bytes() -> int:
    raw = os.environ.get("CLAIMKB_MAX_RESPONSE_MB", "1024")
    if not raw.isdigit() or int(raw) < 1:
        raise UsageError(f"CLAIMKB_MAX_RESPONSE_MB is {raw!r}", hint="set it to a whole number of megabytes, e.g. 1024")
    return int(raw) * 2**20


# -- URLs and credentials -------------------------------------------------------------------------

def _password() -> str:
    return os.environ.get("CLAIMKB_PASSWORD", "")


def redact(text: str) -> str:
    """The text without the password (should any library ever echo it)."""
    secret = _password()
    return text.replace(secret, "***") if len(secret) >= 1 else text


def safe_url(url: str) -> str:
    """The URL without any user:password part, query or fragment, for messages."""
    try:
        parts = urllib.parse.urlsplit(url)
        host = parts.hostname or ""
        port = parts.port
    except ValueError:
        return "the given URL"
    if port:
        host += f":{port}"
    return redact(urllib.parse.urlunsplit((parts.scheme, host, parts.path, "", "")))


def check_url(url: str, what: str) -> str:
    """Refuse what is not an http(s) URL with a host, or that carries credentials; never echo a secret."""
    try:
        parts = urllib.parse.urlsplit(url)
        parts.port  # noqa: B018 - raises on a port that is not a number
    except ValueError:
        raise KbError(f"the {what} is not a valid URL", hint="give it like http://127.0.0.1:7878/query") from None
    if parts.username is not None or parts.password is not None or "@" in parts.netloc:
        raise KbError(f"the {what} URL carries credentials",
                         hint="put them in CLAIMKB_USER and CLAIMKB_PASSWORD instead")
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https"):
        shown = re.sub(r"[^a-z0-9+.-]", "?", scheme)[:20] or "none"
        raise KbError(f"the {what} URL's scheme is {shown!r}, not http or https",
                         hint="give it like http://127.0.0.1:7878/query")
    if not parts.hostname:
        raise KbError(f"the {what} URL has no host", hint="give it like http://127.0.0.1:7878/query")
    return url


_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def _shown(body: bytes, limit: int = 200) -> str:
    """The start of a server's words as they were, on one line, control characters replaced."""
    text = body[: limit * 4].decode("utf-8", "replace")
    text = " ".join(_CONTROL.sub("?", text).split())
    return redact(text[:limit])


def _auth():
    """Credentials for the scheme the server asks for (Digest or Basic), or None without CLAIMKB_USER."""
    user = os.environ.get("CLAIMKB_USER") or ""
    if not user:
        return None
    import httpx

    password = _password()

    class ChallengeAuth(httpx.Auth):
        """Send nothing until the server challenges; then answer in its scheme, and keep using it."""

        def __init__(self) -> None:
            self.scheme: str | None = None
            self.digest = httpx.DigestAuth(user, password)
            self.basic = httpx.BasicAuth(user, password)

        def auth_flow(self, request):
            if self.scheme == "digest":
                yield from self.digest.auth_flow(request)
                return
            if self.scheme == "basic":
                yield from self.basic.auth_flow(request)
                return
            response = yield request
            if response.status_code != 401:
                return
            offered = {h.split(" ", 1)[0].strip().lower() for h in response.headers.get_list("www-authenticate")}
            if "digest" in offered:
                self.scheme = "digest"
                yield from self.digest.auth_flow(request)
            elif "basic" in offered:
                self.scheme = "basic"
                yield from self.basic.auth_flow(request)

    return ChallengeAuth()


# -- one exchange ---------------------------------------------------------------------------------

class _Answer:
    __slots__ = ("status", "content_type", "body", "headers", "deadline")

    def __init__(self, status: int, content_type: str, body: bytes, headers: dict[str, str]) -> None:
        self.status, self.content_type, self.body, self.headers = status, content_type, body, headers
        self.deadline: float | None = None


def _within(seconds: float, call):
    """Run `call` with a total deadline. Socket timeouts bound each wait, not the whole exchange (a server
    that trickles its headers would hold it), so the request runs in a daemon thread that is abandoned when
    the deadline passes."""
    import threading

    outcome: dict[str, object] = {}

    def run() -> None:
        try:
            outcome["value"] = call()
        except BaseException as exc:  # noqa: BLE001 - handed back to the caller below
            outcome["error"] = exc

    worker = threading.Thread(target=run, daemon=True, name="claimkb-remote")
    worker.start()
    worker.join(seconds)
    if worker.is_alive():
        raise TimeoutError("the request did not finish within the deadline")
    if "error" in outcome:
        raise outcome["error"]  # type: ignore[misc]
    return outcome["value"]


class _TooLarge(Exception):
    pass


def _exchange(client, method: str, url: str, *, deadline: float, cap: int, **kwargs) -> _Answer:
    with client.stream(method, url, **kwargs) as response:
        chunks = []
        size = 0
        limit = cap if 200 <= response.status_code < 300 else 4096  # an error body: its start is enough
        for chunk in response.iter_bytes():
            if time.monotonic() > deadline:
                raise TimeoutError("deadline passed while reading the answer")
            size += len(chunk)
            chunks.append(chunk)
            if size > limit:
                if limit == cap:
                    raise _TooLarge()
                break
        headers = {k.lower(): v for k, v in response.headers.items()}
        return _Answer(response.status_code, response.headers.get("content-type", ""), b"".join(chunks), headers)


class RemoteBackend:
    name = "remote"

    def __init__(self, endpoint: str, *, store_endpoint: str | None = None, timeout: float = DEFAULT_TIMEOUT,
                 update_endpoint: str | None = None, with_tables: bool = False) -> None:
        self.endpoint = check_url(endpoint, "endpoint")
        self.with_tables = with_tables
        self._tables: Any = None
        self._tables_read = False
        if store_endpoint:
            self.store_endpoint: str | None = check_url(store_endpoint, "graph store endpoint")
        elif self.endpoint.rstrip("/").endswith("/query"):  # Oxigraph's layout: /query, /update, /store
            self.store_endpoint = self.endpoint.rstrip("/")[: -len("/query")] + "/store"
        else:
            self.store_endpoint = None
        self.timeout = timeout
        self._client: Any = None

    @property
    def tables(self):
        """The comparison tables the server holds (tables/entries.py), looked up when first needed (with
        `with_tables`); None when it holds none: the catalogue queries answer."""
        if self.with_tables and not self._tables_read:
            from ..tables.entries import read_from

            self._tables = read_from(lambda text: self.select(text).rows)
            self._tables_read = True
        return self._tables

    def client(self):
        if self._client is None:
            import httpx

            # one connection pool per backend; no redirects; no proxies or netrc from the environment
            # (credentials come from CLAIMKB_USER/CLAIMKB_PASSWORD only)
            self._client = httpx.Client(follow_redirects=False, trust_env=False, auth=_auth(),
                                        timeout=httpx.Timeout(self.timeout), headers={"User-Agent": "claimkb"})
        return self._client

    def _request(self, method: str, url: str, **kwargs) -> _Answer:
        deadline = time.monotonic() + self.timeout
        cap = max_response_bytes()
        client = self.client()
        try:
            answer = _within(self.timeout, lambda: _exchange(client, method, url, deadline=deadline, cap=cap,
                                                             **kwargs))
        except _TooLarge:
            raise KbError(f"{safe_url(url)} answered more than {cap // 2**20} MB",
                          hint="ask for less (a narrower query), or raise CLAIMKB_MAX_RESPONSE_MB") from None
        except Exception as exc:  # noqa: BLE001 - httpx and sockets raise many types
            raise transport_error(exc, url) from None
        answer.deadline = deadline  # decoding the answer counts against the same deadline
        if 300 <= answer.status < 400:
            raise KbError(f"{safe_url(url)} answered with a redirect ({answer.status}), which claimkb does not "
                          "follow", hint="use the final URL of the endpoint directly")
        if not 200 <= answer.status < 300:
            detail = _shown(answer.body)
            hint = {401: "set CLAIMKB_USER and CLAIMKB_PASSWORD (Digest or Basic, as the server asks)",
                    403: "the user may not do this: for Virtuoso, GRANT SPARQL_UPDATE to it",
                    404: "check the URL (Oxigraph: http://HOST:PORT/query and /store)"}.get(
                        answer.status, "check the URL and the server's log")
            raise KbError(f"{safe_url(url)} answered HTTP {answer.status}{': ' + detail if detail else ''}",
                          hint=hint)
        return answer

    # -- queries ------------------------------------------------------------------------------

    def select(self, query_text: str) -> ResultTable:
        """Send a SELECT that claimkb wrote or checked (see `adhoc.py` for text a user typed)."""
        answer = self._request("POST", self.endpoint, data={"query": query_text},
                               headers={"Accept": RESULTS_JSON})
        where = safe_url(self.endpoint)
        content_type = answer.content_type.split(";")[0].strip().lower()
        if content_type != RESULTS_JSON:
            shown = _CONTROL.sub("?", answer.content_type)[:100] or "no content type"
            raise KbError(f"{where} answered {shown}, not SPARQL JSON results ({RESULTS_JSON})",
                          hint="is this the SPARQL query endpoint (for Oxigraph: /query)?")
        if "x-sql-state" in answer.headers:  # Virtuoso's partial ("anytime") answer
            raise KbError(f"{where} answered a partial result ({_shown(answer.headers['x-sql-state'].encode())}: "
                          f"{_shown(answer.headers.get('x-sql-message', '').encode())})",
                          hint="the server cut the query short: raise its MaxQueryExecutionTime, or set it to 0")
        return parse_results(answer.body, where, deadline=answer.deadline)

    # -- Graph Store Protocol -----------------------------------------------------------------

    def store_url(self, graph: str) -> str:
        if not self.store_endpoint:
            raise UsageError("no graph store endpoint to write to",
                             hint="give --store URL (Oxigraph: http://HOST:PORT/store; Fuseki: .../DATASET/data; "
                                  "Virtuoso: http://HOST:PORT/sparql-graph-crud-auth)")
        return self.store_endpoint + "?" + urllib.parse.urlencode({"graph": graph})

    def put_graph(self, graph: str, ntriples: bytes) -> int:
        """Replace one named graph whole (SPARQL 1.1 Graph Store Protocol PUT). Returns the HTTP status."""
        answer = self._request("PUT", self.store_url(graph), content=ntriples,
                               headers={"Content-Type": "application/n-triples"})
        return answer.status

    def post_graph(self, graph: str, ntriples: bytes) -> int:
        """Add triples to one named graph (Graph Store Protocol POST). Returns the HTTP status."""
        answer = self._request("POST", self.store_url(graph), content=ntriples,
                               headers={"Content-Type": "application/n-triples"})
        return answer.status

    def delete_graph(self, graph: str) -> int:
        """Remove one named graph (Graph Store Protocol DELETE)."""
        return self._request("DELETE", self.store_url(graph)).status


def parse_results(body: bytes, where: str, deadline: float | None = None) -> ResultTable:
    """SPARQL JSON results, checked term by term; anything else is a KbError. The answer has the embedded
    store's caps (adhoc.MAX_ROWS rows, adhoc.MAX_BYTES bytes of values), a decimal with an exponent beyond
    limits.MAX_EXPONENT is refused (written out it would be a billion digits), and decoding stops with a
    timeout error once `deadline` (time.monotonic) has passed."""
    from ..adhoc import MAX_BYTES, MAX_ROWS
    from ..limits import MAX_EXPONENT, huge_exponent
    from ..namespaces import XSD

    decimal = str(XSD.decimal)

    bad = KbError(f"{where} answered a body that is not SPARQL JSON results", hint="check the endpoint URL")
    late = KbError(f"{where} did not answer in time (the answer was still being read at the deadline)",
                   hint="raise --timeout, or ask for less (add a LIMIT)")
    try:
        data = json.loads(body)
    except (ValueError, RecursionError):
        raise bad from None
    if deadline is not None and time.monotonic() > deadline:
        raise late
    if not isinstance(data, dict) or not isinstance(data.get("head"), dict):
        raise bad
    variables = data["head"].get("vars")
    results = data.get("results")
    if (not isinstance(variables, list) or not all(isinstance(v, str) for v in variables)
            or not isinstance(results, dict) or not isinstance(results.get("bindings"), list)):
        raise bad
    if len(results["bindings"]) > MAX_ROWS:
        raise KbError(f"{where} answered more than {MAX_ROWS:,} rows", hint="add a LIMIT")
    rows = []
    size = 0
    for count, binding in enumerate(results["bindings"]):
        if not isinstance(binding, dict):
            raise bad
        if deadline is not None and count % 10_000 == 0 and time.monotonic() > deadline:
            raise late
        row = {}
        for name, term in binding.items():
            if (not isinstance(term, dict) or term.get("type") not in TERM_KINDS
                    or not isinstance(term.get("value"), str)
                    or not all(isinstance(term.get(k, ""), str) for k in ("datatype", "xml:lang"))):
                raise bad
            size += len(term["value"])
            if term.get("datatype") == decimal and huge_exponent(term["value"]):
                raise KbError(f"{where} answered the decimal {_shown(term['value'].encode(), 40)!r}, with an exponent "
                              f"beyond {MAX_EXPONENT}", hint="check the data on the server: no figure is that large")
            row[name] = Term.from_json(term)
        if size > MAX_BYTES:
            raise KbError(f"{where} answered more than {MAX_BYTES // 2**20} MB of values", hint="add a LIMIT")
        rows.append(row)
    return ResultTable(list(variables), rows)


def transport_error(exc: Exception, url: str) -> KbError:
    """A failure below HTTP (connection, timeout, protocol) as a message without secrets."""
    where = safe_url(url)
    if isinstance(exc, TimeoutError):
        return KbError(f"{where} did not answer in time", hint="raise --timeout, or check the server")
    import httpx

    if isinstance(exc, httpx.TimeoutException):
        return KbError(f"{where} did not answer in time", hint="raise --timeout, or check the server")
    if isinstance(exc, httpx.ConnectError):
        return KbError(f"cannot reach {where}: {redact(str(exc)) or 'connection refused'}",
                       hint="is the server running, and is the URL right?")
    if isinstance(exc, (httpx.TransportError, OSError)):
        return KbError(f"the connection to {where} failed: {redact(str(exc)) or type(exc).__name__}",
                       hint="check the server")
    return KbError(f"the request to {where} failed: {redact(str(exc)) or type(exc).__name__}")
