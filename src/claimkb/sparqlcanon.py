"""Check an untrusted SPARQL query on a real parser's tree and write it back in one canonical form.

The engine is only ever given `canonicalise(query).text`, which this module writes from an allow-list of
parse-tree nodes (rdflib's SPARQL 1.1 grammar). Nothing of the user's text is copied through: IRIs are
written as absolute `<...>` from a checked character set, literals are re-escaped, prefixed names are
expanded, comments and `\\u` escapes are gone, every operator is fully parenthesised. A node type this
module has no writer for (SERVICE, FROM / FROM NAMED, anything a later rdflib adds) is refused, and
updates and LOAD do not parse as a query at all. So a lexer trick that hides a keyword from one parser
cannot reach the engine: the engine sees only what the writer wrote, and the writer writes only what the
check parsed. (A check that passed the original text on would not do: rdflib expands `\\u` escapes over
the whole text, pyoxigraph only inside strings and IRIs, and `"\\u0022" SERVICE <...> "\\u0022"` is a
string to one and a SERVICE to the other.)

Measured on the same tree: the depth of the operator tree the engine will build (a chain of n operands
counts n levels, a group of k parts counts k, a BGP of t patterns counts t), refused above MAX_DEPTH, at
least 4.7 times below the depths that overflow the engine's native stack; and the number of nodes,
refused above MAX_NODES. `prescan` refuses, in microseconds and without rdflib, what is too long, too
deeply bracketed or too long a chain for the parser to be worth running (rdflib needs about half a
millisecond per `||` operand, 2 ms per `+`).

rdflib is imported only when a query is parsed (`claimkb sparql`, `kb.sparql()`), never on start-up.
"""

from __future__ import annotations

import re
import sys
import threading
from typing import NamedTuple

from .errors import InputError, UsageError
from .namespaces import RDF

MAX_CHARS = 50_000
MAX_BRACKETS = 64  # deepest ( { [ nesting outside strings, IRIs and comments
MAX_REPEATS = 250  # occurrences of one operator, keyword or separator (||, +, !, OPTIONAL, UNION, ., ;) in the text
MAX_DEPTH = 200  # engine operator-tree depth; the engine's stack overflows at 690 to 9,500 depending on construct
MAX_NODES = 20_000
PARSE_RECURSION_LIMIT = 50_000
# Python 3.10 recurses on the C stack (a thread with room makes deep parsing safe); 3.11 and later do not
PARSE_STACK_BYTES = (256 << 20) if sys.version_info < (3, 11) else (16 << 20)

RDF_NIL = RDF + "nil"
HINT = "query only the knowledge base; load other data with `claimkb import`"


class Refused(UsageError):
    """The query is refused on purpose (it would reach outside the store, or is too large to run safely)."""

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        super().__init__(message, hint=hint)


class Canonical(NamedTuple):
    text: str
    depth: int
    nodes: int


# -- the pre-scan: refuses only, so it can never let anything through ----------------------------------

_SCAN = re.compile(
    r"""(?P<comment>\#[^\n\r]*)
      | (?P<string>'''(?:[^'\\]|\\.|'(?!''))*'''|\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"
          |'(?:[^'\\\n\r]|\\.)*'|"(?:[^"\\\n\r]|\\.)*")
      | (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
      | (?P<open>[({\[])
      | (?P<close>[)}\]])
      | (?P<op>\|\||&&|!=|\^\^|[!+*/|^;-]|\.(?![0-9]))
      | (?P<word>[A-Za-z_][A-Za-z0-9_.-]*(?::[A-Za-z0-9_.:%-]*)?|:[A-Za-z0-9_.:%-]*|[?$][A-Za-z0-9_]+)
      | (?P<other>[^#'"<({\[)}\]|&!+*/^A-Za-z_:?$;.-]+|.)""",
    re.VERBOSE | re.DOTALL,
)
_COUNTED_WORDS = {"OPTIONAL", "UNION", "MINUS", "FILTER", "BIND", "GRAPH", "EXISTS", "SELECT", "IF", "COALESCE",
                  "VALUES", "CONCAT", "REPLACE"}
_SURROGATE = re.compile("[\ud800-\udfff]")
SERVICE_REFUSED = ("the query uses SERVICE, which claimkb refuses: SERVICE would make the engine fetch data from "
                   "another endpoint or a file")
FROM_REFUSED = ("the query uses FROM, which claimkb refuses: FROM / FROM NAMED would read another graph, a URL or "
                "a local file")
_REFUSED_WORDS = {"SERVICE": SERVICE_REFUSED, "FROM": FROM_REFUSED}


def prescan(query: str) -> None:
    """Refuse, cheaply, a query too long, too deeply bracketed or with too long a chain to check."""
    if len(query) > MAX_CHARS:
        raise Refused(f"the query is longer than {MAX_CHARS:,} characters", hint="shorten the query")
    if _SURROGATE.search(query):
        raise Refused("the query contains a lone surrogate (U+D800 to U+DFFF), which is not text",
                      hint="save the query as UTF-8 text")
    depth = 0
    counts: dict[str, int] = {}
    for match in _SCAN.finditer(query):
        kind = match.lastgroup
        if kind == "open":
            depth += 1
            if depth > MAX_BRACKETS:
                raise Refused(f"the query nests brackets more than {MAX_BRACKETS} deep", hint="flatten the query")
        elif kind == "close":
            depth -= 1
        elif kind in ("op", "word"):
            token = match.group().upper()
            if token in _REFUSED_WORDS:  # always the keyword outside strings, IRIs and comments
                raise Refused(_REFUSED_WORDS[token], hint=HINT)
            if token in ("!=", "^^") or (kind == "word" and token not in _COUNTED_WORDS):
                continue
            if token == "-" and query[match.end():match.end() + 1].isdigit():
                continue  # a negative number, as in a VALUES list; not an operator
            counts[token] = counts.get(token, 0) + 1
            if counts[token] > MAX_REPEATS:
                raise Refused(f"the query uses {match.group()!r} more than {MAX_REPEATS:,} times",
                              hint="split the query, or use VALUES or IN (...) for long lists")


# -- parsing, where deep recursion is an exception and not a crash ---------------------------------------

def parse(query: str):
    """rdflib's parse tree of a query. Raises Refused or InputError, never a parser's own exception."""
    from rdflib.plugins.sparql import parser

    out: dict = {}

    def run() -> None:
        old = sys.getrecursionlimit()
        sys.setrecursionlimit(max(old, PARSE_RECURSION_LIMIT))
        try:
            out["tree"] = parser.parseQuery(query)
        except RecursionError:
            out["error"] = Refused("the query is too deeply nested to check", hint="flatten the query")
        except Exception as exc:  # noqa: BLE001 - pyparsing's ParseException, ValueError from \u escapes, ...
            out["error"] = _not_a_query(parser, query, exc)
        finally:
            sys.setrecursionlimit(old)

    old_size = threading.stack_size()
    threading.stack_size(PARSE_STACK_BYTES)
    try:
        thread = threading.Thread(target=run, name="claimkb-sparql-parse")
        thread.start()
    except RuntimeError:  # "can't start new thread": no address space left for its stack under the cap
        raise MemoryError("no memory for the parser's stack") from None
    finally:
        threading.stack_size(old_size)
    thread.join()
    if "error" in out:
        raise out["error"]
    return out["tree"]


_UPDATES = {"Load": "LOAD", "Clear": "CLEAR", "Drop": "DROP", "Create": "CREATE", "Add": "ADD", "Move": "MOVE",
            "Copy": "COPY", "InsertData": "INSERT DATA", "DeleteData": "DELETE DATA", "DeleteWhere": "DELETE WHERE",
            "Modify": "DELETE/INSERT"}


def _not_a_query(parser, query: str, exc: Exception) -> Exception:
    """Why a text that is not a query was not accepted: an update says what it is, the rest where it broke."""
    try:
        update = parser.parseUpdate(query)
    except Exception:  # noqa: BLE001 - not an update either: report the query's own parse error
        update = None
    if update is not None:
        names = [getattr(u, "name", "") for u in update.request]
        if "Load" in names:
            return Refused("the query uses LOAD, which claimkb refuses: LOAD would read a URL or a local file "
                           "into the store", hint=HINT)
        first = next((_UPDATES[n] for n in names if n in _UPDATES), "an update")
        return Refused(f"the query is an update ({first}): claimkb runs read-only queries only",
                       hint="change the knowledge base with `claimkb import`")
    line, col = getattr(exc, "lineno", None), getattr(exc, "col", None)
    detail = (getattr(exc, "msg", None) or str(exc)).splitlines()[0] if str(exc) else type(exc).__name__
    detail = detail.replace("\n", " ")[:160]
    where = ""
    if isinstance(line, int) and isinstance(col, int):
        near = " ".join(str(getattr(exc, "line", ""))[col - 1:col + 29].split())
        where = f" at line {line}, column {col}" + (f" ({near!r})" if near else "")
    return InputError(f"the query does not parse{where}: {detail[:1].lower() + detail[1:]}",
                      hint="check it against SPARQL 1.1")


# -- the writer ------------------------------------------------------------------------------------------

_IRI_OK = re.compile(r'[^<>"{}|^`\\\x00-\x20]*\Z')
_ABSOLUTE = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:")
_VARNAME = re.compile(
    "[A-Za-z0-9_\u00C0-\u00D6\u00D8-\u00F6\u00F8-\u02FF\u0370-\u037D\u037F-\u1FFF\u200C-\u200D"
    "\u2070-\u218F\u2C00-\u2FEF\u3001-\uD7FF\uF900-\uFDCF\uFDF0-\uFFFD\U00010000-\U000EFFFF"
    "\u00B7\u0300-\u036F\u203F-\u2040]+\\Z"
)
_PN_LOCAL_ESC = re.compile(r"\\([_~.\-!$&'()*+,;=/?#@%])")
_LANG = re.compile(r"[A-Za-z]+(-[A-Za-z0-9]+)*\Z")
_INT = re.compile(r"[0-9]+\Z")
_ESC = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t", "\b": "\\b", "\f": "\\f"}

_ONE_ARG = {
    "STR", "LANG", "DATATYPE", "IRI", "URI", "ABS", "CEIL", "FLOOR", "ROUND", "STRLEN", "UCASE", "LCASE",
    "ENCODE_FOR_URI", "YEAR", "MONTH", "DAY", "HOURS", "MINUTES", "SECONDS", "TIMEZONE", "TZ", "MD5", "SHA1",
    "SHA256", "SHA384", "SHA512", "isIRI", "isURI", "isBLANK", "isLITERAL", "isNUMERIC",
}
_TWO_ARGS = {"LANGMATCHES", "CONTAINS", "STRSTARTS", "STRENDS", "STRBEFORE", "STRAFTER", "STRLANG", "STRDT",
             "sameTerm"}
_NO_ARGS = {"RAND", "NOW", "UUID", "STRUUID"}
_LISTS = {"CONCAT", "COALESCE"}
_AGGREGATES = {"Aggregate_Count": "COUNT", "Aggregate_Sum": "SUM", "Aggregate_Min": "MIN",
               "Aggregate_Max": "MAX", "Aggregate_Avg": "AVG", "Aggregate_Sample": "SAMPLE",
               "Aggregate_GroupConcat": "GROUP_CONCAT"}


class _Writer:
    def __init__(self, prologue) -> None:
        from rdflib.plugins.sparql.parserutils import CompValue
        from rdflib.term import BNode, Literal, URIRef, Variable

        self.BNode, self.Literal, self.URIRef, self.Variable = BNode, Literal, URIRef, Variable
        self.CompValue = CompValue
        self.base: str | None = None
        self.prefixes: dict[str, str] = {}
        for decl in prologue:
            if decl.name == "Base":
                self.base = self.iri_text(decl.iri)
            elif decl.name == "PrefixDecl":
                self.prefixes[decl.prefix or ""] = self.iri_text(decl.iri)
            else:
                raise Refused(f"unexpected {decl.name} in the prologue")
        self.bnodes: dict[str, str] = {}
        self.depth = self.deepest = self.nodes = 0

    # bookkeeping
    def enter(self, levels: int = 1) -> None:
        self.depth += levels
        self.nodes += 1
        if self.depth > self.deepest:
            self.deepest = self.depth
            if self.deepest > MAX_DEPTH:
                raise Refused(f"the query nests operators more than {MAX_DEPTH} deep (counting chains of ||, &&, "
                              "+, *, paths, UNIONs, the parts of a group and the patterns of a block)",
                              hint="split the query, or use VALUES or IN (...) for long lists")
        if self.nodes > MAX_NODES:
            raise Refused(f"the query has more than {MAX_NODES:,} parts", hint="split the query")

    def leave(self, levels: int = 1) -> None:
        self.depth -= levels

    def is_comp(self, node, *names: str) -> bool:
        return isinstance(node, self.CompValue) and (not names or node.name in names)

    # terms
    def iri_text(self, iri) -> str:
        if self.is_comp(iri, "pname"):
            prefix = _g(iri, "prefix") or ""
            if prefix not in self.prefixes:
                raise InputError(f"the prefix {prefix}: is not declared", hint=f"add PREFIX {prefix}: <...>")
            value = self.prefixes[prefix] + _PN_LOCAL_ESC.sub(r"\1", _g(iri, "localname") or "")
        else:
            value = str(iri)
        if not _ABSOLUTE.match(value):
            if self.base is None:
                raise InputError(f"the relative IRI <{value}> needs a BASE", hint="write the full IRI")
            value = resolve_iri(self.base, value)
        if not _IRI_OK.match(value) or not _ABSOLUTE.match(value):
            raise InputError(f"the IRI {value!r} has characters an IRI may not contain")
        _utf8(value)
        return value

    def iri(self, iri) -> str:
        return "<" + self.iri_text(iri) + ">"

    def var(self, v) -> str:
        if not isinstance(v, self.Variable) or not _VARNAME.match(str(v)):
            raise InputError(f"unexpected variable {str(v)[:40]!r}")
        return "?" + str(v)

    def string(self, s) -> str:
        s = str(s)
        _utf8(s)
        out = []
        for ch in s:
            if ch in _ESC:
                out.append(_ESC[ch])
            elif ord(ch) < 0x20 or ch == "\x7f":
                out.append(f"\\u{ord(ch):04X}")
            else:
                out.append(ch)
        return '"' + "".join(out) + '"'

    def term(self, t) -> str:
        self.enter(0)
        if isinstance(t, self.Variable):
            return self.var(t)
        if self.is_comp(t, "pname") or isinstance(t, self.URIRef):
            return self.iri(t)
        if isinstance(t, self.BNode):
            label = self.bnodes.setdefault(str(t), f"b{len(self.bnodes)}")
            return "_:" + label
        if self.is_comp(t, "literal"):
            text = self.string(t.string)
            if _g(t, "lang"):
                if not _LANG.match(t.lang):
                    raise InputError(f"bad language tag {t.lang!r}")
                return text + "@" + t.lang
            if _g(t, "datatype") is not None:
                return text + "^^" + self.iri(t.datatype)
            return text
        if isinstance(t, self.Literal):  # numbers and booleans, typed by the parser
            if t.language:
                return self.string(str(t)) + "@" + t.language
            if t.datatype is None:
                return self.string(str(t))
            return self.string(str(t)) + "^^" + self.iri(t.datatype)
        raise Refused(f"unexpected term {type(t).__name__}")

    # paths
    def path(self, p) -> str:
        if isinstance(p, self.Variable):
            return self.var(p)
        if isinstance(p, self.URIRef) or self.is_comp(p, "pname"):
            return self.iri(p)
        if not self.is_comp(p):
            raise Refused(f"unexpected path element {type(p).__name__}")
        if p.name in ("PathAlternative", "PathSequence"):
            parts = list(p.part)
            if len(parts) == 1:
                return self.path(parts[0])
            sep = " | " if p.name == "PathAlternative" else " / "
            self.enter(len(parts))
            try:
                return "(" + sep.join(self.path(x) for x in parts) + ")"
            finally:
                self.leave(len(parts))
        if p.name == "PathElt":
            self.enter()
            try:
                inner = self.path_primary(p.part)
                mod = _g(p, "mod")
                if mod is None:
                    return inner
                if mod not in ("*", "+", "?"):
                    raise Refused(f"unexpected path modifier {mod!r}")
                return "(" + inner + ")" + mod
            finally:
                self.leave()
        if p.name == "PathEltOrInverse":
            self.enter()
            try:
                return "^(" + self.path(p.part) + ")"
            finally:
                self.leave()
        raise Refused(f"unsupported path form {p.name}")

    def path_primary(self, p) -> str:
        if self.is_comp(p, "PathNegatedPropertySet"):
            items = []
            for x in _g(p, "part") or []:
                if self.is_comp(x, "InversePath"):
                    # rdflib's parse tree drops the IRI of `^iri` inside `!( )`: it cannot be written back
                    raise Refused("an inverse IRI inside a negated property set (!^p) is not supported",
                                  hint="write it as a FILTER NOT EXISTS")
                items.append(self.iri(x))
            return "!(" + " | ".join(items) + ")"
        if self.is_comp(p, "DistinctPath"):
            raise Refused("DISTINCT( path ) is not SPARQL 1.1")
        return self.path(p)

    # expressions
    def expr(self, e) -> str:
        if not self.is_comp(e):
            return self.term(e)
        n = e.name
        if n in ("ConditionalOrExpression", "ConditionalAndExpression"):
            others = list(_g(e, "other") or [])
            if not others:
                return self.expr(e.expr)
            op = " || " if n == "ConditionalOrExpression" else " && "
            self.enter(len(others))
            try:
                return "(" + op.join(self.expr(x) for x in [e.expr] + others) + ")"
            finally:
                self.leave(len(others))
        if n == "RelationalExpression":
            if _g(e, "op") is None:
                return self.expr(e.expr)
            self.enter()
            try:
                op = str(e.op)
                if op in ("IN", "NOT IN"):
                    items = _exprlist(_g(e, "other"))
                    return "(" + self.expr(e.expr) + f" {op} (" + ", ".join(self.expr(x) for x in items) + "))"
                if op not in ("=", "!=", "<", ">", "<=", ">="):
                    raise Refused(f"unexpected operator {op!r}")
                return "(" + self.expr(e.expr) + f" {op} " + self.expr(e.other) + ")"
            finally:
                self.leave()
        if n in ("AdditiveExpression", "MultiplicativeExpression"):
            ops = list(_g(e, "op") or [])
            others = list(_g(e, "other") or [])
            if not ops:
                return self.expr(e.expr)
            if len(ops) != len(others) or any(o not in ("+", "-", "*", "/") for o in ops):
                raise Refused("unexpected arithmetic")
            self.enter(len(ops))
            try:
                out = [self.expr(e.expr)]
                for o, x in zip(ops, others, strict=True):
                    out.append(f" {o} ")
                    out.append(self.expr(x))
                return "(" + "".join(out) + ")"
            finally:
                self.leave(len(ops))
        if n in ("UnaryNot", "UnaryMinus", "UnaryPlus"):
            sign = {"UnaryNot": "!", "UnaryMinus": "-", "UnaryPlus": "+"}[n]
            self.enter()
            try:
                return f"({sign}(" + self.expr(e.expr) + "))"
            finally:
                self.leave()
        if n.startswith("Builtin_"):
            return self.builtin(e, n[len("Builtin_"):])
        if n in _AGGREGATES:
            return self.aggregate(e, _AGGREGATES[n])
        if n == "Function":
            self.enter()
            try:
                args = list(_g(e, "expr") or [])
                distinct = "DISTINCT " if _flag(_g(e, "distinct")) else ""
                return self.iri(e.iri) + "(" + distinct + ", ".join(self.expr(a) for a in args) + ")"
            finally:
                self.leave()
        if n in ("pname", "literal"):
            return self.term(e)
        raise Refused(f"unsupported expression {n}")

    def builtin(self, e, name: str) -> str:
        self.enter()
        try:
            if name in _ONE_ARG:
                return f"{name}(" + self.expr(e.arg) + ")"
            if name in _TWO_ARGS:
                return f"{name}(" + self.expr(e.arg1) + ", " + self.expr(e.arg2) + ")"
            if name in _NO_ARGS:
                return f"{name}()"
            if name in _LISTS:
                return f"{name}(" + ", ".join(self.expr(a) for a in _exprlist(_g(e, "arg"))) + ")"
            if name == "IF":
                return "IF(" + ", ".join(self.expr(x) for x in (e.arg1, e.arg2, e.arg3)) + ")"
            if name == "BOUND":
                return "BOUND(" + self.var(e.arg) + ")"
            if name == "BNODE":
                return "BNODE(" + (self.expr(e.arg) if _g(e, "arg") is not None else "") + ")"
            if name == "REGEX":
                args = [e.text, e.pattern] + ([e.flags] if _g(e, "flags") is not None else [])
                return "REGEX(" + ", ".join(self.expr(x) for x in args) + ")"
            if name == "SUBSTR":
                args = [e.arg, e.start] + ([e.length] if _g(e, "length") is not None else [])
                return "SUBSTR(" + ", ".join(self.expr(x) for x in args) + ")"
            if name == "REPLACE":
                args = [e.arg, e.pattern, e.replacement] + ([e.flags] if _g(e, "flags") is not None else [])
                return "REPLACE(" + ", ".join(self.expr(x) for x in args) + ")"
            if name == "EXISTS":
                return "EXISTS " + self.group(e.graph)
            if name == "NOTEXISTS":
                return "NOT EXISTS " + self.group(e.graph)
            raise Refused(f"unsupported function {name}")
        finally:
            self.leave()

    def aggregate(self, e, name: str) -> str:
        self.enter()
        try:
            distinct = "DISTINCT " if _flag(_g(e, "distinct")) else ""
            arg = "*" if (name == "COUNT" and e.vars == "*") else self.expr(e.vars)
            if name == "GROUP_CONCAT" and _g(e, "separator") is not None:
                return f"{name}({distinct}{arg}; SEPARATOR=" + self.string(e.separator) + ")"
            return f"{name}({distinct}{arg})"
        finally:
            self.leave()

    # graph patterns
    def group(self, g) -> str:
        if self.is_comp(g, "SubSelect"):
            self.enter()
            try:
                return "{ " + self.select(g) + " }"
            finally:
                self.leave()
        if not self.is_comp(g, "GroupGraphPatternSub"):
            raise Refused(f"unsupported group {getattr(g, 'name', type(g).__name__)}")
        parts = list(_g(g, "part") or [])
        self.enter(max(1, len(parts)))
        try:
            return "{ " + " ".join(self.part(p) for p in parts) + " }"
        finally:
            self.leave(max(1, len(parts)))

    def part(self, p) -> str:
        if not self.is_comp(p):
            raise Refused(f"unexpected {type(p).__name__} in a group")
        n = p.name
        if n == "TriplesBlock":
            out = []
            for triples in _g(p, "triples") or []:
                triples = list(triples)
                if len(triples) % 3:
                    raise Refused("malformed triple pattern")
                for i in range(0, len(triples), 3):
                    s, pr, o = triples[i:i + 3]
                    out.append(self.term(s) + " " + self.path(pr) + " " + self.term(o) + " .")
            self.enter(len(out))  # a block of t patterns counts t: the planner joins them
            self.leave(len(out))
            return " ".join(out)
        if n == "Filter":
            return "FILTER(" + self.expr(p.expr) + ")"
        if n == "Bind":
            return "BIND(" + self.expr(p.expr) + " AS " + self.var(p.var) + ")"
        if n == "OptionalGraphPattern":
            return "OPTIONAL " + self.group(p.graph)
        if n == "MinusGraphPattern":
            return "MINUS " + self.group(p.graph)
        if n == "GraphGraphPattern":
            term = p.term
            head = self.var(term) if isinstance(term, self.Variable) else self.iri(term)
            return "GRAPH " + head + " " + self.group(p.graph)
        if n == "GroupOrUnionGraphPattern":
            graphs = list(p.graph)
            self.enter(len(graphs))
            try:
                return " UNION ".join(self.group(x) for x in graphs) if len(graphs) > 1 else self.group(graphs[0])
            finally:
                self.leave(len(graphs))
        if n == "InlineData":
            return self.values(p)
        if n == "ServiceGraphPattern":
            raise Refused(SERVICE_REFUSED, hint=HINT)
        raise Refused(f"unsupported graph pattern {n}")

    def values(self, v) -> str:
        variables = [self.var(x) for x in (_g(v, "var") or [])]
        rows = list(_g(v, "value") or [])
        self.enter()
        try:
            def cell(x) -> str:
                return "UNDEF" if (type(x) is str and x == "UNDEF") else self.term(x)

            if len(variables) == 1 and rows and not _is_row(rows[0]):
                return "VALUES " + variables[0] + " { " + " ".join(cell(x) for x in rows) + " }"
            out = []
            for row in rows:
                row = list(row) if _is_row(row) else [row]
                if len(row) != len(variables):
                    raise InputError("a VALUES row has the wrong number of values")
                out.append("(" + " ".join(cell(x) for x in row) + ")")
            return "VALUES (" + " ".join(variables) + ") { " + " ".join(out) + " }"
        finally:
            self.leave()

    # queries
    def select(self, q) -> str:
        if _g(q, "datasetClause"):
            raise Refused(FROM_REFUSED, hint=HINT)
        out = ["SELECT"]
        modifier = _g(q, "modifier")
        if modifier:
            if modifier not in ("DISTINCT", "REDUCED"):
                raise Refused(f"unexpected modifier {modifier!r}")
            out.append(modifier)
        projection = _g(q, "projection")
        if not projection:
            out.append("*")
        else:
            for item in projection:
                if _g(item, "var") is not None:
                    out.append(self.var(item.var))
                else:
                    out.append("(" + self.expr(item.expr) + " AS " + self.var(item.evar) + ")")
        out.append("WHERE")
        out.append(self.group(q.where))
        if _g(q, "groupby") is not None:
            out.append("GROUP BY")
            for c in q.groupby.condition:
                if isinstance(c, self.Variable):
                    out.append(self.var(c))
                elif self.is_comp(c, "GroupAs"):
                    tail = (" AS " + self.var(c.var)) if _g(c, "var") is not None else ""
                    out.append("(" + self.expr(c.expr) + tail + ")")
                else:
                    out.append("(" + self.expr(c) + ")")
        if _g(q, "having") is not None:
            out.append("HAVING")
            out.extend("(" + self.expr(c) + ")" for c in q.having.condition)
        if _g(q, "orderby") is not None:
            out.append("ORDER BY")
            for c in q.orderby.condition:
                if self.is_comp(c, "OrderCondition"):
                    order = _g(c, "order")
                    if order not in (None, "ASC", "DESC"):
                        raise Refused(f"unexpected order {order!r}")
                    out.append((order or "") + "(" + self.expr(c.expr) + ")")
                else:
                    out.append("(" + self.expr(c) + ")")
        lo = _g(q, "limitoffset")
        if lo is not None:
            for key in ("limit", "offset"):
                if _g(lo, key) is not None:
                    text = str(_g(lo, key))
                    if not _INT.match(text):
                        raise InputError(f"{key.upper()} must be a whole number")
                    out.append(f"{key.upper()} {text}")
        if _g(q, "valuesClause") is not None:
            out.append(self.values(q.valuesClause))
        return " ".join(out)


def _g(node, key):
    """A CompValue's parameter or None (CompValue.get returns the key itself when it is absent)."""
    return dict.get(node, key)


def _exprlist(value) -> list:
    """An ExpressionList: rdflib gives rdf:nil (a URIRef) for `()`, else a list of expressions."""
    if value is None:
        return []
    if isinstance(value, str):
        if str(value) == RDF_NIL:
            return []
        raise Refused(f"unexpected expression list {value!r}")
    return list(value)


def resolve_iri(base: str, ref: str) -> str:
    """RFC 3986 section 5.2 reference resolution (urllib.parse.urljoin drops empty fragments and queries)."""
    m = re.match(r"(?:([A-Za-z][A-Za-z0-9+.-]*):)?(?://([^/?#]*))?([^?#]*)(?:\?([^#]*))?(?:#(.*))?\Z", ref, re.S)
    b = re.match(r"([A-Za-z][A-Za-z0-9+.-]*):(?://([^/?#]*))?([^?#]*)(?:\?([^#]*))?(?:#(.*))?\Z", base, re.S)
    if not m or not b:
        raise InputError(f"cannot resolve <{ref}> against <{base}>")
    r_s, r_a, r_p, r_q, r_f = m.groups()
    b_s, b_a, b_p, b_q, _ = b.groups()
    if r_s is not None:
        t = (r_s, r_a, _remove_dots(r_p), r_q)
    elif ref.startswith("//"):
        t = (b_s, r_a, _remove_dots(r_p), r_q)
    elif r_p == "":
        t = (b_s, b_a, b_p, r_q if r_q is not None else b_q)
    elif r_p.startswith("/"):
        t = (b_s, b_a, _remove_dots(r_p), r_q)
    else:
        merged = "/" + r_p if (b_a is not None and b_p == "") else b_p[: b_p.rfind("/") + 1] + r_p
        t = (b_s, b_a, _remove_dots(merged), r_q)
    out = t[0] + ":"
    if t[1] is not None:
        out += "//" + t[1]
    out += t[2]
    if t[3] is not None:
        out += "?" + t[3]
    if r_f is not None:
        out += "#" + r_f
    return out


def _remove_dots(path: str) -> str:
    out: list[str] = []
    while path:
        if path.startswith("../"):
            path = path[3:]
        elif path.startswith("./"):
            path = path[2:]
        elif path.startswith("/./"):
            path = path[2:]
        elif path == "/.":
            path = "/"
        elif path.startswith("/../"):
            path = path[3:]
            if out:
                out.pop()
        elif path == "/..":
            path = "/"
            if out:
                out.pop()
        elif path in (".", ".."):
            path = ""
        else:
            i = path.find("/", 1)
            out.append(path if i < 0 else path[:i])
            path = "" if i < 0 else path[i:]
    return "".join(out)


def _flag(value) -> bool:
    return isinstance(value, str) and value.upper() == "DISTINCT"


def _is_row(x) -> bool:
    from pyparsing import ParseResults

    return isinstance(x, (ParseResults, list, tuple))


def _utf8(s: str) -> None:
    try:
        s.encode("utf-8")
    except UnicodeEncodeError:
        raise Refused("the query contains a lone surrogate (\\uD800 to \\uDFFF), which is not text",
                      hint="write the character itself, or its \\U escape") from None


# -- entry point -----------------------------------------------------------------------------------------

def canonicalise(query: str) -> Canonical:
    """The query, checked and rewritten. Raises Refused (SERVICE, FROM, updates, too large) or InputError."""
    prescan(query)
    tree = parse(query.removeprefix("\ufeff"))  # a byte order mark, as some editors save one
    prologue, body = tree[0], tree[1]
    name = getattr(body, "name", None)
    if name != "SelectQuery":
        if name in ("AskQuery", "ConstructQuery", "DescribeQuery"):
            if _g(body, "datasetClause"):
                raise Refused(FROM_REFUSED, hint=HINT)
            form = name.removesuffix("Query").upper()
            raise UsageError(f"only SELECT queries are supported here, not {form}",
                             hint="rewrite it as SELECT; ASK, CONSTRUCT and DESCRIBE are not shown as tables")
        raise Refused(f"unexpected query form {name}")
    writer = _Writer(prologue)
    text = writer.select(body)
    if writer.base is not None:  # IRI()/URI() resolve against it; every IRI written is already absolute
        text = "BASE <" + writer.base + "> " + text
    return Canonical(text, writer.deepest, writer.nodes)


def load_parser() -> None:
    """Import the parser now (about half a second, once per process), e.g. before forking a checker."""
    from rdflib.plugins.sparql import parser, parserutils  # noqa: F401
