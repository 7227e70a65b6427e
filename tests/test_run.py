"""The engagement end to end through papermill: outputs, manifest, reproducibility, clean failures."""
import csv
import json
import shutil
import subprocess
import sys

import pytest
from ruamel.yaml import YAML

from mirrorgap.analyse.gaps import GAP_CSV_COLUMNS
from mirrorgap.config.paths import PARAMS_DIR, PROJ_ROOT
from mirrorgap.errors import InputFileError, ParamsError
from mirrorgap.run.checked_sides import CACHE_DIR
from mirrorgap.run.engagement import ENGAGEMENT_NOTEBOOK, run_engagement, sha256_of
from mirrorgap.run.warm_kernel import notebook_imports

pytestmark = pytest.mark.notebook


@pytest.fixture(scope="module")
def demo_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("output")
    return run_engagement("demo", output_root=out)


def test_run_writes_every_deliverable(demo_run):
    expected = {"engagement.ipynb", "report.html", "gaps.csv", "gaps.xlsx", "quality.json",
                "params.resolved.yaml", "manifest.json", "mirror.png", "gap.png", "nps.png",
                "drivers.csv", "priority.csv", "units.csv", "segments.csv", "touchpoints.csv", "journeys.csv",
                "trends.csv", "pulse.csv", "themes.csv", "actions.csv", "summary.sv.md", "aggregates",
                "deck.pptx", "report.pdf"}
    assert expected <= {p.name for p in demo_run.iterdir()}
    latest = demo_run.parent / "latest"
    assert latest.is_symlink() and latest.resolve() == demo_run.resolve()
    # the check's copy of the cleaned rows lived only while the notebook ran
    assert not (demo_run / CACHE_DIR).exists()
    manifest = json.loads((demo_run / "manifest.json").read_text(encoding="utf-8"))
    assert not [name for name in manifest["outputs"] if CACHE_DIR in name]


def test_the_checked_sides_give_the_bytes_of_reading_in_the_kernel(demo_run, tmp_path):
    """The run hands its kernel the sides its check read; the notebook reading the files itself (no
    copy) writes the same bytes."""
    import papermill as pm

    pm.execute_notebook(str(ENGAGEMENT_NOTEBOOK), str(tmp_path / "engagement.ipynb"),
                        parameters={"client": "demo", "params_file": str(PARAMS_DIR / "demo.yaml"),
                                    "run_id": demo_run.name, "output_dir": str(tmp_path), "sides_cache": ""},
                        cwd=str(PROJ_ROOT), kernel_name="python3", progress_bar=False)
    compared = sorted(p.name for p in demo_run.glob("*.csv")) + ["summary.sv.md", "quality.json",
                                                                 "params.resolved.yaml"]
    assert len(compared) > 15
    for name in compared:
        assert (tmp_path / name).read_bytes() == (demo_run / name).read_bytes(), name


def test_gaps_csv_finds_the_planted_pattern(demo_run):
    with open(demo_run / "gaps.csv", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert list(rows[0]) == GAP_CSV_COLUMNS
    by_item = {r["item"]: r for r in rows}
    assert len(by_item) == 11
    assert by_item["extra_mile"]["classification"] == "blind_spot"
    assert float(by_item["extra_mile"]["gap"]) > 15
    assert by_item["competence"]["classification"] == "hidden_strength"
    assert float(by_item["competence"]["gap"]) < -10
    assert by_item["warm_welcome"]["classification"] == "aligned"
    for r in rows:
        assert float(r["gap_ci_low"]) <= float(r["gap"]) <= float(r["gap_ci_high"])
        assert 0 <= float(r["q_value"]) <= 1


def test_quality_ledger_accounts_for_every_row(demo_run):
    quality = json.loads((demo_run / "quality.json").read_text(encoding="utf-8"))
    for side, rows_in in (("customer", 3003), ("employee", 251)):
        led = quality[side]
        assert led["rows_in"] == rows_in
        assert led["rows_used"] + len(led["excluded"]) == led["rows_in"]
        assert sum(led["excluded_by_reason"].values()) == len(led["excluded"])
    assert quality["customer"]["excluded_by_reason"]["duplicate_respondent_id"] == 3
    assert quality["customer"]["excluded_by_reason"]["no_item_answered"] == 5
    # two employees answered "don't know" (9) to every item: answered, but nothing usable
    assert quality["employee"]["excluded_by_reason"]["no_usable_answer"] == 2
    unknown = {k for c in quality["customer"]["columns"] for k in c["unknown_labels"]}
    assert unknown == {"Instämmer delvis", "Instämmer till viss del"}
    assert quality["customer"]["read_as"]["encoding"] == "cp1252"
    assert quality["customer"]["read_as"]["delimiter"] == ";"


def test_manifest_hashes_inputs_and_outputs(demo_run):
    manifest = json.loads((demo_run / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["inputs"]["customer"]["sha256"] == sha256_of(PROJ_ROOT / "data/demo/customers.csv")
    assert manifest["inputs"]["employee"]["sha256"] == sha256_of(PROJ_ROOT / "data/demo/employees.xlsx")
    assert manifest["inputs"]["params"]["sha256"] == sha256_of(PARAMS_DIR / "demo.yaml")
    assert manifest["outputs"]["gaps.csv"] == sha256_of(demo_run / "gaps.csv")
    assert manifest["packages"]["pandas"] and manifest["timings"]["notebook_s"] > 0
    assert len(manifest["fingerprint"]) == 64


def test_resolved_params_have_the_defaults_filled_in(demo_run):
    resolved = YAML(typ="safe").load((demo_run / "params.resolved.yaml").read_text(encoding="utf-8"))
    assert resolved["analysis"]["min_n"] == 5 and resolved["analysis"]["wave"] == "latest"
    assert resolved["items"][0]["customer_scale"] == {"min": 1.0, "max": 5.0}


def test_executed_notebook_has_no_error_outputs(demo_run):
    nb = json.loads((demo_run / "engagement.ipynb").read_text(encoding="utf-8"))
    outputs = [o for c in nb["cells"] if c["cell_type"] == "code" for o in c.get("outputs", [])]
    assert outputs and not [o for o in outputs if o.get("output_type") == "error"]
    # the kernel imported the notebook's libraries silently while the run checked: counts as without it
    counts = [c["execution_count"] for c in nb["cells"] if c["cell_type"] == "code"]
    assert counts == list(range(1, len(counts) + 1))


def test_the_warm_up_imports_are_the_notebooks_import_lines():
    imports = notebook_imports(ENGAGEMENT_NOTEBOOK).splitlines()
    assert "from mirrorgap.run.checked_sides import load_checked_sides" in imports
    assert all(line.startswith(("import ", "from ", "matplotlib.use")) for line in imports)
    assert not [line for line in imports if "load_engagement(" in line]  # imports only: no params read


def test_the_warm_kernel_talks_over_private_unix_sockets_not_tcp(tmp_path):
    """The survey's rows reach the kernel over Unix sockets in a 0700 folder (no TCP port any local
    process could connect to); the folder is gone when the kernel is."""
    import stat
    from pathlib import Path

    from mirrorgap.run.warm_kernel import warm_kernel

    with open(tmp_path / "kernel.err", "wb") as err, \
            warm_kernel("python3", cwd=tmp_path, imports="import os", stderr=err) as (km, client):
        info = km.get_connection_info()
        folder = Path(info["ip"]).parent
        assert info["transport"] == "ipc"
        assert stat.S_IMODE(folder.stat().st_mode) == 0o700
        assert all(stat.S_ISSOCK(p.stat().st_mode) for p in folder.glob("kernel-*"))
        asked = client.execute("x = 6 * 7")
        reply = client.get_shell_msg(timeout=60)
        while reply["parent_header"].get("msg_id") != asked:  # the warm-up's own reply comes first
            reply = client.get_shell_msg(timeout=60)
        assert reply["content"]["status"] == "ok"
        process, connection_file = km.provisioner.process, km.connection_file
    assert not folder.exists()
    assert b"without encryption" not in (tmp_path / "kernel.err").read_bytes()
    # stopped at once when the block ends: the process is gone (killed, not left tearing down), no file stays
    assert process.poll() == -9
    assert not Path(connection_file).exists()


def test_same_inputs_give_identical_gaps_csv(demo_run):
    second = run_engagement("demo", output_root=demo_run.parent.parent)
    assert second != demo_run
    assert (second / "gaps.csv").read_bytes() == (demo_run / "gaps.csv").read_bytes()
    assert (demo_run.parent / "latest").resolve() == second.resolve()


def _client_with(tmp_path, edit):
    """A copy of the demo params under another name, edited, in a params folder of its own."""
    params_dir = tmp_path / "params"
    params_dir.mkdir()
    yaml = YAML()
    data = yaml.load((PARAMS_DIR / "demo.yaml").read_text(encoding="utf-8"))
    edit(data)
    with open(params_dir / "broken.yaml", "w", encoding="utf-8") as fh:
        yaml.dump(data, fh)
    return params_dir


def test_a_wrong_column_fails_before_the_notebook_runs(tmp_path):
    params_dir = _client_with(tmp_path, lambda d: d["items"][0].__setitem__("customer_column", "K01_bokning"))
    with pytest.raises(InputFileError, match="'K01_bokning' \\(did you mean 'K01_boka'\\?\\)"):
        run_engagement("broken", params_dir=params_dir, output_root=tmp_path / "out")
    assert not (tmp_path / "out").exists()


def test_a_params_error_fails_cleanly(tmp_path):
    params_dir = _client_with(tmp_path, lambda d: d["analysis"].__setitem__("gap_treshold", 3))
    with pytest.raises(ParamsError, match="did you mean 'gap_threshold'"):
        run_engagement("broken", params_dir=params_dir, output_root=tmp_path / "out")


def test_papermill_comes_without_the_iri_grammar_and_still_validates_notebooks():
    """A run's parent imports papermill without jsonschema's IRI grammar (rfc3987_syntax: seconds to
    import and to free); nbformat still validates, and the grammar can still be imported afterwards."""
    code = """
import sys
from mirrorgap.run.engagement import import_papermill, ENGAGEMENT_NOTEBOOK
pm = import_papermill()
assert 'papermill.execute' in sys.modules and 'jsonschema' in sys.modules
assert 'rfc3987_syntax' not in sys.modules, 'the grammar was imported'
import nbformat
nb = nbformat.read(ENGAGEMENT_NOTEBOOK, as_version=4)
nbformat.validate(nb)
nb.cells[0]['cell_type'] = 'not a cell type'
try:
    nbformat.validate(nb)
except nbformat.ValidationError:
    pass
else:
    raise SystemExit('an invalid notebook passed')
import rfc3987_syntax
print('ok')
"""
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=PROJ_ROOT)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip() == "ok"


def test_a_cell_that_fails_leaves_the_executed_notebook_with_its_error(tmp_path, monkeypatch):
    """The run writes the executed notebook once at the end, not after every cell: where a cell fails, the
    notebook is still written, with the error in it, and the run's error names it."""
    import nbformat

    from mirrorgap.errors import RunFailed
    from mirrorgap.run import engagement

    nb = nbformat.v4.new_notebook()
    nb.metadata = nbformat.read(ENGAGEMENT_NOTEBOOK, as_version=4).metadata
    params = "\n".join(f"{name} = ''" for name in ("client", "params_file", "run_id", "output_dir", "sides_cache"))
    nb.cells = [nbformat.v4.new_code_cell(params, metadata={"tags": ["parameters"]}),
                nbformat.v4.new_code_cell("import os"),
                nbformat.v4.new_code_cell("raise ValueError('the deck master has no slide 7')")]
    broken = tmp_path / "broken.ipynb"
    nbformat.write(nb, broken)
    monkeypatch.setattr(engagement, "ENGAGEMENT_NOTEBOOK", broken)
    with pytest.raises(RunFailed, match="ValueError: the deck master has no slide 7") as caught:
        run_engagement("demo", output_root=tmp_path / "out")
    executed = next((tmp_path / "out" / "demo").glob("*/engagement.ipynb"))
    assert str(executed) in str(caught.value)
    cells = nbformat.read(executed, as_version=4).cells
    assert cells[-1].outputs[0].ename == "ValueError"
    assert cells[-1].metadata.papermill.status == "failed"


def test_cli_check_new_and_errors_speak_without_tracebacks(tmp_path):
    env_python = sys.executable
    ok = subprocess.run([env_python, "-m", "mirrorgap.run.cli", "check", "demo"], capture_output=True, text=True,
                        cwd=PROJ_ROOT)
    assert ok.returncode == 0, ok.stderr
    assert "customer: 3003 rows in, 2995 used" in ok.stdout
    missing = subprocess.run([env_python, "-m", "mirrorgap.run.cli", "check", "no_such_client_x"],
                             capture_output=True, text=True, cwd=PROJ_ROOT)
    assert missing.returncode == 2
    assert "make new CLIENT=no_such_client_x" in missing.stderr and "Traceback" not in missing.stderr


def test_new_client_writes_starter_params_that_check_explains(tmp_path):
    client = "pytest_new_client"
    params, data = PARAMS_DIR / f"{client}.yaml", PROJ_ROOT / "data" / client
    try:
        done = subprocess.run([sys.executable, "-m", "mirrorgap.run.cli", "new", client], capture_output=True,
                              text=True, cwd=PROJ_ROOT)
        assert done.returncode == 0, done.stderr
        assert params.exists() and data.is_dir()
        again = subprocess.run([sys.executable, "-m", "mirrorgap.run.cli", "new", client], capture_output=True,
                               text=True, cwd=PROJ_ROOT)
        assert again.returncode == 2 and "exists already" in again.stderr
        check = subprocess.run([sys.executable, "-m", "mirrorgap.run.cli", "check", client], capture_output=True,
                               text=True, cwd=PROJ_ROOT)
        assert check.returncode == 2
        assert f"data/{client}/customers.csv" in check.stderr and "Traceback" not in check.stderr
    finally:
        params.unlink(missing_ok=True)
        shutil.rmtree(data, ignore_errors=True)


def test_insight_tables_of_the_demo(demo_run):
    import pandas as pd
    drivers = pd.read_csv(demo_run / "drivers.csv")
    top3 = set(drivers[drivers.side == "customer"].nsmallest(3, "rank")["item"])
    assert top3 == {"fixed_first_time", "competence", "on_time"}
    shares = drivers[drivers.side == "customer"]["weight_pct"]  # each rounded to 6 decimals in the table
    assert abs(shares.sum() - 100) <= len(shares) * 0.5e-6 + 1e-9  # (the raked customers' sum to 100.000001)
    priority = pd.read_csv(demo_run / "priority.csv")
    assert set(priority["quadrant"]) <= {"concentrate_here", "keep_up_the_good_work", "low_priority", "possible_overkill"}
    actions = pd.read_csv(demo_run / "actions.csv")
    # one group per I in order; the two I's the 5 I's scorecard and the eNPS drivers point to get one more
    assert list(dict.fromkeys(actions["i"])) == ["inspire", "involve", "inform", "instruct", "incentives"]
    assert len(actions) == 7 and actions["why"].notna().all()
    for name in ("indices", "question_drivers", "journey_measured", "five_is"):
        assert (demo_run / f"{name}.csv").exists(), name
    trends = pd.read_csv(demo_run / "trends.csv")
    follow = trends[(trends.kind == "item_change") & (trends.side == "customer") & (trends["item"] == "follow_up")]
    assert follow["significant"].iloc[0] and follow["change"].iloc[0] > 4
    summary = (demo_run / "summary.sv.md").read_text(encoding="utf-8")
    assert "Gör det lilla extra" in summary and "Kunnig personal" in summary


def test_the_small_department_has_no_number_in_any_table(demo_run):
    import pandas as pd
    for name in ("segments.csv", "journeys.csv", "units.csv"):
        table = pd.read_csv(demo_run / name)
        rows = table[table.astype(str).eq("Ledning").any(axis=1)]
        if name == "segments.csv":
            assert len(rows) == 11
        assert rows.get("employee_mean", pd.Series(dtype=float)).isna().all(), name
        assert rows.get("gap", pd.Series(dtype=float)).isna().all(), name


EXIT_PROBE = """
import os, sys
from mirrorgap.run.engagement import skip_the_last_collection_at_exit

class Cycle:
    def __del__(self):
        os.write(1, b"collected at exit\\n")

if sys.argv[1] == "skip":
    skip_the_last_collection_at_exit()
    skip_the_last_collection_at_exit()  # once is what counts
cycle = Cycle()
cycle.itself = cycle
del cycle
print("done", flush=True)
"""


@pytest.mark.parametrize("mode", ["skip", "as-python-does"])
def test_a_run_process_skips_the_collectors_last_pass_at_exit(mode):
    done = subprocess.run([sys.executable, "-c", EXIT_PROBE, mode], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.split()
    assert lines[0] == "done"
    # Python's own exit collects the cycle; a run's process leaves it to the exit
    assert ("collected" in lines) == (mode == "as-python-does")
