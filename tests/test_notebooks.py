"""Notebooks are committed without outputs, the papermill parameters cell holds literals only
(papermill does not re-derive values computed inside it after injection), and the analysts' explore
notebook runs in a real kernel (the engagement and dashboard notebooks run in test_run.py and the
browser tests)."""
import ast
import json

import pytest

from mirrorgap.config.paths import NOTEBOOKS_DIR

NOTEBOOKS = sorted(NOTEBOOKS_DIR.glob("*.ipynb"))


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_committed_without_outputs(path):
    nb = json.loads(path.read_text(encoding="utf-8"))
    for cell in nb["cells"]:
        if cell["cell_type"] == "code":
            assert not cell.get("outputs") and cell.get("execution_count") is None, path.name


def test_engagement_parameters_cell_is_literals_only():
    nb = json.loads((NOTEBOOKS_DIR / "engagement.ipynb").read_text(encoding="utf-8"))
    tagged = [c for c in nb["cells"] if "parameters" in c.get("metadata", {}).get("tags", [])]
    assert len(tagged) == 1
    tree = ast.parse("".join(tagged[0]["source"]))
    names = []
    for node in tree.body:
        assert isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant), ast.dump(node)
        names += [t.id for t in node.targets]
    assert names == ["client", "params_file", "run_id", "output_dir", "sides_cache"]


def test_engagement_notebook_only_composes_lib_calls():
    """No computation in the notebook: no pandas/numpy/scipy of its own, only mirrorgap imports."""
    nb = json.loads((NOTEBOOKS_DIR / "engagement.ipynb").read_text(encoding="utf-8"))
    source = "\n".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "code")
    imports = [n for n in ast.walk(ast.parse(source)) if isinstance(n, (ast.Import, ast.ImportFrom))]
    modules = {(n.module if isinstance(n, ast.ImportFrom) else n.names[0].name).split(".")[0] for n in imports}
    assert modules <= {"mirrorgap", "IPython", "matplotlib"}, modules


@pytest.mark.notebook
def test_explore_notebook_runs_for_the_demo_and_shows_the_explorer_and_the_panels(monkeypatch):
    """The analysts' notebook as JupyterLab runs it (a real kernel), for MIRRORGAP_CLIENT=demo."""
    import nbformat
    from nbclient import NotebookClient

    monkeypatch.setenv("MIRRORGAP_CLIENT", "demo")
    nb = nbformat.read(NOTEBOOKS_DIR / "explore.ipynb", as_version=4)
    NotebookClient(nb, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(NOTEBOOKS_DIR)}}).execute()
    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    shown = [o for o in outputs if o.output_type == "display_data"]
    assert len(shown) == 2  # the explorer's controls and the dashboard
    assert all("application/vnd.jupyter.widget-view+json" in o.data for o in shown)
