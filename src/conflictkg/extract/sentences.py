"""Sentences with character offsets: paragraphs split on line breaks, then spaCy's
rule-based sentencizer on a blank English pipeline (no model download)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

import spacy
from spacy.symbols import ORTH
from spacy.tokenizer import Tokenizer

ABBREVIATIONS = (
    "Lt.",
    "Col.",
    "Gen.",
    "Capt.",
    "Maj.",
    "Sgt.",
    "Cpl.",
    "Dr.",
    "Mr.",
    "Mrs.",
    "Ms.",
    "St.",
    "No.",
    "Nos.",
    "Jan.",
    "Feb.",
    "Aug.",
    "Sept.",
    "Sep.",
    "Oct.",
    "Nov.",
    "Dec.",
    "Gov.",
    "Sen.",
    "Rep.",
    "Prof.",
    "Amb.",
    "Cmdr.",
    "Brig.",
    "Adm.",
    "Lt.-Col.",
    "U.N.",
    "Jr.",
    "Sr.",
    "Co.",
    "Inc.",
    "Ltd.",
    "approx.",
    "vs.",
    "a.m.",
    "p.m.",
    "e.g.",
    "i.e.",
)


@dataclass(frozen=True, slots=True)
class Sentence:
    start: int
    end: int
    text: str
    index: int
    para: int


@cache
def pipeline() -> spacy.language.Language:
    """A blank English pipeline with the sentencizer; built once per process."""
    nlp = spacy.blank("en")
    tokenizer = nlp.tokenizer  # typed as any callable: a custom one may replace it
    assert isinstance(tokenizer, Tokenizer)
    for abbr in ABBREVIATIONS:
        tokenizer.add_special_case(abbr, [{ORTH: abbr}])
    nlp.add_pipe("sentencizer")
    return nlp


PARA = re.compile(r"[^\n]+")
CHEAP_SENT = re.compile(r"[.!?][”\"’)]?\s+(?=[A-Z“\"(])")


def paragraphs(text: str) -> list[tuple[int, int]]:
    return [(m.start(), m.end()) for m in PARA.finditer(text) if m.group().strip()]


def count_sentences(text: str) -> int:
    """A cheap count for paragraphs the extractor does not read closely."""
    return len(CHEAP_SENT.findall(text)) + 1


def split_docs(docs_with_offsets, first_index: int = 0):
    """Yield Sentences from (doc, paragraph start, paragraph number) triples."""
    index = first_index
    for doc, offset, para in docs_with_offsets:
        for sent in doc.sents:
            text = sent.text.strip()
            if not text:
                continue
            lead = len(sent.text) - len(sent.text.lstrip())
            start = offset + sent.start_char + lead
            yield Sentence(start, start + len(text), text, index, para)
            index += 1
