"""The dashboard launcher and the kernel's raw-data guard (no browser; the guard runs in a child
process because an audit hook cannot be removed)."""
import ast
import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import nbformat
import pytest

from mirrorgap.config.paths import DATA_DIR, PARAMS_DIR, PROJ_ROOT
from mirrorgap.dashboard.serve import (
    DASHBOARD_NOTEBOOK,
    ENV_AGGREGATES,
    ENV_FORBIDDEN,
    ENV_PAGE,
    VOILA_DIR,
    aggregates_folder,
    launch_spec,
    page_resources,
)
from mirrorgap.errors import DashboardError


@pytest.fixture(scope="module")
def runs(tmp_path_factory) -> Path:
    """An output root with two demo runs (aggregates written as a run writes them) and latest -> the second."""
    from mirrorgap.aggregate.build import aggregate_meta, build_aggregates
    from mirrorgap.aggregate.store import write_aggregates
    from mirrorgap.analyse.pipeline import load_side
    from mirrorgap.config.params import load_engagement

    root = tmp_path_factory.mktemp("output")
    engagement = load_engagement(PARAMS_DIR / "demo.yaml")
    c, e = load_side(engagement, "customer"), load_side(engagement, "employee")
    counts = build_aggregates(engagement, c, e)
    for run_id in ("20261101-090000", "20261123-101500"):
        write_aggregates(counts, aggregate_meta(engagement, c, e, run_id=run_id), root / "demo" / run_id)
    (root / "demo" / "20261101-090000" / "gaps.csv").write_text("item,gap\nextra_mile,20\n")
    (root / "demo" / "latest").symlink_to("20261123-101500", target_is_directory=True)
    (root / "other").mkdir()
    (root / "other" / "secret.csv").write_text("another client's results\n")
    return root


# ---------------------------------------------------------------------------------------------------
# launcher

def test_no_run_yet_says_what_to_do(tmp_path):
    with pytest.raises(DashboardError, match=r"run `make run CLIENT=acme` first"):
        aggregates_folder("acme", output_root=tmp_path)


def test_launch_serves_one_notebook_on_localhost_with_the_locked_config(runs):
    argv, env = launch_spec("demo", output_root=runs, port=8999, token="s3cret", pool_size=3, max_kernels=7,
                            max_per_address=2, allowed_hosts=["dash.example.com"], behind_proxy=True)
    assert argv[1:4] == ["-m", "mirrorgap.dashboard.hardened", str(DASHBOARD_NOTEBOOK)] and DASHBOARD_NOTEBOOK.is_file()
    assert "--DashboardVoila.max_kernels=7" in argv and "--DashboardVoila.max_kernels_per_address=2" in argv
    assert "--DashboardVoila.allowed_hosts=dash.example.com" in argv and "--DashboardVoila.behind_proxy=True" in argv
    assert "--Voila.ip=127.0.0.1" in argv and "--port=8999" in argv and "--token=s3cret" in argv
    assert "--preheat_kernel=True" in argv and "--pool_size=3" in argv
    assert f"--Voila.config_file_paths={VOILA_DIR}" in argv
    assert env["JUPYTER_PATH"].split(os.pathsep)[0] == str(VOILA_DIR)
    assert env[ENV_AGGREGATES] == str((runs / "demo" / "20261123-101500" / "aggregates").resolve())
    forbidden = env[ENV_FORBIDDEN].split(os.pathsep)
    assert str(runs) in forbidden and str(DATA_DIR / "demo" / "customers.csv") in forbidden
    page = json.loads(env[ENV_PAGE])
    assert page["client"] == "Bilgruppen Norden AB (demo)" and page["consultancy"] == "Nordisk Kundinsikt"
    assert page["logo"].startswith("data:image/svg+xml;base64,") and page["primary"] == "#1D3557"
    assert page["run"] == "Körning 2026-11-23 10:15 UTC" and page["language"] == "sv"
    assert "5 personer" in page["footer_anonymity"]
    assert not any("token" in a for a in launch_spec("demo", output_root=runs)[0])


def test_voila_config_keeps_the_defaults_that_protect_the_client():
    conf = json.loads((VOILA_DIR / "voila.json").read_text())
    vc = conf["VoilaConfiguration"]
    assert vc["strip_sources"] is True and vc["show_tracebacks"] is False
    assert vc["allow_template_override"] == "NO" and vc["allow_theme_override"] == "NO"
    assert vc["template"] == "mirrorgap" and vc["file_allowlist"] == [] and vc["preheat_kernel"] is True
    assert conf["Voila"]["ip"] == "127.0.0.1" and conf["VoilaExecutor"]["timeout"] > 0
    assert conf["MappingKernelManager"]["cull_idle_timeout"] > 0
    assert conf["Voila"]["tornado_settings"]["websocket_max_message_size"] <= 2 ** 20  # a viewer's frames are small



def test_per_launch_config_gives_the_template_its_page_and_localised_errors(runs, monkeypatch):
    from traitlets.config.loader import PyFileConfigLoader

    monkeypatch.setenv(ENV_PAGE, launch_spec("demo", output_root=runs)[1][ENV_PAGE])
    conf = PyFileConfigLoader("voila.py", path=str(VOILA_DIR)).load_config()
    assert conf.VoilaConfiguration.resources["mirrorgap"]["client"] == "Bilgruppen Norden AB (demo)"
    assert conf.HTMLExporter.language_code == "sv"
    assert conf.VoilaExecutor.cell_error_instruction.startswith("Den här delen av översikten kunde inte visas")
    assert "oila" not in conf.VoilaExecutor.cell_timeout_instruction  # no hints at server flags


def test_voila_finds_the_branded_template_through_jupyter_path(monkeypatch):
    from voila.paths import collect_template_paths

    monkeypatch.setenv("JUPYTER_PATH", str(VOILA_DIR))
    paths = collect_template_paths(["voila", "nbconvert"], "mirrorgap", prune=True)
    ours = VOILA_DIR / "voila" / "templates" / "mirrorgap"
    assert paths[0] == str(ours)
    assert json.loads((ours / "conf.json").read_text()) == {"base_template": "lab"}
    assert "{%- extends 'voila/templates/lab/index.html.j2' -%}" in (ours / "index.html.j2").read_text()
    assert any(p.endswith(os.path.join("voila", "templates", "lab")) for p in paths)


def test_page_texts_follow_the_engagement_language(runs):
    meta = json.loads((runs / "demo" / "latest" / "aggregates" / "meta.json").read_text())
    page = page_resources({**meta, "language": "da", "branding": {**meta["branding"], "font": "Inter'; }"}})
    assert page["title"].startswith("Opfattelsesgab") and page["font"] == "Inter"  # CSS-safe
    assert page_resources({**meta, "branding": {"consultancy": "Acme Advisory"}})["logo"] == ""


def test_dashboard_notebook_only_builds_and_wires_and_is_committed_clean():
    nb = nbformat.read(DASHBOARD_NOTEBOOK, as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert len(code) == len(nb.cells) <= 5  # no markdown: Voilà would show it to the client
    assert "forbid_raw_access()" in code[0].source.split("import", 1)[1]
    assert all(c.outputs == [] and c.execution_count is None for c in code)
    source = "".join(c.source for c in code)
    assert not any(word in source for word in ("pipeline", "readers", "load_engagement", "read_csv", "data/"))


def test_a_dashboard_kernel_never_loads_the_readers_or_the_heavy_statistics():
    """What the dashboard notebook imports must not pull in the file readers and the pipeline (a
    client's kernel has no business with them) nor scipy.stats, statsmodels or seaborn (tens of MB in
    every pooled kernel). Checked in a fresh interpreter, as a kernel starts."""
    nb = nbformat.read(DASHBOARD_NOTEBOOK, as_version=4)
    imports = "\n".join(ast.unparse(node) for c in nb.cells for node in ast.walk(ast.parse(c.source))
                        if isinstance(node, (ast.Import, ast.ImportFrom)))
    script = imports + "\nimport sys, json\nprint(json.dumps(sorted(sys.modules)))"
    loaded = set(json.loads(subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                                           check=True).stdout))
    assert "mirrorgap.dashboard.board" in loaded and "mirrorgap.aggregate.views" in loaded  # the script did import them
    unwanted = {"mirrorgap.read.readers", "mirrorgap.analyse.pipeline", "mirrorgap.read.sniff", "mirrorgap.analyse.drivers", "openpyxl",
                "pyreadstat", "duckdb", "scipy.stats", "statsmodels", "seaborn"}
    assert not unwanted & loaded


# ---------------------------------------------------------------------------------------------------
# the guard, in a child process

GUARD_SCRIPT = textwrap.dedent("""
    import json, os, subprocess, sys
    from pathlib import Path
    from mirrorgap.dashboard.serve import forbid_raw_access
    forbid_raw_access()

    results = {}
    def attempt(name, fn):
        try:
            fn()
            results[name] = "read"
        except PermissionError as exc:
            results[name] = "refused"
        except Exception as exc:
            results[name] = f"other: {type(exc).__name__}: {exc}"

    root, out = Path(sys.argv[1]), Path(sys.argv[2])
    import pandas as pd
    attempt("open csv", lambda: open(root / "data/demo/customers.csv", "rb").read(10))
    attempt("pandas csv", lambda: pd.read_csv(root / "data/demo/customers.csv", sep=";", encoding="cp1252"))
    attempt("xlsx", lambda: pd.read_excel(root / "data/demo/employees.xlsx"))
    attempt("params", lambda: (root / "params/demo.yaml").read_text())
    attempt("relative", lambda: open("../data/demo/pulse.csv").read())
    attempt("list data", lambda: os.listdir(root / "data"))
    attempt("symlink", lambda: open(Path(sys.argv[3]) / "innocent.csv").read())
    attempt("input outside data", lambda: open(sys.argv[4]).read())
    attempt("notebook", lambda: (root / "notebooks/engagement.ipynb").read_text())
    attempt("other run", lambda: (out / "demo/20261101-090000/gaps.csv").read_text())
    attempt("other client", lambda: (out / "other/secret.csv").read_text())
    attempt("shell", lambda: subprocess.run(["cat", str(root / "params/demo.yaml")], capture_output=True))
    attempt("os.system", lambda: os.system("true"))
    def pipeline():
        from mirrorgap.config.params import Engagement
        from mirrorgap.analyse.pipeline import load_side
        import mirrorgap.config.params as p
        load_side(p.load_engagement(root / "params/demo.yaml"), "customer")
    attempt("pipeline", pipeline)
    def views():
        from mirrorgap.dashboard.serve import aggregates_from_env
        from mirrorgap.aggregate.views import Filters
        v = aggregates_from_env()
        assert len(v.gap_table(Filters(wave="2026"))) == 11
    attempt("aggregates", views)
    attempt("elsewhere", lambda: open(sys.executable, "rb").read(4))
    print(json.dumps(results))
""")


def test_the_guard_refuses_raw_data_params_and_other_runs_but_reads_the_aggregates(runs, tmp_path):
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    (outside / "innocent.csv").symlink_to(DATA_DIR / "demo" / "customers.csv")  # a link does not launder a path
    raw_elsewhere = tmp_path / "delivery.csv"  # a client file the params name outside data/
    raw_elsewhere.write_text("Respondent-ID;K01\n1;5\n")
    argv, env = launch_spec("demo", output_root=runs)
    env[ENV_FORBIDDEN] += os.pathsep + str(raw_elsewhere)
    done = subprocess.run([sys.executable, "-c", GUARD_SCRIPT, str(PROJ_ROOT), str(runs), str(outside),
                           str(raw_elsewhere)], env=env, cwd=PROJ_ROOT / "notebooks", capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    results = json.loads(done.stdout.strip().splitlines()[-1])
    readable = {"aggregates", "elsewhere"}
    for name, outcome in results.items():
        assert outcome == ("read" if name in readable else "refused"), (name, outcome)
