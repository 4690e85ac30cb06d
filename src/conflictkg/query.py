"""The SPARQL query library: named questions as files, answered by the store.

Each `queries/NAME.rq` opens with comment lines that say what it asks and which
parameters it takes (format in `queries/README.md`, after datasette's canned queries):

    # title: Alliances
    # description: Every pair of actors said to cooperate ...
    # param: actor (actor, optional) only ties of this actor

A parameter is a variable the query projects; giving it a value keeps the rows where
it has that value. Values are typed terms bound by the engine, never pasted into
the query text: pyoxigraph `substitutions`; for rdflib and remote endpoints a
`VALUES` block built from the same typed, escaped terms is appended to the outermost
group (rdflib's `initBindings` does not restrict a variable the query computes with
BIND, so it would answer a different question than Oxigraph); an endpoint gets them in
the forms Virtuoso also reads right (`with_endpoint_bindings`).

Queries run over the union of the named graphs (docs/model.md, Named graphs).
"""

from __future__ import annotations

import csv
import datetime as dt
import functools
import gc
import io
import json
import os
import re
import time
from collections.abc import Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from decimal import Decimal
from operator import itemgetter
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, Protocol, cast

import pyoxigraph as ox

from conflictkg.errors import BadInput
from conflictkg.graph import iris
from conflictkg.graph.build import rdflib_to_ox
from conflictkg.paths import queries_dir
from conflictkg.summary import (
    STAMP_QUERY,
    check_fresh,
    check_stamp,
    fingerprint_of,
    reads_summaries,
    stamps,
)
from conflictkg.vocab import CKG_NS, ID_NS, PREFIXES

if TYPE_CHECKING:
    import pandas as pd

ParamType = Literal["iri", "actor", "event", "string", "integer", "date", "year"]
Term = ox.NamedNode | ox.BlankNode | ox.Literal  # pyoxigraph 0.5 has no common term class
PARAM_TYPES: tuple[str, ...] = ("iri", "actor", "event", "string", "integer", "date", "year")
Format = Literal["table", "csv", "tsv", "json"]
FORMATS: tuple[str, ...] = ("table", "csv", "tsv", "json")

_XSD = PREFIXES["xsd"]
_INTEGER_TYPES = {_XSD + t for t in (
    "integer", "int", "long", "short", "byte", "nonNegativeInteger", "positiveInteger",
    "negativeInteger", "nonPositiveInteger", "unsignedInt", "unsignedLong", "unsignedShort",
    "unsignedByte")}
_FLOAT_TYPES = {_XSD + t for t in ("double", "float")}


# -- the query files ------------------------------------------------------------------


@dataclass(frozen=True)
class Param:
    """One parameter of a named query, as its `# param:` line declares it."""

    name: str
    type: ParamType
    description: str = ""
    default: str | None = None
    required: bool = False


@dataclass(frozen=True)
class QueryInfo:
    """What a query asks: its name (the file stem), title, description and parameters."""

    name: str
    title: str
    description: str
    params: tuple[Param, ...]
    path: Path
    #: `# parallel: ?part`: the embedded store runs the query once per summary part graph,
    #: ?part bound to it, and joins the answers (`execute`)
    parallel: str | None = None

    def param(self, name: str) -> Param | None:
        return next((p for p in self.params if p.name == name), None)


@dataclass(frozen=True)
class NamedQuery(QueryInfo):
    """A query file with its text (the header comments included, so line numbers match)."""

    text: str = ""


_HEADER = re.compile(r"^#\s*(title|description|param|parallel)\s*:\s*(.*)$")
_PARAM = re.compile(
    r"^(?P<name>[A-Za-z_][A-Za-z0-9_]*)\s*\((?P<type>[a-z]+)\s*"
    r"(?:,\s*(?:(?P<optional>optional)|default\s+(?P<default><[^>]*>|\"[^\"]*\"|\S+?)))?\s*\)"
    r"\s*(?P<description>.*)$")


def parse_header(text: str, path: Path) -> tuple[str, str, tuple[Param, ...], str | None]:
    """Read the leading comment lines: title, description (may continue on `#` lines), params,
    the variable of a parallel query."""
    title, description, params, parallel = "", "", [], None
    last = None
    for lineno, line in enumerate(text.splitlines(), 1):
        stripped = line.strip()
        if not stripped:
            continue
        if not stripped.startswith("#"):
            break
        m = _HEADER.match(stripped)
        if m is None:
            continuation = stripped.lstrip("#").strip()
            if last == "description" and continuation:
                description = f"{description} {continuation}".strip()
            continue
        key, value = m[1], m[2].strip()
        last = key
        if key == "title":
            title = value
        elif key == "description":
            description = value
        elif key == "parallel":
            if not re.fullmatch(r"[?$][A-Za-z_]\w*", value):
                raise BadInput(f"{path}:{lineno}: write '# parallel: ?variable' (the graph "
                               "variable of the summary parts the query reads its rows from)")
            parallel = value[1:]
        else:
            pm = _PARAM.match(value)
            if pm is None or pm["type"] not in PARAM_TYPES:
                raise BadInput(
                    f"{path}:{lineno}: cannot read the parameter line {value!r}; write "
                    "'# param: NAME (TYPE[, default VALUE | , optional]) description' with TYPE "
                    f"one of {', '.join(PARAM_TYPES)}")
            default = pm["default"]
            if default and default[0] in "<\"":
                default = default[1:-1]
            kind = cast(ParamType, pm["type"])
            params.append(Param(pm["name"], kind, pm["description"].strip(), default,
                                required=default is None and not pm["optional"]))
    return title, description, tuple(params), parallel


def query_path(name: str) -> Path:
    return queries_dir() / f"{name}.rq"


def _read(path: Path, name: str) -> NamedQuery:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise BadInput(f"{path}: cannot read the query file ({exc})") from exc
    title, description, params, parallel = parse_header(text, path)
    return NamedQuery(name=name, title=title or name, description=description, params=params,
                      path=path, parallel=parallel, text=text)


def list_queries() -> list[QueryInfo]:
    """The library's queries (queries/*.rq), sorted by name."""
    out: list[QueryInfo] = []
    for path in sorted(queries_dir().glob("*.rq")):
        q = _read(path, path.stem)
        out.append(QueryInfo(q.name, q.title, q.description, q.params, q.path, q.parallel))
    return out


def load_query(name_or_path: str | Path) -> NamedQuery:
    """A library query by name (`alliances`) or a user's own `.rq` file by path."""
    text = str(name_or_path)
    path = Path(text)
    if text.endswith(".rq") or path.suffix or "/" in text or path.is_file():
        if not path.is_file():
            raise BadInput(f"{path}: no such query file")
        return _read(path, path.stem)
    lib = query_path(text)
    if not lib.is_file():
        names = ", ".join(q.name for q in list_queries())
        raise BadInput(f"unknown query {text!r}: the library has {names} "
                       "(or give the path of a .rq file)")
    return _read(lib, text)


_ERROR_AT = re.compile(r"error at (\d+):(\d+): ?(.*)", re.S)


def check_syntax(query: NamedQuery) -> None:
    """Parse the query (Oxigraph's parser); a syntax error names the file, line and column."""
    try:
        ox.Store().query(query.text)
    except SyntaxError as exc:
        raise BadInput(syntax_message(query, str(exc))) from exc


def syntax_message(query: NamedQuery, message: str) -> str:
    m = _ERROR_AT.search(message)
    if m is None:
        return f"{query.path}: SPARQL syntax error: {message}"
    line, col, detail = int(m[1]), int(m[2]), " ".join(m[3].split())
    if "Prefix not found" in detail:
        detail = "undefined prefix (declare it with PREFIX)"
    elif len(detail) > 160:
        detail = detail[:157] + "..."
    lines = query.text.splitlines()
    shown = ""
    if 1 <= line <= len(lines):
        shown = f"\n    {lines[line - 1]}\n    {' ' * max(col - 1, 0)}^"
    return (f"{query.path}, line {line}, column {col}: SPARQL syntax error: {detail}{shown}")


# -- parameters ----------------------------------------------------------------------

_IRI_BAD = re.compile(r"[\s<>\"{}|^`\\]")
_QID = re.compile(r"^Q[1-9][0-9]*$")


def _iri(param: Param, value: str) -> ox.NamedNode:
    if value.startswith("<") and value.endswith(">"):
        value = value[1:-1]
    if not re.match(r"^[A-Za-z][A-Za-z0-9+.-]*:", value) or _IRI_BAD.search(value):
        raise BadInput(f"parameter {param.name!r} ({param.type}): {value!r} is not an absolute IRI")
    return ox.NamedNode(value)


def coerce(param: Param, value: Any) -> ox.NamedNode | ox.Literal:
    """A parameter value as a typed RDF term (actor names are resolved later, by the store)."""
    if isinstance(value, ox.NamedNode | ox.Literal):
        return value
    raw = str(value).strip()
    if param.type in ("integer", "year"):
        if isinstance(value, bool) or not re.fullmatch(r"[+-]?\d+", raw):
            raise BadInput(f"parameter {param.name!r} ({param.type}): {raw!r} is not an integer")
        if param.type == "year" and not 1 <= int(raw) <= 9999:
            raise BadInput(f"parameter {param.name!r} (year): {raw!r} is not a year")
        return ox.Literal(str(int(raw)), datatype=ox.NamedNode(_XSD + "integer"))
    if param.type == "date":
        try:
            day = dt.date.fromisoformat(raw)
        except ValueError:
            raise BadInput(f"parameter {param.name!r} (date): {raw!r} is not a date "
                           "(write YYYY-MM-DD)") from None
        return ox.Literal(day.isoformat(), datatype=ox.NamedNode(_XSD + "date"))
    if param.type == "string":
        return ox.Literal(raw)
    if param.type == "event" and not re.match(r"^[A-Za-z][A-Za-z0-9+.-]*:", raw):
        if not re.fullmatch(r"[A-Za-z0-9_.-]+", raw):
            raise BadInput(f"parameter {param.name!r} (event): {raw!r} is neither an IRI nor an "
                           "event id such as 000_b5fb28bacdc11b19-e18")
        return ox.NamedNode(f"{ID_NS}event/{raw}")
    if param.type == "actor" and not re.match(r"^<?[A-Za-z][A-Za-z0-9+.-]*:[^\s]", raw):
        return ox.Literal(raw)  # a registry key, a QID or a name: resolved by `resolve_actor`
    return _iri(param, raw)


# The needle comes in lower-cased by Python and is compared as it is: Virtuoso 7.2's STR()
# of a non-ASCII literal written in the query text ("Assimi Goïta" in a VALUES row) is not
# that string (LCASE(STR(?needle)) came back empty), so a name with an accent never matched
# there; a stored literal through STR() and LCASE() is read right (tests/test_push.py).
_RESOLVE = """
PREFIX ckg: <https://w3id.org/conflictkg/ontology#>
SELECT DISTINCT ?actor ?how ?needle WHERE {
  { ?actor ckg:registryKey ?k . BIND(LCASE(STR(?k)) AS ?m) BIND(1 AS ?how) }
  UNION { ?actor ckg:wikidata ?q . BIND(LCASE(STR(?q)) AS ?m) BIND(1 AS ?how) }
  FILTER(?m = ?needle)
}"""
# Names are asked only when no key or QID matches (keys and QIDs win anyway): every label
# of every event and actor is read, which takes seconds on a big graph.
_RESOLVE_NAME = """
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT DISTINCT ?actor ?how ?needle WHERE {
  ?actor rdfs:label|skos:prefLabel|skos:altLabel ?l .
  BIND(LCASE(STR(?l)) AS ?m) BIND(2 AS ?how)
  FILTER(?m = ?needle)
}"""


def resolve_actor(backend: Backend, param: Param, value: ox.Literal) -> ox.NamedNode:
    """A registry key (`JNIM`), a Wikidata QID (`Q28877411`) or a name/alias -> the actor IRI.

    Keys and QIDs win over names; a name shared by two actors is an error, not a guess.
    """
    needle = value.value
    # first the key or QID as written, upper- or lower-cased: index lookups, where matching
    # every key case-insensitively reads all of them (each report graph restates its
    # actors' keys: seconds at 1M events)
    spellings = " ".join(sorted({str(ox.Literal(v)) for v in (needle, needle.upper(), needle.lower())}))
    exact = (f"SELECT DISTINCT ?actor WHERE {{ VALUES ?k {{ {spellings} }} "
             f"{{ ?actor <{CKG_NS}registryKey> ?k }} UNION {{ ?actor <{CKG_NS}wikidata> ?k }} }}")
    rows = [(r[0], ox.Literal("1")) for r in backend.select(exact, {})[1] if r[0] is not None]
    # the needle is an input of these queries, not a filter on what they find: it goes in
    # as their own VALUES block (an endpoint gets a string parameter as a FILTER), lower-cased
    # here as LCASE does (Unicode's full case mapping: Python's str.lower, Rust's to_lowercase)
    given = {"needle": ox.Literal(needle.lower())}
    rows = rows or [r for r in backend.select(with_values(_RESOLVE, given), {})[1] if r[0] is not None]
    if not rows:
        rows = backend.select(with_values(_RESOLVE_NAME, given), {})[1]
    found = sorted({(int(r[1].value), r[0].value) for r in rows if r[0] is not None})
    best = [iri for how, iri in found if how == found[0][0]] if found else []
    if len(best) == 1:
        return ox.NamedNode(best[0])
    if not best:
        what = "Wikidata QID" if _QID.match(needle.upper()) else "registry key, QID or name"
        raise BadInput(f"parameter {param.name!r} (actor): no actor with {what} {needle!r} in "
                       "the store; give a registry key (JNIM), a QID (Q28877411) or an IRI")
    raise BadInput(f"parameter {param.name!r} (actor): {needle!r} names several actors: "
                   f"{', '.join(best)}; give the IRI")


def bind_params(query: QueryInfo, params: Mapping[str, Any] | None,
                backend: Backend | None = None) -> dict[str, ox.NamedNode | ox.Literal]:
    """Check and type the given parameters; fill defaults; raise BadInput on any problem."""
    given = {k: v for k, v in (params or {}).items() if v is not None}
    unknown = sorted(set(given) - {p.name for p in query.params})
    if unknown:
        known = ", ".join(p.name for p in query.params) or "none"
        raise BadInput(f"query {query.name!r} has no parameter {', '.join(map(repr, unknown))} "
                       f"(its parameters: {known})")
    out: dict[str, ox.NamedNode | ox.Literal] = {}
    for p in query.params:
        value = given.get(p.name, p.default)
        if value is None:
            if p.required:
                raise BadInput(f"query {query.name!r} needs the parameter {p.name!r} ({p.type}): "
                               f"{p.description} (--param {p.name}=VALUE)")
            continue
        term = coerce(p, value)
        if p.type == "actor" and isinstance(term, ox.Literal):
            if backend is None:
                raise BadInput(f"parameter {p.name!r}: an actor name needs a store to resolve it")
            term = resolve_actor(backend, p, term)
        out[p.name] = term
    return out


# -- binding by VALUES (rdflib, remote endpoints) -----------------------------------


def _scan_braces(text: str) -> list[tuple[int, str]]:
    """Positions of '{' and '}' outside comments, strings and IRIs."""
    out: list[tuple[int, str]] = []
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c == "#":
            j = text.find("\n", i)
            i = n if j < 0 else j
        elif c in "\"'":
            long = text.startswith(c * 3, i)
            end = c * 3 if long else c
            j = i + len(end)
            while j < n and not text.startswith(end, j):
                j += 2 if text[j] == "\\" else 1
            i = j + len(end)
            continue
        elif c == "<":
            m = re.match(r"<[^<>\"{}|^`\\\s]*>", text[i:])
            if m:
                i += m.end()
                continue
        elif c in "{}":
            out.append((i, c))
        i += 1
    return out


def with_values(text: str, bindings: Mapping[str, Term]) -> str:
    """The query with `VALUES (?a ?b) { (t1 t2) }` as the last element of its outermost group.

    The terms are serialised by pyoxigraph (N-Triples syntax, escaped), so user text never
    becomes query syntax. A query without parameters is returned unchanged.
    """
    if not bindings:
        return text
    names = " ".join(f"?{k}" for k in bindings)
    terms = " ".join(str(v) for v in bindings.values())
    return _append_to_where(text, f"VALUES ({names}) {{ ({terms}) }}")


def with_endpoint_bindings(text: str, bindings: Mapping[str, Term]) -> str:
    """The query as sent to an endpoint: `with_values`' meaning, in the forms Virtuoso 7.2
    also answers right (tests/test_push.py runs the library on it):

    - one single-variable VALUES block per parameter: a multi-variable VALUES over a
      sub-select's results fails to compile there ("SQ156: Internal Optimized compiler
      error : Bad dfe in sqlo_place_exp"; actor-timeline with actor and year);
    - a plain string as `FILTER(STR(?p) = "...")`: a non-ASCII literal in the query text
      (a VALUES row, or `?p = "..."`) never equals the stored string there unless the stored
      side goes through STR() (openlink/virtuoso-opensource#300, #609), so region "Ségou"
      found nothing.
    """
    if not bindings:
        return text
    return _append_to_where(text, "\n  ".join(
        f"FILTER(STR(?{name}) = {term})"
        if isinstance(term, ox.Literal) and term.datatype.value == _XSD_STRING
        else f"VALUES ?{name} {{ {term} }}" for name, term in bindings.items()))


def _append_to_where(text: str, block: str) -> str:
    """`block` as the last element of the query's outermost group (after its WHERE)."""
    braces = _scan_braces(text)
    m = re.search(r"\bWHERE\b", _blank_comments(text), re.I)
    start = next((k for k, (pos, c) in enumerate(braces)
                  if c == "{" and (m is None or pos > m.start())), None)
    if start is None:
        raise BadInput("cannot bind parameters: the query has no WHERE group")
    depth = 0
    for pos, c in braces[start:]:
        depth += 1 if c == "{" else -1
        if depth == 0:
            return text[:pos] + f"\n  {block}\n" + text[pos:]
    raise BadInput("cannot bind parameters: unbalanced braces in the query")


#: a SPARQL text's strings, IRIs, comments and variables (group 1: a variable's name)
_TOKENS = re.compile(r'"""[\s\S]*?"""|\'\'\'[\s\S]*?\'\'\'|"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\''
                     r'|<[^<>"{}|^`\\\s]*>|#[^\n]*|[?$]([A-Za-z_][A-Za-z0-9_]*)')


def bind_variable(text: str, name: str, term: Term) -> str:
    """The query with the variable ?name replaced by the term wherever it occurs (outside
    strings, IRIs and comments), inside sub-selects too: unlike pyoxigraph's
    `substitutions`, which bind only a variable the query projects, at its top level."""
    return _TOKENS.sub(lambda m: str(term) if m[1] == name else m[0], text)


def _blank_comments(text: str) -> str:
    return re.sub(r"(?m)^\s*#.*$", lambda mm: " " * len(mm[0]), text)


# -- results ---------------------------------------------------------------------------


class IRI(str):
    """An IRI in a result row: a str (pandas, CSV and JSON see the IRI), shown compacted in tables."""

    __slots__ = ()


Value = IRI | str | int | float | bool | dt.date | None


@dataclass
class QueryResult:
    """A table: column names and rows of Python values (IRI, str, int, float, bool, date, None)."""

    columns: list[str]
    rows: list[tuple[Value, ...]]
    query: QueryInfo | None = None
    params: dict[str, str] = field(default_factory=dict)

    def records(self) -> list[dict[str, Value]]:
        return [dict(zip(self.columns, row, strict=True)) for row in self.rows]

    def column(self, name: str) -> list[Value]:
        i = self.columns.index(name)
        return [row[i] for row in self.rows]

    def to_df(self) -> pd.DataFrame:
        """The table as a DataFrame, IRIs as plain strings. Built from one list per column,
        only the columns that hold IRIs gone over again (0.2-0.35 s for the 201,671 rows of
        `contested-attribution` at 1M instead of 0.4-1.0 s: bench/queries.md)."""
        import pandas as pd

        data: dict[str, list[Any]] = {}
        for name in self.columns:
            values = self.column(name)
            if IRI in set(map(type, values)):
                values = [str(v) if type(v) is IRI else v for v in values]
            data[name] = values
        return pd.DataFrame(data, columns=self.columns)

    def __len__(self) -> int:
        return len(self.rows)


def _python(datatype: str | None, lexical: str, lang: str | None = None) -> Value:
    if lang or datatype is None:
        return lexical
    try:
        if datatype in _INTEGER_TYPES:
            return int(lexical)
        if datatype == _XSD + "decimal":
            return float(Decimal(lexical))
        if datatype in _FLOAT_TYPES:
            return float(lexical)
        if datatype == _XSD + "boolean":
            return lexical in ("true", "1")
        if datatype == _XSD + "date":
            return dt.date.fromisoformat(lexical[:10])
    except ValueError:
        return lexical
    return lexical


_XSD_STRING = _XSD + "string"


def ox_value(term: Term | None) -> Value:
    # Called once per cell (a million times for a big answer): exact type checks and a fast
    # path for plain strings, the commonest cell.
    if term is None:
        return None
    cls = type(term)
    if cls is ox.Literal:
        literal = cast(ox.Literal, term)  # `type(...) is` does not narrow for mypy
        datatype = literal.datatype.value if literal.datatype else None
        if datatype == _XSD_STRING:
            return literal.value
        return _python(datatype, literal.value, literal.language)
    if cls is ox.NamedNode:
        return IRI(term.value)
    if cls is ox.BlankNode:
        return f"_:{term.value}"
    if isinstance(term, ox.Literal):
        return _python(term.datatype.value if term.datatype else None, term.value, term.language)
    if isinstance(term, ox.NamedNode):
        return IRI(term.value)
    return str(term)


# SPARQL 1.1 TSV cells: N-Triples terms; integers, decimals and booleans may be bare
_ECHAR = {"t": "\t", "b": "\b", "n": "\n", "r": "\r", "f": "\f", '"': '"', "'": "'", "\\": "\\"}
_ESCAPE = re.compile(r"\\(?:([tbnrf\"'\\])|u([0-9A-Fa-f]{4})|U([0-9A-Fa-f]{8}))")


def _unescape(m: re.Match[str]) -> str:
    return _ECHAR[m[1]] if m[1] else chr(int(m[2] or m[3], 16))


def tsv_value(cell: str) -> Value:
    """One cell of a SPARQL TSV answer as ox_value would give it."""
    if not cell:
        return None
    head = cell[0]
    if head == "<":
        return IRI(cell[1:-1])
    if head == '"':
        end = cell.rfind('"')
        lexical = cell[1:end]
        if "\\" in lexical:
            lexical = _ESCAPE.sub(_unescape, lexical)
        rest = cell[end + 1:]
        if not rest or rest[0] == "@":  # a plain or language-tagged string
            return lexical
        datatype = rest[3:-1]  # ^^<...>
        return lexical if datatype == _XSD_STRING else _python(datatype, lexical)
    if head == "_":
        return cell
    if cell == "true" or cell == "false":
        return cell == "true"
    if "e" in cell or "E" in cell:
        return float(cell)
    if "." in cell:
        return float(Decimal(cell))
    return int(cell)


def parse_tsv(text: str) -> tuple[list[str], list[tuple[Value, ...]]]:
    """A SPARQL 1.1 TSV answer: its variables and its rows as Python values.

    Cells repeat (actors, labels, regions, years, small counts): each distinct cell is
    converted once (2-3x less CPU on a big answer; the values are immutable)."""
    lines = text.split("\n")
    columns = [v[1:] for v in lines[0].split("\t")] if lines[0] else []
    value = functools.cache(tsv_value)
    collecting = gc.isenabled()
    gc.disable()  # millions of new tuples, no cycles: the collector's passes cost ~half
    try:
        return columns, [tuple(map(value, line.split("\t"))) for line in lines[1:] if line]
    finally:
        if collecting:
            gc.enable()


# -- engines ----------------------------------------------------------------------------

Rows = list[tuple[Any, ...]]


class Backend(Protocol):
    """Something that answers SPARQL SELECT/ASK/CONSTRUCT with bound parameters."""

    def select(self, text: str, bindings: Mapping[str, Term]) -> tuple[list[str], Rows]: ...


def _ox_rows(result: Any) -> tuple[list[str], Rows]:
    if isinstance(result, ox.QuerySolutions):
        names = [v.value for v in result.variables]
        # a solution iterates over its values in the order of `variables` (None when
        # unbound); looking each value up by name costs more than the query on big answers
        return names, [tuple(sol) for sol in result]
    if isinstance(result, ox.QueryBoolean):
        return ["result"], [(ox.Literal("true" if bool(result) else "false",
                                         datatype=ox.NamedNode(_XSD + "boolean")),)]
    return ["subject", "predicate", "object"], [(t.subject, t.predicate, t.object) for t in result]


@dataclass
class OxigraphBackend:
    """The embedded store: parameters bound by pyoxigraph's `substitutions`."""

    store: ox.Store

    def _query(self, text: str, bindings: Mapping[str, Term]) -> Any:
        subs: dict[ox.Variable, ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple] = {
            ox.Variable(k): v for k, v in bindings.items()}
        return self.store.query(text, use_default_graph_as_union=True, substitutions=subs or None)

    def select(self, text: str, bindings: Mapping[str, Term]) -> tuple[list[str], Rows]:
        return _ox_rows(self._query(text, bindings))

    def select_values(self, text: str, bindings: Mapping[str, Term]
                      ) -> tuple[list[str], list[tuple[Value, ...]]]:
        """The answer as Python values. Solutions cross from Rust as one SPARQL TSV text,
        parsed here: a Python term object per cell, then its conversion, cost ~2.5x more on
        big answers (bench/queries.md)."""
        result = self._query(text, bindings)
        if not isinstance(result, ox.QuerySolutions):
            columns, rows = _ox_rows(result)
            return columns, [tuple(ox_value(t) for t in row) for row in rows]
        return parse_tsv(_tsv(result))

    def tsv_parts(self, text: str, bindings: Mapping[str, Term], variable: str,
                  graphs: Sequence[str]) -> Iterator[str]:
        """A parallel query's answers as TSV, in the graphs' order: the query once per
        graph, ?variable bound to it, on up to two threads per core (Oxigraph lets go of the
        GIL while it evaluates and serialises an answer, and while it waits on a read: the
        second thread keeps the core busy then; `contested-attribution` at 1M, interleaved:
        over 5 s in 2 of 19 runs on four threads, 6 of 17 on two, bench/queries.md); each
        answer is given as soon as it and those before it are ready."""
        def answer(graph: str) -> str:
            return _tsv(self._query(bind_variable(text, variable, ox.NamedNode(graph)), bindings))

        with ThreadPoolExecutor(min(len(graphs), 2 * (os.cpu_count() or 1))) as pool:
            yield from pool.map(answer, graphs)

    def select_parts(self, text: str, bindings: Mapping[str, Term], variable: str,
                     graphs: Sequence[str]) -> tuple[list[str], list[tuple[Value, ...]]]:
        """A parallel query's answer (`# parallel: ?part`, `tsv_parts`), the parts joined in
        the graphs' order, each parsed while the others run."""
        columns: list[str] = []
        rows: list[tuple[Value, ...]] = []
        for tsv in self.tsv_parts(text, bindings, variable, graphs):
            columns, part = parse_tsv(tsv)
            rows.extend(part)
        return columns, rows


def _tsv(result: ox.QuerySolutions) -> str:
    """The solutions as one SPARQL TSV text, written by Oxigraph (outside the GIL)."""
    tsv = result.serialize(format=ox.QueryResultsFormat.TSV)
    assert tsv is not None  # bytes when no output is given
    return tsv.decode("utf-8")


@dataclass
class RdflibBackend:
    """rdflib's in-memory engine over a Graph or a Dataset (its default graph as the union)."""

    graph: Any

    def select(self, text: str, bindings: Mapping[str, Term]) -> tuple[list[str], Rows]:
        result = self.graph.query(with_values(text, bindings))
        if result.type == "ASK":
            return ["result"], [(ox.Literal("true" if result.askAnswer else "false",
                                            datatype=ox.NamedNode(_XSD + "boolean")),)]
        if result.type in ("CONSTRUCT", "DESCRIBE"):
            return (["subject", "predicate", "object"],
                    [tuple(rdflib_to_ox(t) for t in triple) for triple in result])
        names = [str(v) for v in result.vars]
        return names, [tuple(rdflib_to_ox(t) for t in row) for row in result]


@dataclass
class RemoteBackend:
    """A SPARQL 1.1 Protocol endpoint (Oxigraph server, Virtuoso, Fuseki, GraphDB).

    `union_default_graph` asks Oxigraph for the union of the named graphs
    (`union-default-graph`); other servers ignore the parameter and use their own setting.
    An answer the server says is incomplete is an error, never rows: Virtuoso's query
    stopped at its execution cap (HTTP 500 "SR171", or with a `timeout` parameter HTTP 200
    and `X-SQL-State: S1TAT` over the rows found so far), or cut at its maximum number of
    rows (`X-SPARQL-MaxRows`; an answer of exactly that many rows may be whole, but there is
    no telling).
    """

    endpoint: str
    union_default_graph: bool = True
    timeout: float = 60.0

    def select(self, text: str, bindings: Mapping[str, Term]) -> tuple[list[str], Rows]:
        import requests

        data: dict[str, str] = {"query": with_endpoint_bindings(text, bindings)}
        if self.union_default_graph:
            data["union-default-graph"] = ""
        started = time.monotonic()
        try:
            resp = requests.post(self.endpoint, data=data, timeout=self.timeout, headers={
                "Accept": "application/sparql-results+json, application/n-triples;q=0.9"})
        except requests.Timeout as exc:
            raise BadInput(f"SPARQL endpoint {self.endpoint}: no answer within {self.timeout:g} s"
                           ) from exc
        except requests.RequestException as exc:
            raise BadInput(f"SPARQL endpoint {self.endpoint}: cannot reach it ({exc})") from exc
        if resp.status_code >= 400:
            body = resp.text.strip()
            if _TIMED_OUT.search(body):
                raise BadInput(self._capped(f"stopped the query after "
                                            f"{time.monotonic() - started:.0f} s", body))
            raise BadInput(f"SPARQL endpoint {self.endpoint} answered {resp.status_code}: "
                           f"{body[:500]}")
        if "X-SQL-State" in resp.headers:  # Virtuoso's "anytime" answer: the rows found so far
            spent = resp.headers.get("X-Exec-Milliseconds")
            raise BadInput(self._capped(
                "sent an incomplete answer (HTTP 200, the rows found when it stopped the query"
                + (f" after {int(spent) / 1000:.0f} s" if spent and spent.isdigit() else "")
                + ")", f"X-SQL-State {resp.headers['X-SQL-State']}: "
                f"{resp.headers.get('X-SQL-Message', '')}"))
        columns, rows = self._parse(resp)
        cap = resp.headers.get("X-SPARQL-MaxRows", "")
        if cap.isdigit() and len(rows) >= int(cap):
            raise BadInput(f"SPARQL endpoint {self.endpoint}: the answer is cut at the server's "
                           f"maximum of {cap} rows (Virtuoso: ResultSetMaxRows in the [SPARQL] "
                           "section of virtuoso.ini): raise it, or ask the embedded store")
        return columns, rows

    def _capped(self, what: str, detail: str) -> str:
        return (f"SPARQL endpoint {self.endpoint} {what}: the server caps a query's execution "
                "time (Virtuoso: MaxQueryExecutionTime in the [SPARQL] section of virtuoso.ini; "
                "a `timeout` parameter in the endpoint's URL asks for partial answers): raise "
                f"the cap, or ask the embedded store ({' '.join(detail.split())[:300]})")

    @staticmethod
    def _parse(resp: Any) -> tuple[list[str], Rows]:
        ctype = resp.headers.get("Content-Type", "")
        if "json" not in ctype:
            triples = ox.parse(resp.content, format=ox.RdfFormat.N_TRIPLES)
            return ["subject", "predicate", "object"], [(t.subject, t.predicate, t.object)
                                                        for t in triples]
        body = resp.json()
        if "boolean" in body:
            return ["result"], [(ox.Literal("true" if body["boolean"] else "false",
                                            datatype=ox.NamedNode(_XSD + "boolean")),)]
        names = body["head"]["vars"]
        return names, [tuple(_json_term(b.get(n)) for n in names)
                       for b in body["results"]["bindings"]]


# Virtuoso's answer to a query stopped at MaxQueryExecutionTime without a `timeout`
# parameter: HTTP 500, "Virtuoso S1T00 Error SR171: Transaction timed out"; with one, when
# the cap falls where no partial answer can be given: HTTP 500, "Virtuoso HY008 Error
# SR203: Async statement killed by SQLCancel" (seen once in CI's test of the caps)
_TIMED_OUT = re.compile(r"\bS1T00\b|\bS1TAT\b|\bSR171\b|Transaction timed out|\bHY008\b|\bSR203\b")


def _json_term(b: dict[str, str] | None) -> Term | None:
    if b is None:
        return None
    if b["type"] == "uri":
        return ox.NamedNode(b["value"])
    if b["type"] == "bnode":
        return ox.BlankNode(b["value"])
    if "xml:lang" in b:
        return ox.Literal(b["value"], language=b["xml:lang"])
    if "datatype" in b:
        return ox.Literal(b["value"], datatype=ox.NamedNode(b["datatype"]))
    return ox.Literal(b["value"])


def backend_for(store: Any) -> Backend:
    """The engine behind `store`: a pyoxigraph Store, an rdflib Graph/Dataset, or a Backend."""
    if isinstance(store, ox.Store):
        return OxigraphBackend(store)
    if hasattr(store, "select"):
        return store
    from rdflib import Graph

    if isinstance(store, Graph):
        return RdflibBackend(store)
    raise TypeError(f"cannot query a {type(store).__name__}: give a pyoxigraph Store, an rdflib "
                    "Graph or Dataset, or use run_remote for an endpoint")


# -- ORDER BY in Python -----------------------------------------------------------------
# Oxigraph sorts by comparing terms, and on an on-disk store each comparison of two strings
# reads both from the store: ORDER BY took 0.7-0.9 of 3-5 CPU-s on the big answers at
# 100k events (bench/queries.md). A final `ORDER BY` over projected variables is therefore
# taken off the query and applied to the Python values, in SPARQL's order (unbound first,
# then blank nodes, IRIs, literals; numbers by value, strings by code point).

_ORDER_BY = re.compile(r"\n\s*ORDER\s+BY\s+((?:(?:ASC|DESC)\s*\(\s*\?\w+\s*\)|\?\w+)"
                       r"(?:\s+(?:(?:ASC|DESC)\s*\(\s*\?\w+\s*\)|\?\w+))*)\s*$", re.I)
_ORDER_KEY = re.compile(r"(ASC|DESC)?\s*\(?\s*\?(\w+)", re.I)


def split_order_by(text: str) -> tuple[str, list[tuple[str, bool]]]:
    """The query without its final `ORDER BY ?a DESC(?b) ...`, and the keys as (variable,
    descending); the text unchanged and no keys when the clause is anything else."""
    m = _ORDER_BY.search(text)
    if m is None:
        return text, []
    keys = [(k[2], (k[1] or "").upper() == "DESC") for k in _ORDER_KEY.finditer(m[1])]
    return text[:m.start()] + "\n", keys


def _rank(v: Value) -> tuple[int, Any]:
    if v is None:
        return (0, 0)
    if isinstance(v, IRI):
        return (2, str(v))
    if isinstance(v, str) and v.startswith("_:"):
        return (1, v)
    if isinstance(v, bool):
        return (3, int(v))
    if isinstance(v, int | float):
        return (4, v)
    if isinstance(v, dt.date):
        return (5, v.isoformat())
    return (6, str(v))


def sort_rows(columns: list[str], rows: list[tuple[Value, ...]],
              keys: Sequence[tuple[str, bool]]) -> list[tuple[Value, ...]]:
    """Rows in the order of `keys`, ties in their given order: a stable sort on `_rank`
    per key, the last key first.

    A column of one kind of value whose own order is `_rank`'s (IRIs, strings, numbers,
    dates) sorts on the values themselves, the others on ranks given once per distinct
    value (`_column_ranks`). Sorting a big answer key by key, each pass stable, costs
    about half a sort on one combined rank per row, which must rank every distinct value
    of every key first (an event IRI per row: bench/queries.md, seventh session)."""
    out = list(rows)
    if len(out) < 2:
        return out
    for name, descending in reversed(keys):
        i = columns.index(name)
        column = [row[i] for row in out]
        if _natural(column):
            out.sort(key=itemgetter(i), reverse=descending)  # `reverse` keeps ties in order
        else:
            ranks = _column_ranks(column, descending)
            order = sorted(range(len(out)), key=ranks.__getitem__)
            out = [out[k] for k in order]
    return out


def _natural(values: list[Value]) -> bool:
    """Whether the values sort among themselves as `_rank` sorts them: all of one kind
    (ints and floats together), none unbound, no blank node among strings."""
    kinds = set(map(type, values))
    if kinds == {str}:
        return not any(v.startswith("_:") for v in cast("list[str]", values))
    return len(kinds) == 1 and kinds <= {IRI, int, float, dt.date} or kinds == {int, float}


# values that are equal (hash alike) as Python objects but not as `_rank` keys: 1, 1.0
# and True; an IRI and a string of the same text
_ALIKE = ({int, float, bool}, {str, IRI})


def _column_ranks(values: list[Value], descending: bool) -> list[int]:
    """Each value's rank in its column (0 first; reversed if descending), for a column
    `_natural` cannot sort on its values. Values with the same `_rank` key share a rank."""
    kinds = set(map(type, values))
    keyed: list[Any] = values
    if any(len(kinds & alike) > 1 for alike in _ALIKE):  # tell them apart by their type
        keyed = list(zip(map(type, values), values, strict=True))
        ordered = sorted(set(keyed), key=lambda kv: _rank(kv[1]))
        ranked = [_rank(kv[1]) for kv in ordered]
        rank: dict[Any, int] = {}
        n, previous = -1, None
        for key, r in zip(ordered, ranked, strict=True):
            if n < 0 or r != previous:
                n += 1
            rank[key], previous = n, r
        size = n + 1
    else:
        ordered = sorted(set(values), key=_rank)
        rank = dict(zip(ordered, range(len(ordered)), strict=True))
        size = len(ordered)
    if descending:
        rank = {key: size - 1 - r for key, r in rank.items()}
    return list(map(rank.__getitem__, keyed))


# -- the summaries' freshness, verified once per store ------------------------------------
# `summary.check_fresh` lists and hashes every graph name of the store (10-25 ms at 100k
# events, 0.1-0.2 s at 1M): more than a small query. Once a Store object has passed it, what
# it saw is kept here (the stamp, the number of graphs, the summary queries' digest) and a
# later query re-reads only those (< 1 ms at 100k, ~4 ms at 1M); any of them changed, the
# full check runs again. What can change a Store's graphs unseen by that: only writes
# through that same object (a read-write Store holds RocksDB's lock, so no other object or
# process writes the store while it is open; a read-only one sees the store as it was when
# opened, and cannot be written through) that replace graphs by as many other graphs and
# leave the stamp. conflictkg's writers call `forget` (and `store.open_store` does for a
# new object, whose id may be a dropped store's); a program writing through the pyoxigraph
# API should call `forget(store)` too.

@dataclass(frozen=True)
class _Seen:
    stamps: tuple[str, ...]
    graphs: int
    queries: str


_VERIFIED: dict[int, _Seen] = {}
_GRAPH_COUNT = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g {} }"  # counted on ids: no decoding


def forget(store: ox.Store) -> None:
    """Check this store's summaries in full at its next query (call it after writing into
    the store, unless through conflictkg's own writers, which do)."""
    _VERIFIED.pop(id(store), None)


def _seen(store: ox.Store) -> _Seen:
    stamped = tuple(sorted(stamps(store)))
    count = store.query(_GRAPH_COUNT)
    assert isinstance(count, ox.QuerySolutions)
    graphs = int(next(iter(count))[0].value)
    return _Seen(stamped, graphs, fingerprint_of(()))


def check_store_fresh(store: ox.Store) -> None:
    """`summary.check_fresh`, run in full only when the store changed since it last passed."""
    seen = _seen(store)  # before the check: a write during it makes the next query re-check
    if _VERIFIED.get(id(store)) == seen:
        return
    forget(store)
    check_fresh(store)
    _VERIFIED[id(store)] = seen


def check_summaries(backend: Backend) -> None:
    """A query that reads the summary graph needs it (conflictkg.summary). On the embedded
    store its stamp is checked against the store's graphs (`check_store_fresh`); an rdflib
    graph or an endpoint (loaded from an export or by `conflictkg push`, which carry the
    summaries) must have them: their graph lists differ by engine (empty graphs, default
    graph names), so freshness is the embedded store's check only."""
    if isinstance(backend, OxigraphBackend):
        check_store_fresh(backend.store)
        return
    where = "the endpoint" if isinstance(backend, RemoteBackend) else "the rdflib graph"
    _, rows = backend.select(STAMP_QUERY, {})
    check_stamp([str(row[0].value) for row in rows if row and row[0] is not None], None, where)


def execute(backend: Backend, query: NamedQuery,
            params: Mapping[str, Any] | None = None) -> QueryResult:
    """Bind the parameters, run the query, convert the answers to Python values."""
    if reads_summaries(query.text):
        check_summaries(backend)
    bindings = bind_params(query, params, backend)
    text, order = split_order_by(query.text)
    fast = getattr(backend, "select_values", None)  # Python values straight from the engine
    try:
        if query.parallel and isinstance(backend, OxigraphBackend):
            columns, values = backend.select_parts(text, bindings, query.parallel,
                                                   iris.SUMMARY_PART_GRAPHS)
        elif fast is not None:
            columns, values = fast(text, bindings)
        else:
            columns, rows = backend.select(text, bindings)
            values = [tuple(ox_value(t) for t in row) for row in rows]
    except SyntaxError as exc:
        raise BadInput(syntax_message(query, str(exc))) from exc
    except (OSError, RuntimeError, ValueError) as exc:
        raise BadInput(f"{query.path}: the query failed: {exc}") from exc
    except Exception as exc:  # rdflib's parser raises pyparsing errors
        if type(exc).__name__ == "ParseException":
            raise BadInput(f"{query.path}, line {getattr(exc, 'lineno', '?')}, column "
                           f"{getattr(exc, 'col', '?')}: SPARQL syntax error: {exc}") from exc
        raise
    if order and all(name in columns for name, _ in order):
        values = sort_rows(columns, values, order)
    elif order:  # a key the query does not project: let the engine sort
        columns, rows = backend.select(query.text, bindings)
        values = [tuple(ox_value(t) for t in row) for row in rows]
    return QueryResult(columns, values, query, {k: str(v) for k, v in bindings.items()})


def run_query(store: Any, name: str | Path, params: Mapping[str, Any] | None = None
              ) -> QueryResult:
    """Run a library query (`alliances`) or a `.rq` file on a store.

    `store` is a pyoxigraph Store (the embedded store; open one on disk with
    `pyoxigraph.Store.read_only(path)`), an rdflib Graph/Dataset, or a Backend.
    """
    query = load_query(name)
    check_syntax(query)
    return execute(backend_for(store), query, params)


def run_remote(endpoint_url: str, name: str | Path, params: Mapping[str, Any] | None = None,
               union_default_graph: bool = True) -> QueryResult:
    """Run a library query on a SPARQL 1.1 Protocol endpoint (issue #7)."""
    query = load_query(name)
    check_syntax(query)
    return execute(RemoteBackend(endpoint_url, union_default_graph), query, params)


def query_df(store: Any, name: str | Path, **params: Any) -> pd.DataFrame:
    """A query's answers as a pandas DataFrame, for notebooks: `query_df(store, "alliances")`."""
    return run_query(store, name, params).to_df()


# -- output formats ----------------------------------------------------------------------

_COMPACT = sorted([("ckg:", CKG_NS)] + [(f"{k}:", f"{ID_NS}{k}/") for k in
                   ("actor", "event", "place", "source", "relation", "evidence", "graph")],
                  key=lambda kv: -len(kv[1]))


def compact(iri: str) -> str:
    for prefix, ns in _COMPACT:
        if iri.startswith(ns):
            return prefix + iri[len(ns):]
    return f"<{iri}>"


def _cell(v: Value) -> str:
    if v is None:
        return ""
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, dt.date):
        return v.isoformat()
    return str(v)


def _json_default(o: object) -> str:
    return o.isoformat() if isinstance(o, dt.date) else str(o)


def _table(result: QueryResult, width: int = 60) -> str:
    def show(v: Value) -> str:
        s = compact(v) if isinstance(v, IRI) else _cell(v)
        s = " ".join(s.split())
        return s if len(s) <= width else s[: width - 1] + "…"

    cells = [[show(v) for v in row] for row in result.rows]
    widths = [max([len(c)] + [len(r[i]) for r in cells]) for i, c in enumerate(result.columns)]
    lines = ["  ".join(c.ljust(w) for c, w in zip(result.columns, widths, strict=True)).rstrip(),
             "  ".join("-" * w for w in widths)]
    lines += ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() for r in cells]
    lines.append(f"({len(result.rows)} row{'s' if len(result.rows) != 1 else ''})")
    return "\n".join(lines) + "\n"


def format_result(result: QueryResult, fmt: Format = "table") -> str:
    """The result as text: an aligned table (IRIs compacted, long cells cut), CSV, TSV or JSON
    (a list of objects with full IRIs and native numbers)."""
    if fmt == "table":
        return _table(result)
    if fmt in ("csv", "tsv"):
        buf = io.StringIO()
        if fmt == "csv":
            writer = csv.writer(buf, lineterminator="\n")
            writer.writerow(result.columns)
            # the csv module writes a str (an IRI too), an int, a float, a date and None as
            # `_cell` does; only a boolean needs it ("true", not "True"), so the rows of a big
            # answer are written as they are (~3x faster)
            if any(v is True or v is False for row in result.rows for v in row):
                writer.writerows([_cell(v) for v in row] for row in result.rows)
            else:
                writer.writerows(result.rows)
        else:
            buf.write("\t".join(result.columns) + "\n")
            for row in result.rows:
                buf.write("\t".join(" ".join(_cell(v).split()) for v in row) + "\n")
        return buf.getvalue()
    if fmt == "json":
        # one object per line, each written by the C encoder (`indent` makes json use its
        # pure-Python one: 2.9 s for the 201,671 contested rows at 1M, 0.8 s so)
        encode = json.JSONEncoder(ensure_ascii=False, default=_json_default).encode
        if not result.rows:
            return "[]\n"
        return "[\n" + ",\n".join(
            "  " + encode(dict(zip(result.columns, row, strict=True))) for row in result.rows
        ) + "\n]\n"
    raise BadInput(f"unknown output format {fmt!r}: use one of {', '.join(FORMATS)}")


def parse_param_args(pairs: Sequence[str]) -> dict[str, str]:
    """`["actor=JNIM", "year=2023"]` -> {"actor": "JNIM", "year": "2023"} (for the CLI)."""
    out: dict[str, str] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise BadInput(f"--param {pair!r}: write KEY=VALUE")
        out[key.strip()] = value
    return out


__all__ = [
    "Param", "QueryInfo", "NamedQuery", "QueryResult", "IRI", "list_queries", "load_query",
    "run_query", "run_remote", "query_df", "format_result", "bind_params", "with_values",
    "check_syntax", "OxigraphBackend", "RdflibBackend", "RemoteBackend", "backend_for",
    "check_store_fresh", "forget",
]
