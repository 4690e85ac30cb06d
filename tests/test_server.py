"""`conflictkg serve`: a real Oxigraph server on loopback over the seeds' graph."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
import requests
from click.testing import CliRunner

from conflictkg.cli import main
from conflictkg.errors import StoreError
from conflictkg.serve import ServerError, free_port, running_server, start_server

pytestmark = pytest.mark.server

COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"


@pytest.fixture(scope="module")
def seeds_store_dir(gold_store, tmp_path_factory, disk_store) -> Path:
    return disk_store(gold_store, tmp_path_factory.mktemp("serve") / "store")


def remote_count(url: str, query: str = COUNT) -> int:
    r = requests.get(url, params={"query": query},
                     headers={"Accept": "application/sparql-results+json"}, timeout=30)
    assert r.status_code == 200, r.text
    return int(r.json()["results"]["bindings"][0]["n"]["value"])


def test_read_only_server_answers_over_union_of_graphs(seeds_store_dir, gold_store):
    embedded = len(gold_store)
    with running_server(seeds_store_dir) as server:
        assert server.host == "127.0.0.1"
        # the union default graph: a query without GRAPH sees every named graph
        assert remote_count(server.query_url) == embedded
        n_graphs = remote_count(server.query_url,
                                "SELECT (COUNT(DISTINCT ?g) AS ?n) { GRAPH ?g { ?s ?p ?o } }")
        assert n_graphs == len(list(gold_store.named_graphs()))
        # read-only: updates are refused and nothing changes
        r = requests.post(server.update_url, data="INSERT DATA { <urn:a> <urn:b> <urn:c> }",
                          headers={"Content-Type": "application/sparql-update"}, timeout=10)
        assert r.status_code >= 400
        assert remote_count(server.query_url) == embedded
    assert not server.alive()


def test_read_only_server_needs_a_store(tmp_path):
    with pytest.raises(StoreError, match="no store there"):
        start_server(tmp_path / "missing")


def test_port_in_use_is_a_clear_error(seeds_store_dir):
    with running_server(seeds_store_dir) as first, pytest.raises(ServerError, match="in use"):
        start_server(seeds_store_dir, port=first.port)


def test_cli_serve_bad_store_exit_2(tmp_path):
    result = CliRunner().invoke(main, ["serve", "--store", str(tmp_path / "nope")])
    assert result.exit_code == 2, result.output
    assert "no store there" in result.output


def test_cli_serve_runs_until_interrupted(seeds_store_dir, gold_store):
    """The real entry point: start `conflictkg serve`, query it as curl would, Ctrl-C it."""
    port = free_port()
    exe = Path(sys.executable).parent / "conflictkg"
    proc = subprocess.Popen([str(exe), "serve", "--store", str(seeds_store_dir), "--port",
                             str(port)], stderr=subprocess.PIPE, text=True)
    try:
        banner = proc.stderr.readline()  # printed once the server answers
        assert "SPARQL endpoint (read-only)" in banner, banner + proc.stderr.read()
        url = f"http://127.0.0.1:{port}/query"
        assert url in banner
        r = requests.get(url, params={"query": COUNT}, headers={"Accept": "text/csv"}, timeout=10)
        assert r.status_code == 200
        assert r.text.split() == ["n", str(len(gold_store))]
        proc.send_signal(signal.SIGINT)
        assert proc.wait(15) == 0
        assert "server stopped" in proc.stderr.read()
        with pytest.raises(requests.ConnectionError):
            requests.get(url, params={"query": COUNT}, timeout=2)
    finally:
        if proc.poll() is None:
            os.kill(proc.pid, signal.SIGKILL)
            proc.wait()
