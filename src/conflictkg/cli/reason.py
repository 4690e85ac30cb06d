"""`conflictkg reason`: HermiT consistency check, then materialise the inferences."""

from __future__ import annotations

from pathlib import Path

import click
import pyoxigraph as ox

from conflictkg.cli._common import store_option
from conflictkg.errors import CheckFailed, StoreError
from conflictkg.graph import iris
from conflictkg.reason import check_consistency, materialise
from conflictkg.summary import summarise


def _open_store(path: Path) -> ox.Store:
    if not path.is_dir():
        raise StoreError(f"{path}: no store there; build one first (conflictkg build --store {path})")
    try:
        return ox.Store(str(path))
    except OSError as exc:
        raise StoreError(f"{path}: cannot open the store ({exc}); is another process using it?") from exc


@click.command("reason")
@store_option
@click.option("--check/--no-check", default=True, show_default=True,
              help="Check ontology + registry + data for consistency with HermiT (needs Java).")
@click.option("--materialise/--no-materialise", "do_materialise", default=True, show_default=True,
              help=f"Write the inferred triples into the named graph {iris.INFERRED_GRAPH}.")
@click.option("--restate-facts", is_flag=True,
              help="Also restate every event, attribution, evidence and report in the standard "
                   "vocabularies (PROV, SEM, schema.org, Web Annotation): ~17 more triples per "
                   "event, for platforms that read only those.")
@click.option("--max-triples", type=click.IntRange(min=1), default=250_000, show_default=True,
              help="HermiT's budget: beyond it HermiT reads a sample of whole report graphs "
                   "(rules still check every triple).")
def reason(store: Path, check: bool, do_materialise: bool, restate_facts: bool,
           max_triples: int) -> None:
    """Check consistency (HermiT) and materialise inferences for engines without reasoning.

    Exit 1 when the data are inconsistent (the offending individuals are listed and nothing
    is materialised), 2 when the store cannot be opened.
    """
    st = _open_store(store)
    # first: the rules' check reads it
    n = materialise(st, restate_facts=restate_facts) if do_materialise else None
    if n is not None:
        summarise(st)  # derived like the inferred graph: the library's queries read them
    if check:
        report = check_consistency(st, max_triples=max_triples, materialised=n is not None)
        click.echo(report.summary())
        if not report.consistent:
            if n is not None:
                st.remove_graph(ox.NamedNode(iris.INFERRED_GRAPH))
                st.flush()
            raise CheckFailed(f"{store}: ontology + registry + data are inconsistent "
                              f"({len(report.offenders)} offender(s) listed above; nothing materialised)")
    if n is not None:
        st.flush()
        click.echo(f"materialised {n} inferred triples into <{iris.INFERRED_GRAPH}>")
        click.echo(f"summaries rebuilt into <{iris.SUMMARY_GRAPH}>")


COMMANDS = [reason]
