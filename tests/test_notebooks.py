"""The tutorial notebooks run from top to bottom and show the summary, a chart and the evidence."""

from __future__ import annotations

import pytest

from tests.conftest import ROOT

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")


@pytest.mark.parametrize("name", ["01-audit-satu-pemda.ipynb", "02-banyak-berkas.ipynb"])
def test_notebook_runs_and_shows_results(name):
    path = ROOT / "notebooks" / name
    nb = nbformat.read(path, as_version=4)
    nbclient.NotebookClient(nb, timeout=900, kernel_name="python3",
                            resources={"metadata": {"path": str(path.parent)}}).execute()
    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    html = "".join(o.get("data", {}).get("text/html", "") for o in outputs)
    assert "perjalanan_dinas" in html and "tidak tercapai" in html  # the audit summary
    assert any("image/png" in o.get("data", {}) for o in outputs)  # a chart
    assert "sumber_baseline" in html or "sumber_revised" in html  # the evidence, with its sources
