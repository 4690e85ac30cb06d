"""Every ontology IRI the code, the shapes, the queries and the notebooks use is defined in
ontology/conflictkg.ttl (STYLE.md 1): a typo or a removed term fails here, not in a user's
empty query result."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from conflictkg.paths import home
from conflictkg.vocab import CKG, CKG_NS, CKG_R, defined_terms

SCANNED = ("src", "shapes", "queries", "notebooks")
SUFFIXES = {".py", ".ttl", ".rq", ".sparql", ".ipynb", ".trig", ".jsonld", ".md"}
_TERM = r"([A-Za-z_][A-Za-z0-9_]*)"
PATTERNS = (
    # ckg:Term in SPARQL, Turtle, docstrings; not a key=value tag such as "ckg:date=..."
    re.compile(r"(?<![\w/#])ckg:" + _TERM + r"(?![\w=.-])"),
    re.compile(re.escape(CKG_NS) + _TERM),  # full IRIs
    re.compile(r"\bCKG(?:_R)?\." + _TERM),  # vocab attribute access
    re.compile(r"\bCKG(?:_R)?\[\s*[\"']" + _TERM + r"[\"']\s*\]"),  # vocab item access
)
# vocab._Namespace's own methods, and the keys of the ACLED export's `tags` column
# ("ckg:event=<iri>; ckg:type=Attack; ckg:date=2023-05", export/acled.py): not IRIs
NOT_TERMS = {"iri", "event", "type", "date"}


def _files() -> list[Path]:
    root = home()
    return sorted(p for d in SCANNED if (root / d).exists() for p in (root / d).rglob("*")
                  if p.is_file() and p.suffix in SUFFIXES and ".ipynb_checkpoints" not in p.parts)


def _uses(text: str) -> set[str]:
    return {m.group(1) for pat in PATTERNS for m in pat.finditer(text)} - NOT_TERMS


def test_scanner_finds_and_flags_terms():
    text = 'SELECT ?e { ?e a ckg:Attack ; ckg:perpetratr ?a } # ckg:date=2023 CKG.Event CKG_R["target"]'
    assert _uses(text) == {"Attack", "perpetratr", "Event", "target"}
    assert "perpetratr" not in {t.removeprefix(CKG_NS) for t in defined_terms()}


def test_every_used_term_is_defined():
    defined = {t.removeprefix(CKG_NS) for t in defined_terms() if t.startswith(CKG_NS)}
    files = _files()
    assert any(f.suffix == ".py" for f in files)
    undefined = sorted(f"{f.relative_to(home())}: ckg:{t}" for f in files
                       for t in _uses(f.read_text(encoding="utf-8", errors="replace")) - defined)
    assert not undefined, "terms not defined in ontology/conflictkg.ttl:\n" + "\n".join(undefined)


def test_vocab_checks_terms():
    assert CKG.Attack.value == CKG_NS + "Attack"
    assert str(CKG_R.alliedWith) == CKG_NS + "alliedWith"
    assert CKG.iri("partOf") == CKG_NS + "partOf"
    with pytest.raises(AttributeError):
        _ = CKG.Atack


def test_defined_terms_cover_the_model():
    names = {t.removeprefix(CKG_NS) for t in defined_terms()}
    for term in ("Actor", "Event", "Place", "Report", "Evidence", "ActorRelation", "Attribution",
                 "VictimGroup", "partOf", "memberOf", "acledSubEventType", "acledEventType",
                 "ucdpViolenceType", "acledInterCode"):
        assert term in names, term
