"""SHACL Core shapes compiled to SPARQL queries that the store runs itself.

Why: pyshacl walks the graph in Python (~3-6 ms of CPU per event at this model's size), so
a million events cost an hour, and every batch must first be copied out of the store and
parsed by rdflib. Each SHACL Core constraint is a simple pattern over a node's values
(https://www.w3.org/TR/shacl/#core-components), so it can be asked as one SPARQL query
that Oxigraph evaluates in Rust next to its indexes, over all report graphs at once;
only the violating (focus, value) pairs come back to Python.

The data graph is the one `conflictkg.validate` gives pyshacl: the union of the asserted
graphs (every named graph but the ontology and the inferred graph) plus the ontology's
class hierarchy and its individuals' types; results are kept for focus nodes that some
asserted graph describes. pyshacl stays the reference engine: `tests/test_validate_engines.py`
runs both on every shape case and on the seeds with injected faults and requires the same
results (shape, focus, path, value, severity, message, component).

Supported: targets sh:targetClass / targetNode / targetSubjectsOf / targetObjectsOf;
paths: a predicate, sh:inversePath of a predicate, sequences of those; components
class, datatype, nodeKind, in, hasValue, pattern, minLength, maxLength, min/maxInclusive,
min/maxExclusive, minCount, maxCount, lessThan, lessThanOrEquals, and / or / not / node.
Anything else (sh:sparql, qualified shapes, alternative or `*` paths...) raises
`UnsupportedShapes`, naming the shape, so the caller can use pyshacl instead.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

import pyoxigraph as ox

from conflictkg.graph import iris
from conflictkg.store import select
from conflictkg.vocab import PREFIXES

if TYPE_CHECKING:
    from conflictkg.validate import Result

SH = PREFIXES["sh"]
RDF = PREFIXES["rdf"]
XSD = PREFIXES["xsd"]
_TYPE = f"<{RDF}type>"
_SUBCLASS = PREFIXES["rdfs"] + "subClassOf"
_ILL = "urn:conflictkg:ill-typed"
_MARK = "urn:conflictkg:focus"
#: the graphs that are not asserted data: the ontology, the inferred graph, the summaries
_NOT_DATA = ", ".join(f"<{g}>" for g in (iris.ONTOLOGY_GRAPH, *iris.DERIVED_GRAPHS))


def _asserted(g: str) -> str:
    """A filter keeping a graph variable to the asserted graphs."""
    return f"{g} NOT IN ({_NOT_DATA})"

#: XSD types whose lexical form SPARQL casts can check (ill-formed -> not that datatype)
_CASTABLE = frozenset(XSD + t for t in ("integer", "decimal", "double", "float", "boolean",
                                         "date", "dateTime", "int", "long", "short", "byte",
                                         "nonNegativeInteger", "positiveInteger",
                                         "negativeInteger", "nonPositiveInteger",
                                         "unsignedInt", "unsignedLong", "time", "duration"))
_NODE_KINDS = {
    "IRI": "isIRI({v})", "BlankNode": "isBlank({v})", "Literal": "isLiteral({v})",
    "BlankNodeOrIRI": "(isBlank({v}) || isIRI({v}))",
    "BlankNodeOrLiteral": "(isBlank({v}) || isLiteral({v}))",
    "IRIOrLiteral": "(isIRI({v}) || isLiteral({v}))",
}
#: value-pair components: the comparison a conforming (value, other value) pair passes
_PAIR_OPS = {SH + "lessThan": "<", SH + "lessThanOrEquals": "<="}
_COMPARE = {"minInclusive": ">=", "maxInclusive": "<=", "minExclusive": ">", "maxExclusive": "<"}
#: parameters that are not constraints of their own
_IGNORED = frozenset(SH + p for p in (
    "path", "message", "severity", "name", "description", "order", "group", "defaultValue",
    "targetClass", "targetNode", "targetSubjectsOf", "targetObjectsOf", "property", "flags",
    "deactivated")) | {RDF + "type", PREFIXES["rdfs"] + "label", PREFIXES["rdfs"] + "comment"}


class UnsupportedShapes(Exception):
    """The shapes use a SHACL feature this engine does not compile."""


Node = ox.NamedNode | ox.BlankNode | ox.Literal


@dataclass
class _Shapes:
    """The shapes graph, read into dictionaries (subject -> predicate -> objects)."""

    triples: dict[Node, dict[str, list[Node]]] = field(default_factory=dict)

    @classmethod
    def parse(cls, ntriples: bytes) -> _Shapes:
        s = cls()
        for t in ox.parse(ntriples, format=ox.RdfFormat.N_TRIPLES):
            s.triples.setdefault(t.subject, {}).setdefault(t.predicate.value, []).append(t.object)
        return s

    def values(self, node: Node, prop: str) -> list[Node]:
        return self.triples.get(node, {}).get(SH + prop if ":" not in prop else prop, [])

    def one(self, node: Node, prop: str) -> Node | None:
        vals = self.values(node, prop)
        return vals[0] if vals else None

    def rdf_list(self, head: Node) -> list[Node]:
        out = []
        while head != ox.NamedNode(RDF + "nil"):
            first = self.triples.get(head, {}).get(RDF + "first")
            if not first:
                raise UnsupportedShapes(f"malformed RDF list at {head}")
            out.append(first[0])
            head = self.triples[head][RDF + "rest"][0]
        return out

    def name(self, shape: Node) -> str:
        """The IRI results carry for `shape`: its own, or for a blank node the IRI of a
        shape that points to it (as `conflictkg.validate` reports pyshacl's results)."""
        if isinstance(shape, ox.NamedNode):
            return shape.value
        for s, props in self.triples.items():
            if isinstance(s, ox.NamedNode) and any(shape in objs for objs in props.values()):
                return s.value
        return str(shape)


class _Vars:
    def __init__(self) -> None:
        self._n = itertools.count()

    def __call__(self, stem: str = "x") -> str:
        return f"?{stem}{next(self._n)}"


def _data_triple(s: str, p: str, o: str, var: _Vars) -> str:
    """A triple of an asserted graph (the ontology's part of the data graph, its classes
    and individuals, comes from `Reference`)."""
    g = var("g")
    return f"GRAPH {g} {{ {s} {p} {o} }} FILTER({_asserted(g)})"


class Compiler:
    """Turns the shapes into one SPARQL query per (shape, constraint)."""

    def __init__(self, shapes_nt: bytes, reference: Reference) -> None:
        self.shapes = _Shapes.parse(shapes_nt)
        self.reference = reference

    # -- paths --------------------------------------------------------------------

    def path(self, path: Node, s: str, o: str, var: _Vars) -> str:
        if isinstance(path, ox.NamedNode):
            return _data_triple(s, f"<{path.value}>", o, var)
        inverse = self.shapes.one(path, "inversePath")
        if inverse is not None:
            return self.path(inverse, o, s, var)
        if self.shapes.one(path, RDF + "first") is not None:
            steps = self.shapes.rdf_list(path)
            nodes = [s] + [var("p") for _ in steps[:-1]] + [o]
            return " ".join(self.path(st, nodes[i], nodes[i + 1], var) for i, st in enumerate(steps))
        raise UnsupportedShapes(f"path {path}: only predicates, sh:inversePath and sequences")

    # -- constraints ----------------------------------------------------------------

    def _typed(self, v: str, cls: str, var: _Vars) -> str:
        """Pattern: `v` has an asserted rdf:type that is `cls` or one of its subclasses."""
        classes = " ".join(f"<{c}>" for c in sorted(self.reference.subclasses.get(cls, {cls})))
        c = var("c")
        return f"VALUES {c} {{ {classes} }} {_data_triple(v, _TYPE, c, var)}"

    def _not_instance(self, v: str, cls: str, var: _Vars) -> str:
        """Filter: `v` is not a SHACL instance of `cls` (https://www.w3.org/TR/shacl/#dfn-shacl-instance)."""
        test = f"FILTER NOT EXISTS {{ {self._typed(v, cls, var)} }}"
        members = sorted(self.reference.individuals.get(cls, ()))
        if members:
            test += " FILTER(!(" + " || ".join(f"sameTerm({v}, <{m}>)" for m in members) + "))"
        return test

    def value_test(self, comp: str, param: Node, v: str, var: _Vars, shape: Node
                   ) -> str | None:
        """A SPARQL group pattern that has a solution iff the value `v` VIOLATES the
        component; None when `comp` is not a value-level component."""
        name = comp.removeprefix(SH)
        if name == "class":
            return self._not_instance(v, param.value, var)
        if name == "datatype":
            dt = param.value
            ok = f"isLiteral({v}) && datatype({v}) = <{dt}>"
            if dt in _CASTABLE:  # a cast fails on an ill-formed lexical form
                ok += f" && !sameTerm(COALESCE(<{dt}>({v}), <{_ILL}>), <{_ILL}>)"
            return f"FILTER(!({ok}))"
        if name == "nodeKind":
            kind = param.value.removeprefix(SH)
            if kind not in _NODE_KINDS:
                raise UnsupportedShapes(f"{shape}: unknown sh:nodeKind {param}")
            return f"FILTER(!{_NODE_KINDS[kind].format(v=v)})"
        if name == "in":
            members = self.shapes.rdf_list(param)
            alts = " || ".join(f"sameTerm({v}, {m})" for m in members) or "false"
            return f"FILTER(!({alts}))"
        if name == "pattern":
            flags = self.shapes.one(shape, "flags")
            args = f"STR({v}), {param}" + (f", {flags}" if flags is not None else "")
            return f"FILTER(isBlank({v}) || !COALESCE(REGEX({args}), false))"
        if name in ("minLength", "maxLength"):
            op = ">=" if name == "minLength" else "<="
            return f"FILTER(isBlank({v}) || !COALESCE(STRLEN(STR({v})) {op} {param}, false))"
        if name in _COMPARE:
            return f"FILTER(!COALESCE({v} {_COMPARE[name]} {param}, false))"
        if name in ("and", "or", "not", "node"):
            return f"FILTER({self.fails_logic(name, param, v, var)})"
        return None

    def fails_logic(self, name: str, param: Node, v: str, var: _Vars) -> str:
        """A SPARQL expression true iff node `v` fails the logical component."""
        if name == "node":
            return f"EXISTS {{ {self.violations(param, v, var)} }}"
        if name == "not":
            return f"NOT EXISTS {{ {self.violations(param, v, var)} }}"
        members = [f"EXISTS {{ {self.violations(m, v, var)} }}" for m in self.shapes.rdf_list(param)]
        if name == "or":
            return "(" + " && ".join(members or ["true"]) + ")"
        return "(" + " || ".join(members or ["false"]) + ")"  # and

    def count_test(self, comp: str, param: Node, path: Node, f: str, var: _Vars) -> str | None:
        """Pattern with a solution iff focus `f` violates a min/maxCount on `path`."""
        name = comp.removeprefix(SH)
        if name not in ("minCount", "maxCount"):
            return None
        n = int(param.value)
        k = n if name == "minCount" else n + 1  # violation: fewer than n / at least n+1 values
        if k == 0:  # sh:minCount 0 never fails
            return "FILTER(false)"
        vs = [var("n") for _ in range(k)]
        pats = " ".join(self.path(path, f, x, var) for x in vs)
        distinct = " && ".join(f"!sameTerm({a}, {b})" for a, b in itertools.combinations(vs, 2))
        pat = pats + (f" FILTER({distinct})" if distinct else "")
        return f"FILTER NOT EXISTS {{ {pat} }}" if name == "minCount" else pat

    def pair_test(self, comp: str, param: Node, path: Node, f: str, v: str, var: _Vars
                  ) -> str | None:
        op = _PAIR_OPS.get(comp)
        if op is None:
            return None
        w = var("w")
        return (f"{self.path(param, f, w, var)} "
                f"FILTER(!COALESCE({v} {op} {w}, false))")

    def or_set(self, target: Node, comp: str, param: Node) -> Query | None:
        """A node-level sh:or whose members are property shapes with set forms: the focus
        nodes that violate every member (the intersection of the members' violators, a
        hash join), instead of two EXISTS per focus node. None when a member does not fit."""
        if comp != SH + "or":
            return None
        members = []
        for m in self.shapes.rdf_list(param):
            if self.shapes.one(m, "path") is None or self.shapes.values(m, "property"):
                return None
            parts = []
            for c, p in self.constraints(m):
                q = self.set_query(target, m, c, p)
                if q is None:
                    return None
                parts.append(f"{{ {q.sparql} }}")
            if not parts:
                return None
            members.append(f"{{ SELECT DISTINCT ?focus {{ {' UNION '.join(parts)} }} }}")
        if not members:
            return None
        return Query(sparql=f"SELECT DISTINCT ?focus {{ {' '.join(members)} }}", value_var="focus")

    def pair_set(self, comp: str, param: Node, path: Node, f: str, v: str, var: _Vars
                 ) -> str | None:
        """lessThan(OrEquals) as a join of two path scans in subqueries (Oxigraph then
        hashes them: 3x faster than looking the second value up per row)."""
        op = _PAIR_OPS.get(comp)
        if op is None:
            return None
        w = var("w")
        return (f"{{ SELECT {f} {v} {{ {self.path(path, f, v, var)} }} }} "
                f"{{ SELECT {f} {w} {{ {self.path(param, f, w, var)} }} }} "
                f"FILTER(!COALESCE({v} {op} {w}, false))")

    def constraints(self, shape: Node) -> Iterator[tuple[str, Node]]:
        for prop, objs in self.shapes.triples.get(shape, {}).items():
            if prop in _IGNORED or not prop.startswith(SH):
                continue
            for o in objs:
                yield prop, o

    def has_value_test(self, param: Node, path: Node | None, f: str, var: _Vars) -> str:
        if path is None:
            return f"FILTER(!sameTerm({f}, {param}))"
        x = var("h")
        return f"FILTER NOT EXISTS {{ {self.path(path, f, x, var)} FILTER(sameTerm({x}, {param})) }}"

    def pieces(self, shape: Node, f: str, var: _Vars, only: tuple[str, Node] | None = None
               ) -> Iterator[tuple[str, str, str]]:
        """For each constraint of `shape` (its own, not its sh:property shapes), or only
        the one given: (component IRI, pattern with a solution per violation (binding the
        violating value), value variable or '')."""
        path = self.shapes.one(shape, "path")
        for comp, param in [only] if only else self.constraints(shape):
            name = comp.removeprefix(SH)
            component = f"{SH}{name[0].upper()}{name[1:]}ConstraintComponent"
            if name == "hasValue":
                yield component, self.has_value_test(param, path, f, var), ""
                continue
            if path is None:
                test = self.value_test(comp, param, f, var, shape)
                if test is None:
                    raise UnsupportedShapes(f"{self.shapes.name(shape)}: sh:{name} on a node "
                                            "shape is not supported by the sparql engine")
                yield component, test, f
                continue
            count = self.count_test(comp, param, path, f, var)
            if count is not None:
                yield component, count, ""
                continue
            v = var("v")
            test = self.pair_test(comp, param, path, f, v, var) or \
                self.value_test(comp, param, v, var, shape)
            if test is None:
                raise UnsupportedShapes(f"{self.shapes.name(shape)}: sh:{name} is not "
                                        "supported by the sparql engine; use --engine pyshacl")
            yield component, f"{self.path(path, f, v, var)} {test}", v

    def violations(self, shape: Node, f: str, var: _Vars) -> str:
        """A pattern with a solution iff node `f` does not conform to `shape` (its own
        constraints and its sh:property shapes)."""
        alts = [p for _c, p, _v in self.pieces(shape, f, var)]
        alts += [self.violations(p, f, var) for p in self.shapes.values(shape, "property")]
        if not alts:
            return "FILTER(false)"
        return " UNION ".join(f"{{ {a} }}" for a in alts)

    # -- targets and queries ----------------------------------------------------------

    def _owned(self, f: str, var: _Vars) -> str:
        g, p, o = var("g"), var("p"), var("o")
        return (f"EXISTS {{ GRAPH {g} {{ {f} {p} {o} }} "
                f"FILTER({_asserted(g)}) }}")

    def focus(self, shape: Node, f: str, var: _Vars) -> str | None:
        """A pattern binding `f` to the shape's focus nodes that an asserted graph
        describes (each once), or None when the shape has no target. (A node typed in
        an asserted graph, or the subject of an asserted triple, is described there.)"""
        alts = []
        for cls in self.shapes.values(shape, "targetClass"):
            alts.append(self._typed(f, cls.value, var))
            members = sorted(self.reference.individuals.get(cls.value, ()))
            if members:
                alts.append(f"VALUES {f} {{ {' '.join(f'<{m}>' for m in members)} }} "
                            f"FILTER({self._owned(f, var)})")
        for node in self.shapes.values(shape, "targetNode"):
            alts.append(f"VALUES {f} {{ {node} }} FILTER({self._owned(f, var)})")
        for p in self.shapes.values(shape, "targetSubjectsOf"):
            alts.append(_data_triple(f, f"<{p.value}>", var("o"), var))
        for p in self.shapes.values(shape, "targetObjectsOf"):
            alts.append(f"{_data_triple(var('s'), f'<{p.value}>', f, var)} "
                        f"FILTER({self._owned(f, var)})")
        if not alts:
            return None
        union = " UNION ".join(f"{{ {a} }}" for a in alts)
        return f"{{ SELECT DISTINCT {f} {{ {union} }} }}"

    def focus_join(self, shape: Node, f: str, var: _Vars) -> str:
        """A pattern that keeps the bindings of `f` that are focus nodes of `shape` (maybe
        repeated: callers SELECT DISTINCT). It follows a subquery of violators: Oxigraph
        joins that against VALUES-typed scans cheaply, while a FILTER EXISTS with a class
        list costs ~45 us a row."""
        alts = []
        for cls in self.shapes.values(shape, "targetClass"):
            alts.append(self._typed(f, cls.value, var))
            members = sorted(self.reference.individuals.get(cls.value, ()))
            if members:
                same = " || ".join(f"sameTerm({f}, <{m}>)" for m in members)
                alts.append(f"FILTER(({same}) && {self._owned(f, var)})")
        for node in self.shapes.values(shape, "targetNode"):
            alts.append(f"FILTER(sameTerm({f}, {node}) && {self._owned(f, var)})")
        for p in self.shapes.values(shape, "targetSubjectsOf"):
            alts.append(f"FILTER EXISTS {{ {_data_triple(f, f'<{p.value}>', var('o'), var)} }}")
        for p in self.shapes.values(shape, "targetObjectsOf"):
            alts.append(f"FILTER(EXISTS {{ {_data_triple(var('s'), f'<{p.value}>', f, var)} }} "
                        f"&& {self._owned(f, var)})")
        return " UNION ".join(f"{{ {a} }}" for a in alts)

    # -- set-at-a-time forms of the top-level constraints ---------------------------------
    # Oxigraph scans an index and hashes fast (~0.5 us a row) but a lookup per node costs
    # 5-15 us on disk, so the top-level queries scan the path and hash, and look up only
    # the violators (focus_join). Nested shapes (sh:or members...) use the per-node form.

    def set_query(self, target: Node, shape: Node, comp: str, param: Node) -> Query | None:
        """A query (SELECT ?focus [?value]; only `sparql`, `value_var` and the split parts
        filled) or None when the component has no set form (then the per-node form)."""
        path = self.shapes.one(shape, "path")
        if path is None:
            return self.or_set(target, comp, param)
        name = comp.removeprefix(SH)
        var = _Vars()
        f, v = "?focus", "?value"

        def checked(sel: str, violators: str) -> Query:
            """The violators (a subquery, so Oxigraph evaluates it first) that are focus
            nodes of the target shape. The parts are kept apart too: `run` asks for the
            violators once for every shape that shares them, and joins only if any."""
            inner = f"SELECT {sel} {{ {violators} }}"
            join = self.focus_join(target, f, var)
            return Query(sparql=f"SELECT DISTINCT {sel} {{ {{ {inner} }} {join} }}",
                         value_var="value" if v in sel else "", violators=inner,
                         select=sel, join=join)

        if name == "maxCount":
            # (HAVING names the aggregate again: Oxigraph 0.5 reads an alias there as unbound)
            inner = (f"{{ SELECT ?focus {{ {self.path(path, f, v, var)} }} GROUP BY ?focus "
                     f"HAVING(COUNT(DISTINCT {v}) > {int(param.value)}) }}")
            return checked(f, inner)
        if name == "minCount":
            n = int(param.value)
            if n == 0:
                return Query(sparql="SELECT ?focus { FILTER(false) }")
            focus = self.focus(target, f, var)
            inner = self.path(path, f, v, var)
            if n == 1:  # a hash anti-join: 2x faster than grouping (bench/shacl.md)
                return Query(sparql=f"SELECT ?focus {{ {focus} MINUS {{ {inner} }} }}")
            return Query(sparql=f"SELECT ?focus {{ {{ {focus} BIND(<{_MARK}> AS ?h) }} UNION "
                                f"{{ {inner} BIND({v} AS ?h) }} }} GROUP BY ?focus "
                                f"HAVING(MAX(sameTerm(?h, <{_MARK}>)) && COUNT(DISTINCT ?h) <= {n}) ")
        if name == "class":  # values MINUS the instances: a hash anti-join
            cls = param.value
            members = sorted(self.reference.individuals.get(cls, ()))
            not_member = ("FILTER(!(" + " || ".join(f"sameTerm({v}, <{m}>)" for m in members)
                          + "))") if members else ""
            return checked(f"{f} {v}", f"{self.path(path, f, v, var)} "
                                       f"MINUS {{ {self._typed(v, cls, var)} }} {not_member}")
        if name in ("and", "or", "not", "node", "hasValue"):
            return None
        pair = self.pair_set(comp, param, path, f, v, var)
        if pair is not None:
            return checked(f"{f} {v}", pair)
        test = self.value_test(comp, param, v, var, shape)
        if test is None:
            raise UnsupportedShapes(f"{self.shapes.name(shape)}: sh:{name} is not "
                                    "supported by the sparql engine; use --engine pyshacl")
        return checked(f"{f} {v}", f"{self.path(path, f, v, var)} {test}")


    def queries(self) -> Iterator[Query]:
        """One query per (targeted shape or one of its sh:property shapes, constraint)."""
        for target in sorted((s for s in self.shapes.triples if self._targeted(s)), key=str):
            if self._deactivated(target):
                continue
            for shape in [target, *self.shapes.values(target, "property")]:
                yield from self._shape_queries(target, shape)

    def _targeted(self, s: Node) -> bool:
        return any(self.shapes.values(s, t) for t in
                   ("targetClass", "targetNode", "targetSubjectsOf", "targetObjectsOf"))

    def _deactivated(self, shape: Node) -> bool:
        return self.shapes.one(shape, "deactivated") == ox.Literal(
            "true", datatype=ox.NamedNode(XSD + "boolean"))

    def _shape_queries(self, target: Node, shape: Node) -> Iterator[Query]:
        if self._deactivated(shape):
            return
        f = "?focus"
        path = self.shapes.one(shape, "path")
        sev = self.shapes.one(shape, "severity")
        msgs = self.shapes.values(shape, "message")
        common = dict(
            shape=self.shapes.name(shape),
            path=f"<{path.value}>" if isinstance(path, ox.NamedNode) else "",
            severity=sev.value if sev is not None else SH + "Violation",
            message=str(msgs[0].value) if msgs else "")  # (shapes/ all have one: test_shapes)
        for comp, param in self.constraints(shape):
            name = comp.removeprefix(SH)
            component = f"{SH}{name[0].upper()}{name[1:]}ConstraintComponent"
            fast = self.set_query(target, shape, comp, param)
            if fast is not None:
                yield replace(fast, component=component, **common)
                continue
            var = _Vars()
            focus = self.focus(target, f, var)
            for _c, pattern, v in self.pieces(shape, f, var, only=(comp, param)):
                sel = f if v in ("", f) else f"{f} {v}"
                yield Query(component=component, value_var=v[1:] if v else "",
                            sparql=f"SELECT DISTINCT {sel} WHERE {{ {focus} {pattern} }}",
                            **common)


@dataclass(frozen=True)
class Query:
    """One constraint as SPARQL, and what its results say."""

    sparql: str  # SELECT ?focus [?value]: one row per violation
    value_var: str = ""  # '' when the result carries no value (min/maxCount)
    shape: str = ""
    path: str = ""
    severity: str = SH + "Violation"
    message: str = ""
    component: str = ""
    # the same query in two steps (set forms): violators (target-independent), then the
    # join that keeps the target's focus nodes
    violators: str = ""
    select: str = ""
    join: str = ""


@dataclass
class Reference:
    """What the data graph takes from the ontology: the class hierarchy (with any
    rdfs:subClassOf an asserted graph adds) and the types of the ontology's individuals
    (ckg:killed a ckg:Harm). Read once in Python; the queries carry it as VALUES."""

    subclasses: dict[str, set[str]]  # class -> itself and all its subclasses
    individuals: dict[str, set[str]]  # class -> ontology individuals typed with it or a subclass

    @classmethod
    def of(cls, store: ox.Store) -> Reference:
        onto = ox.NamedNode(iris.ONTOLOGY_GRAPH)
        quads = list(store.quads_for_pattern(None, None, None, onto))
        if not quads:  # a file validated on its own: the ontology of ontology/
            from conflictkg.store import ontology_quads

            quads = ontology_quads()
        direct: dict[str, set[str]] = {}
        types: list[tuple[str, str]] = []
        for q in quads:
            if isinstance(q.subject, ox.NamedNode) and isinstance(q.object, ox.NamedNode):
                if q.predicate.value == _SUBCLASS:
                    direct.setdefault(q.object.value, set()).add(q.subject.value)
                elif q.predicate.value == RDF + "type":
                    types.append((q.subject.value, q.object.value))
        sel = (f"SELECT DISTINCT ?s ?o {{ GRAPH ?g {{ ?s <{_SUBCLASS}> ?o }} "
               f"FILTER({_asserted('?g')} && isIRI(?s) && isIRI(?o)) }}")
        for sol in select(store, sel):
            direct.setdefault(sol["o"].value, set()).add(sol["s"].value)
        closure: dict[str, set[str]] = {}
        for c in direct:
            seen, todo = {c}, [c]
            while todo:
                for sub in direct.get(todo.pop(), ()):
                    if sub not in seen:
                        seen.add(sub)
                        todo.append(sub)
            closure[c] = seen
        individuals: dict[str, set[str]] = {}
        for c, subs in closure.items():
            individuals[c] = {i for i, t in types if t in subs}
        for i, t in types:
            individuals.setdefault(t, set()).add(i)
        return cls(closure, individuals)


def compiled_queries(store: ox.Store, shapes_nt: bytes) -> list[Query]:
    """The shapes as SPARQL queries over `store` (raises UnsupportedShapes)."""
    return list(Compiler(shapes_nt, Reference.of(store)).queries())


_WORKER: dict[str, ox.Store] = {}


def _open_store(path: str) -> None:
    _WORKER["store"] = ox.Store.read_only(path)


#: above this many violators, the join runs as one query rather than over a VALUES list
_MAX_JOINED = 5000


def _rows(store: ox.Store, q: Query, sparql: str) -> list[tuple[str, str]]:
    return [(str(sol["focus"]), str(sol[q.value_var]) if q.value_var else "")
            for sol in select(store, sparql)]


def _run_group(queries: list[Query], store: ox.Store | None = None) -> list[list[tuple[str, str]]]:
    """(focus, value) of each violation, for queries that share their violators (the same
    path and constraint under several target shapes): the violators are asked once, and
    a graph that has none (the usual case) costs no join at all."""
    store = store if store is not None else _WORKER["store"]
    first = queries[0]
    if not first.violators:
        return [_rows(store, q, q.sparql) for q in queries]
    names = first.select.split()
    candidates = [[sol[n[1:]] for n in names] for sol in select(store, first.violators)]
    if not candidates:
        return [[] for _ in queries]
    if len(candidates) > _MAX_JOINED or any(isinstance(t, ox.BlankNode) for row in candidates
                                            for t in row):
        return [_rows(store, q, q.sparql) for q in queries]
    values = " ".join("(" + " ".join(str(t) for t in row) + ")" for row in candidates)
    return [_rows(store, q, f"SELECT DISTINCT {q.select} {{ VALUES ({q.select}) {{ {values} }} "
                            f"{q.join} }}") for q in queries]


def _run_checks(checks: tuple, store: ox.Store | None = None) -> list:
    from conflictkg.validate import run_checks

    return run_checks(store if store is not None else _WORKER["store"], checks)


def validate(store: ox.Store, shapes_nt: bytes, *, progress: bool = False, workers: int = 1,
             store_path: Path | None = None, checks: tuple = ()) -> list[Result]:
    """The shapes' results (`conflictkg.validate.Result`s) for `store`, and those of the
    cross-node `checks` (`conflictkg.validate.Check`s, run beside the shapes' queries).
    Raises UnsupportedShapes.

    With `workers` > 1 and the directory of an on-disk store, the queries run in that
    many processes, each opening the store read-only (a query holds the GIL while it
    runs, so threads would not help)."""
    import os
    import sys
    from concurrent.futures import ProcessPoolExecutor, as_completed

    from tqdm import tqdm

    from conflictkg.validate import Result, Severity

    groups: dict[str, list[Query]] = {}
    for i, q in enumerate(compiled_queries(store, shapes_nt)):
        groups.setdefault(q.violators or f"#{i}", []).append(q)
    bar = tqdm(total=len(groups) + len(checks), desc="validate", unit="query",
               disable=not progress, file=sys.stderr)
    out: list[Result] = []

    def collect(queries: list[Query], rows: list[list[tuple[str, str]]]) -> None:
        for q, qrows in zip(queries, rows, strict=True):
            sev = Severity(q.severity.rsplit("#", 1)[-1])
            out.extend(Result(shape=q.shape, focus=focus, path=q.path, value=value,
                              severity=sev, message=q.message, component=q.component)
                       for focus, value in qrows)
        bar.update()

    n = min(workers, os.cpu_count() or 1)
    if n <= 1 or store_path is None:
        for group in groups.values():
            collect(group, _run_group(group, store))
        for check in checks:
            out.extend(_run_checks((check,), store))
            bar.update()
    else:
        with ProcessPoolExecutor(n, initializer=_open_store, initargs=(str(store_path),)) as pool:
            futures = {pool.submit(_run_group, g): g for g in groups.values()}
            done = {pool.submit(_run_checks, (c,)) for c in checks}
            for fut in as_completed([*futures, *done]):
                if fut in futures:
                    collect(futures[fut], fut.result())
                else:
                    out.extend(fut.result())
                    bar.update()
    bar.close()
    return out
