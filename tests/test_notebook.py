"""The example notebook runs end to end (DESIGN.md: notebooks/ is executed by the tests)."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

NOTEBOOK = Path(__file__).resolve().parents[1] / "notebooks" / "actor-network.ipynb"
GOLD = Path(__file__).resolve().parents[2] / "shared" / "eval" / "gold"


def test_notebook_committed_without_outputs():
    nb = nbformat.read(NOTEBOOK, as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert not cell.outputs and cell.execution_count is None, "clear the outputs before committing"


@pytest.mark.skipif(not GOLD.exists(), reason="shared/eval/gold is not beside the checkout")
def test_notebook_runs():
    nb = nbformat.read(NOTEBOOK, as_version=4)
    # the "python3" kernel is ipykernel in the interpreter running the tests (the venv)
    NotebookClient(nb, timeout=120, kernel_name="python3",
                   resources={"metadata": {"path": str(NOTEBOOK.parent)}}).execute()
    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    assert any("image/png" in o.get("data", {}) for o in outputs), "the drawing is shown inline"
    text = "\n".join(str(o.get("text", "")) + str(o.get("data", {}).get("text/plain", "")) for o in outputs)
    assert "signed actor network" in text and "bloc 1:" in text and "signed.graphml" in text
