"""One exception tree; each carries the exit code the CLI returns (DESIGN.md, Errors).

0 success, 1 SHACL violations or failed checks, 2 bad input.
"""

from __future__ import annotations


class ConflictKGError(Exception):
    """Base of every error the package raises on purpose."""

    exit_code = 2


class BadInput(ConflictKGError):
    """Input the user gave cannot be used: unreadable file, malformed RDF, unknown query...

    The message names the file (and line or node where known) and what to do.
    """

    exit_code = 2


class StoreError(BadInput):
    """The store directory is locked, is not a store, or cannot be written."""


class CheckFailed(ConflictKGError):
    """A check ran and found problems: SHACL violations, an inconsistent ontology."""

    exit_code = 1
