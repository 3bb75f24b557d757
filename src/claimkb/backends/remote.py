"""A SPARQL 1.1 endpoint as the backend: queries through SPARQLWrapper, pushes through the Graph Store
Protocol. The only module that imports SPARQLWrapper (and only when an endpoint is used).

What the security notes measured, and what this module does about it:
- SPARQLWrapper guesses query-versus-update from a regex: the query type and method are set explicitly.
- urllib follows redirects, re-sends a POST as a GET and keeps `Authorization` across hosts: every
  redirect is refused, on reads and writes alike.
- Only some HTTP errors are mapped, and an unexpected content type comes back as raw bytes: any non-2xx
  answer or any body that is not SPARQL JSON results is a clear error.
- Credentials come from the environment only (CLAIMKB_USER / CLAIMKB_PASSWORD) and never appear in a
  message.
"""

from __future__ import annotations

import base64
import json
import os
import socket
import time
import urllib.error
import urllib.parse
import urllib.request

from ..errors import KbError
from ..results import ResultTable

DEFAULT_TIMEOUT = 30.0
RESULTS_JSON = ("application/sparql-results+json", "application/json")


class RedirectRefused(urllib.error.HTTPError):
    pass


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req, fp, code, msg, headers, newurl):  # noqa: D401 - urllib API
        raise RedirectRefused(req.full_url, code, f"redirect to {newurl} refused", headers, fp)


_OPENER = urllib.request.build_opener(_NoRedirect)


def _credentials() -> str | None:
    user = os.environ.get("CLAIMKB_USER")
    password = os.environ.get("CLAIMKB_PASSWORD", "")
    if not user:
        return None
    return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode("ascii")


def _safe_url(url: str) -> str:
    """The URL without any user:password part, for messages."""
    parts = urllib.parse.urlsplit(url)
    host = parts.hostname or ""
    if parts.port:
        host += f":{parts.port}"
    return urllib.parse.urlunsplit((parts.scheme, host, parts.path, "", ""))


def check_url(url: str, what: str) -> str:
    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise KbError(f"the {what} {url!r} is not an http(s) URL",
                      hint="give it like http://127.0.0.1:7878/query")
    if parts.username or parts.password:
        raise KbError(f"the {what} URL carries credentials",
                      hint="put them in CLAIMKB_USER and CLAIMKB_PASSWORD instead")
    return url


def http_error(exc: Exception, url: str) -> KbError:
    where = _safe_url(url)
    if isinstance(exc, RedirectRefused):
        return KbError(f"{where} answered with a redirect ({exc.code}), which claimkb does not follow",
                       hint="use the final URL of the endpoint directly")
    if isinstance(exc, urllib.error.HTTPError):
        detail = getattr(exc, "detail", "")
        return KbError(f"{where} answered HTTP {exc.code}{': ' + detail if detail else ''}",
                       hint="check the URL and the server's log")
    if isinstance(exc, (TimeoutError, socket.timeout)):
        return KbError(f"{where} did not answer in time", hint="raise --timeout, or check the server")
    if isinstance(exc, urllib.error.URLError):
        reason = exc.reason
        if isinstance(reason, (TimeoutError, socket.timeout)):
            return KbError(f"{where} did not answer in time", hint="raise --timeout, or check the server")
        return KbError(f"cannot reach {where}: {reason}", hint="is the server running, and is the URL right?")
    if isinstance(exc, (ConnectionError, OSError)):
        return KbError(f"the connection to {where} failed: {exc}", hint="check the server")
    return KbError(f"the request to {where} failed: {exc}")


class RemoteBackend:
    name = "remote"

    def __init__(self, endpoint: str, *, update_endpoint: str | None = None, store_endpoint: str | None = None,
                 timeout: float = DEFAULT_TIMEOUT) -> None:
        self.endpoint = check_url(endpoint, "endpoint")
        self.update_endpoint = check_url(update_endpoint, "update endpoint") if update_endpoint else None
        if store_endpoint:
            self.store_endpoint = check_url(store_endpoint, "graph store endpoint")
        elif self.endpoint.rstrip("/").endswith("/query"):  # Oxigraph's layout: /query, /update, /store
            self.store_endpoint = self.endpoint.rstrip("/")[: -len("/query")] + "/store"
        else:
            self.store_endpoint = None
        self.timeout = timeout

    # -- queries ------------------------------------------------------------------------------

    def select(self, query_text: str) -> ResultTable:
        """Send a SELECT that claimkb wrote or checked (see `adhoc.py` for text a user typed)."""
        from SPARQLWrapper import JSON, POST, SELECT, URLENCODED, SPARQLWrapper, Wrapper

        Wrapper.urlopener = _OPENER.open  # refuse redirects (see the module docstring)
        client = SPARQLWrapper(self.endpoint)
        client.setQuery(query_text)
        client.queryType = SELECT  # never the library's regex guess
        client.setMethod(POST)
        client.setRequestMethod(URLENCODED)
        client.setReturnFormat(JSON)
        client.setTimeout(self.timeout)
        auth = _credentials()
        if auth:
            client.addCustomHttpHeader("Authorization", auth)
        deadline = time.monotonic() + self.timeout

        def exchange() -> tuple[str, bytes]:
            response = client.query().response
            return response.headers.get("Content-Type", ""), _read_until(response, deadline)

        try:
            content_type, body = _within(self.timeout, exchange)
        except Exception as exc:  # noqa: BLE001 - SPARQLWrapper and urllib raise many types
            raise _query_error(exc, self.endpoint) from None
        if content_type.split(";")[0].strip().lower() not in RESULTS_JSON:
            raise KbError(f"{_safe_url(self.endpoint)} answered {content_type or 'no content type'}, "
                          "not SPARQL JSON results",
                          hint="is this the SPARQL query endpoint (for Oxigraph: /query)?")
        try:
            return ResultTable.from_sparql_json(json.loads(body))
        except (ValueError, KeyError, TypeError):
            raise KbError(f"{_safe_url(self.endpoint)} answered a body that is not SPARQL JSON results",
                          hint="check the endpoint URL") from None

    # -- Graph Store Protocol -----------------------------------------------------------------

    def _store_url(self, graph: str) -> str:
        if not self.store_endpoint:
            raise KbError("no graph store endpoint to write to",
                          hint="give --store URL (Oxigraph: http://HOST:PORT/store; Fuseki: .../DATASET/data)")
        return self.store_endpoint + "?" + urllib.parse.urlencode({"graph": graph})

    def put_graph(self, graph: str, ntriples: bytes) -> int:
        """Replace one named graph whole (SPARQL 1.1 Graph Store Protocol PUT). Returns the HTTP status."""
        url = self._store_url(graph)
        request = urllib.request.Request(url, data=ntriples, method="PUT",
                                         headers={"Content-Type": "application/n-triples"})
        auth = _credentials()
        if auth:
            request.add_header("Authorization", auth)
        deadline = time.monotonic() + self.timeout

        def exchange() -> int:
            try:
                with _OPENER.open(request, timeout=self.timeout) as response:
                    _read_until(response, deadline)
                    return response.status
            except urllib.error.HTTPError as exc:  # read its body here, under the deadline
                exc.detail = _snippet(exc)
                raise

        try:
            status = _within(self.timeout, exchange)
        except Exception as exc:  # noqa: BLE001
            raise http_error(exc, url) from None
        if status not in (200, 201, 204):
            raise KbError(f"{_safe_url(url)} answered HTTP {status} to a graph upload")
        return status


def _snippet(exc: urllib.error.HTTPError) -> str:
    """The start of an error body: what has arrived, never a wait for all of it."""
    try:
        reader = getattr(exc, "fp", None)
        body = reader.read1(300) if reader is not None and hasattr(reader, "read1") else b""
    except Exception:  # noqa: BLE001 - a broken body must not hide the status
        body = b""
    return " ".join(body.decode("utf-8", "replace").split())[:200]


def _within(seconds: float, call):
    """Run `call` with a total deadline. Socket timeouts bound each wait, not the whole exchange (a server
    that trickles its headers, or an error body SPARQLWrapper reads without a limit, would hold it), so the
    request runs in a daemon thread that is abandoned when the deadline passes."""
    import threading

    outcome: dict[str, object] = {}

    def run() -> None:
        try:
            outcome["value"] = call()
        except BaseException as exc:  # noqa: BLE001 - handed back to the caller below
            outcome["error"] = exc

    worker = threading.Thread(target=run, daemon=True)
    worker.start()
    worker.join(seconds)
    if worker.is_alive():
        raise TimeoutError("the request did not finish within the deadline")
    if "error" in outcome:
        raise outcome["error"]  # type: ignore[misc]
    return outcome["value"]


def _read_until(response, deadline: float) -> bytes:
    """Read the body in chunks, failing once the total deadline passes (a slow body counts too)."""
    chunks = []
    while True:
        if time.monotonic() > deadline:
            raise TimeoutError("deadline passed while reading the answer")
        chunk = response.read1(65536)  # what has arrived: a trickling body cannot outlast the deadline
        if not chunk:
            return b"".join(chunks)
        chunks.append(chunk)


def _query_error(exc: Exception, url: str) -> KbError:
    from SPARQLWrapper import SPARQLExceptions as errors

    codes = {errors.QueryBadFormed: 400, errors.Unauthorized: 401, errors.EndPointNotFound: 404,
             errors.URITooLong: 414, errors.EndPointInternalError: 500}
    for kind, code in codes.items():
        if isinstance(exc, kind):
            detail = str(exc).split("Response:", 1)[-1] if "Response:" in str(exc) else ""
            detail = " ".join(detail.strip().strip("b'\"").split())[:200]
            hint = {400: "the server could not parse the query: its SPARQL dialect may differ",
                    401: "set CLAIMKB_USER and CLAIMKB_PASSWORD",
                    404: "check the endpoint URL (for Oxigraph: http://HOST:PORT/query)"}.get(
                        code, "check the server's log")
            return KbError(f"{_safe_url(url)} answered HTTP {code}{': ' + detail if detail else ''}",
                           hint=hint)
    return http_error(exc, url)
