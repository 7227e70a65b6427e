"""The published bundle: only aggregates and code (no raw files, params, comments, ids or other
clients), and it serves from a folder outside the project with the command its Dockerfile runs."""
from __future__ import annotations

import json
import shutil
import subprocess
import sys
import time

import pandas as pd
import pytest

from dashboard_server import CSS, free_port, http_get, stop_server, write_demo_run
from mirrorgap.config.paths import DATA_DIR, PARAMS_DIR, PROJ_ROOT
from mirrorgap.publish.bundle import write_bundle
from mirrorgap.run.checked_sides import CACHE_DIR

LEFTOVER = "R-LEFTOVER-4711"  # a respondent id in the checked sides a killed run could leave behind


@pytest.fixture(scope="module")
def bundle(tmp_path_factory):
    runs = tmp_path_factory.mktemp("runs")
    write_demo_run(runs)
    leftover = runs / "demo" / "latest" / CACHE_DIR  # a run removes it when its notebook ends; a SIGKILL may not
    leftover.mkdir()
    (leftover / "sides.pickle").write_text(LEFTOVER)
    other = runs / "otherclient" / "x" / "aggregates"  # a second client's run beside it must not leak in
    other.mkdir(parents=True)
    (other / "meta.json").write_text(json.dumps({"client": "Hemliga Kunden AB"}))
    return write_bundle("demo", tmp_path_factory.mktemp("dist"), output_root=runs)


def _bundle_text(bundle) -> dict:
    """Every file's text; the parquet's string values as text too."""
    out = {}
    for path in bundle.rglob("*"):
        if path.is_file():
            if path.suffix == ".parquet":
                frame = pd.read_parquet(path)
                out[path] = "\n".join(frame[c].astype(str).str.cat(sep="\n") for c in frame.columns)
            else:
                out[path] = path.read_bytes().decode("utf-8", "replace")
    return out


def test_bundle_holds_no_raw_file_params_comment_id_or_other_client(bundle):
    raw = {p.read_bytes() for d in (DATA_DIR, PARAMS_DIR) for p in d.rglob("*") if p.is_file()}
    files = [p for p in bundle.rglob("*") if p.is_file()]
    assert not [p for p in files if p.read_bytes() in raw]
    customers = pd.read_csv(DATA_DIR / "demo" / "customers.csv", sep=";", encoding="cp1252", dtype=str)
    comments = [c for c in customers["Kommentar"].dropna().unique() if len(c) > 12]
    ids = list(customers["Respondent-ID"].dropna())
    employees = pd.read_excel(DATA_DIR / "demo" / "employees.xlsx", dtype=str)
    ids += [i for i in employees.iloc[:, 0].dropna() if i.startswith("M-")]  # below its title rows
    assert comments and len(ids) > 100
    texts = _bundle_text(bundle)
    for path, text in texts.items():
        assert not [c for c in comments if c in text], path
        assert not [i for i in ids if i in text], path
        assert "Hemliga Kunden" not in text, path
    assert sorted(p.name for p in (bundle / "aggregates").iterdir()) == ["counts.parquet", "meta.json"]
    assert not [p for p in files if p.parts[len(bundle.parts)] not in
                {"aggregates", "lib", "notebooks", "voila", "templates", "page.json", "requirements.txt",
                 "Dockerfile", "run.sh", "MANIFEST.json"}]


def test_a_runs_checked_sides_never_reach_the_bundle(bundle):
    assert not [p for p in bundle.rglob("*") if CACHE_DIR in p.parts or p.suffix == ".pickle"]
    assert not [p for p, text in _bundle_text(bundle).items() if LEFTOVER in text]


def test_requirements_are_the_projects_pins(bundle):
    project = set((PROJ_ROOT / "requirements.txt").read_text().splitlines())
    pins = (bundle / "requirements.txt").read_text().split()
    assert pins and all(p in project for p in pins)
    assert any(p.startswith("voila==") for p in pins) and not any(p.startswith("pyreadstat") for p in pins)


def _dockerfile(bundle):
    steps = [line.split(None, 1) for line in (bundle / "Dockerfile").read_text().splitlines()
             if line.strip() and not line.startswith("#")]
    return [(k, v) for k, v in steps]


def test_dockerfile_copies_what_the_bundle_has_and_runs_as_a_user(bundle):
    steps = _dockerfile(bundle)
    assert steps[0][0] == "FROM" and "slim" in steps[0][1]
    for kind, rest in steps:
        if kind == "COPY":
            for source in rest.split()[:-1]:
                assert (bundle / source).exists(), source
    users = [rest for kind, rest in steps if kind == "USER"]
    assert users and users[-1] != "root"
    assert [k for k, _ in steps].index("USER") < [k for k, _ in steps].index("CMD")


def test_bundle_serves_outside_the_project_with_the_dockerfile_command(bundle, tmp_path):
    where = tmp_path / "server"  # a server that never saw the project
    shutil.copytree(bundle, where)
    command = json.loads(dict(_dockerfile(where))["CMD"])
    port = free_port()
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "PYTHON": sys.executable}
    proc = subprocess.Popen([*command, "--ip=127.0.0.1", f"--port={port}"], cwd=where, env=env,
                            stdout=open(tmp_path / "log", "wb"), stderr=subprocess.STDOUT, start_new_session=True)
    try:
        for _ in range(300):
            assert proc.poll() is None, (tmp_path / "log").read_text()
            try:
                if http_get(port, CSS, timeout=5)[0] == 200:
                    break
            except OSError:
                time.sleep(0.3)
        status, page = http_get(port, "/", timeout=120)
        assert status == 200 and "Bilgruppen Norden AB" in page and '"kernelId"' in page
        import psutil
        kernels = [p for p in psutil.Process(proc.pid).children(recursive=True) if "ipykernel" in " ".join(p.cmdline())]
        assert kernels  # they import the bundle's copy of the package and read the bundle's aggregates only
        for kernel in kernels:
            env = kernel.environ()
            assert env["PYTHONPATH"].split(":")[0] == str(where / "lib")
            assert env["MIRRORGAP_AGGREGATES"] == str(where / "aggregates")
    finally:
        stop_server(proc)
