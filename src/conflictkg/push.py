"""Push the store's named graphs into a remote triplestore, idempotently.

Users load the graph into the triplestore their platform runs (Oxigraph server, Fuseki,
GraphDB, Virtuoso). Each named graph of the store (one per report, the registry, the
ontology, the inferred graph) is replaced as a whole on the remote side, so pushing
twice gives the same remote graph, and a re-built report replaces its old version:

- with a Graph Store endpoint (SPARQL 1.1 Graph Store HTTP Protocol,
  https://www.w3.org/TR/sparql11-http-rdf-update/#http-put): one `PUT ?graph=IRI`
  per graph (PUT replaces the graph); graphs larger than a batch continue with `POST`
  (merge) after the first PUT;
- otherwise with SPARQL 1.1 Update (https://www.w3.org/TR/sparql11-update/):
  `DROP SILENT GRAPH <g>` then `INSERT DATA { GRAPH <g> {...} }` in batches; several
  small graphs share one request. Triples with blank nodes of a graph go in one
  request, since a blank-node label means a new node in every request.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from enum import Enum
from pathlib import Path

import pyoxigraph as ox
import requests

from conflictkg.errors import BadInput, ConflictKGError
from conflictkg.store import open_store

DEFAULT_BATCH = 50_000  # triples per request


class PushError(ConflictKGError):
    """The endpoint refused a request or could not be reached."""

    exit_code = 2


class Protocol(Enum):
    GRAPH_STORE = "graph-store"
    UPDATE = "update"


@dataclass(frozen=True, slots=True)
class Auth:
    user: str
    password: str
    digest: bool = False

    @classmethod
    def parse(cls, text: str, digest: bool = False) -> Auth:
        """'user:password' (as curl's --user)."""
        user, sep, password = text.partition(":")
        if not sep or not user:
            raise BadInput(f"--auth {text!r}: give user:password")
        return cls(user, password, digest)

    def requests_auth(self) -> requests.auth.AuthBase:
        if self.digest:
            return requests.auth.HTTPDigestAuth(self.user, self.password)
        return requests.auth.HTTPBasicAuth(self.user, self.password)


@dataclass(slots=True)
class PushStats:
    graphs: int = 0
    triples: int = 0
    requests: int = 0


@dataclass
class Target:
    """Where to push: a SPARQL Update endpoint and, optionally, a Graph Store endpoint."""

    endpoint: str | None = None
    graph_store: str | None = None
    auth: Auth | None = None
    timeout: float = 300.0

    def __post_init__(self) -> None:
        if not self.endpoint and not self.graph_store:
            raise BadInput("give the SPARQL Update endpoint (--endpoint URL) "
                           "or a Graph Store endpoint (--graph-store URL)")
        for url in (self.endpoint, self.graph_store):
            if url and not url.startswith(("http://", "https://")):
                raise BadInput(f"{url}: not an http(s) URL")
        self.session = requests.Session()
        if self.auth:
            self.session.auth = self.auth.requests_auth()

    @property
    def protocol(self) -> Protocol:
        return Protocol.GRAPH_STORE if self.graph_store else Protocol.UPDATE

    def send(self, method: str, url: str, **kw) -> None:
        try:
            r = self.session.request(method, url, timeout=self.timeout, **kw)
        except requests.RequestException as exc:
            raise PushError(f"{url}: cannot reach the endpoint: {exc}") from exc
        if r.status_code >= 400:
            hint = " (check --auth)" if r.status_code in (401, 403) else ""
            raise PushError(f"{url}: {method} refused with HTTP {r.status_code}{hint}: "
                            f"{r.text.strip()[:500]}")


def _ntriples(triples: Iterable[ox.Triple]) -> bytes:
    buf = io.BytesIO()
    ox.serialize(triples, buf, format=ox.RdfFormat.N_TRIPLES)
    return buf.getvalue()


def _has_bnode(t: ox.Triple) -> bool:
    return isinstance(t.subject, ox.BlankNode) or isinstance(t.object, ox.BlankNode)


def graph_batches(triples: list[ox.Triple], batch: int) -> Iterator[list[ox.Triple]]:
    """Batches of at most `batch` triples, blank-node triples all in the first."""
    with_b = [t for t in triples if _has_bnode(t)]
    rest = [t for t in triples if not _has_bnode(t)]
    k = max(0, batch - len(with_b))
    yield with_b + rest[:k]
    for i in range(k, len(rest), batch):
        yield rest[i: i + batch]


def push_graph_store(target: Target, graph: str, triples: list[ox.Triple], batch: int,
                     stats: PushStats) -> None:
    url = target.graph_store
    assert url
    headers = {"Content-Type": "application/n-triples"}
    for n, part in enumerate(graph_batches(triples, batch)):
        target.send("PUT" if n == 0 else "POST", url, params={"graph": graph},
                    data=_ntriples(part), headers=headers)
        stats.requests += 1


def _insert(graph: str, triples: list[ox.Triple]) -> str:
    body = _ntriples(triples).decode("utf-8")
    return f"INSERT DATA {{ GRAPH <{graph}> {{\n{body}}} }}"


def push_update(target: Target, graphs: Iterable[tuple[str, list[ox.Triple]]], batch: int,
                stats: PushStats, on_graph: Callable[[int], None]) -> None:
    """DROP SILENT + INSERT DATA, packing small graphs into requests of ~`batch` triples."""
    url = target.endpoint
    assert url
    pending: list[str] = []
    size = 0

    def flush() -> None:
        nonlocal pending, size
        if pending:
            target.send("POST", url, data=" ;\n".join(pending).encode("utf-8"),
                        headers={"Content-Type": "application/sparql-update; charset=utf-8"})
            stats.requests += 1
            pending, size = [], 0

    for graph, triples in graphs:
        parts = list(graph_batches(triples, batch))
        pending.append(f"DROP SILENT GRAPH <{graph}>")
        for part in parts:
            if not part:
                continue
            if size and size + len(part) > batch:
                flush()
            pending.append(_insert(graph, part))
            size += len(part)
        on_graph(len(triples))
    flush()


def store_graphs(store: ox.Store) -> list[str]:
    """The named graphs of the store, sorted (registry and ontology among them)."""
    return sorted(g.value for g in store.named_graphs() if isinstance(g, ox.NamedNode))


def push(store: ox.Store | Path, target: Target, batch: int = DEFAULT_BATCH,
         graphs: list[str] | None = None, progress: bool = True) -> PushStats:
    """Replace each named graph of `store` (or the listed `graphs`) on the target."""
    from tqdm import tqdm

    if isinstance(store, (str, Path)):
        store = open_store(Path(store), read_only=True)
    names = graphs if graphs is not None else store_graphs(store)
    if not names:
        raise BadInput("the store has no named graphs to push; run `conflictkg build` first")
    stats = PushStats()
    bar = tqdm(total=len(names), unit="graph", desc="push", disable=not progress)

    def triples_of(name: str) -> list[ox.Triple]:
        g = ox.NamedNode(name)
        return [ox.Triple(q.subject, q.predicate, q.object)
                for q in store.quads_for_pattern(None, None, None, g)]

    def done(n: int) -> None:
        stats.graphs += 1
        stats.triples += n
        bar.update(1)
        bar.set_postfix(triples=stats.triples)

    try:
        if target.protocol is Protocol.GRAPH_STORE:
            for name in names:
                ts = triples_of(name)
                push_graph_store(target, name, ts, batch, stats)
                done(len(ts))
        else:
            push_update(target, ((n, triples_of(n)) for n in names), batch, stats, done)
    finally:
        bar.close()
    return stats


__all__ = ["Auth", "Target", "Protocol", "PushStats", "PushError", "push", "store_graphs"]
