"""make batch: clients in parallel processes, failures isolated, unchanged clients skipped, a summary."""
from __future__ import annotations

import json
import shutil

import pytest
from ruamel.yaml import YAML

from mirrorgap.config.paths import PARAMS_DIR
from mirrorgap.run import batch
from mirrorgap.run.engagement import fingerprint, input_files, sha256_of


def _params_dir(tmp_path):
    """Two good clients (copies of the demo) and one whose params name a column the data lacks."""
    params = tmp_path / "params"
    params.mkdir()
    for name in ("alfa", "beta"):
        shutil.copy(PARAMS_DIR / "demo.yaml", params / f"{name}.yaml")
    yaml = YAML()
    data = yaml.load((PARAMS_DIR / "demo.yaml").read_text(encoding="utf-8"))
    data["items"][0]["customer_column"] = "K01_bokning"
    with open(params / "trasig.yaml", "w", encoding="utf-8") as fh:
        yaml.dump(data, fh)
    return params


# ------------------------------------------------------------------------------------------ fast


def test_clients_are_the_params_files(tmp_path):
    params = _params_dir(tmp_path)
    (params / "notes.txt").write_text("not a client")
    assert batch.clients_in(params) == ["alfa", "beta", "trasig"]


def test_fingerprint_is_computed_like_the_runner(tmp_path):
    """Independently of batch: hash the inputs the runner hashes and combine them with run.fingerprint."""
    from mirrorgap.config.params import load_engagement

    params = _params_dir(tmp_path)
    files = input_files(params / "alfa.yaml", load_engagement(params / "alfa.yaml"))
    expected = fingerprint({name: sha256_of(path) for name, path in files.items()})
    assert batch.current_fingerprint("alfa", params) == expected
    # the params file is an input: identical bytes give the identical fingerprint, an edit changes it
    assert batch.current_fingerprint("beta", params) == expected
    (params / "beta.yaml").write_text((params / "beta.yaml").read_text(encoding="utf-8") + "\n# edited\n",
                                      encoding="utf-8")
    assert batch.current_fingerprint("beta", params) != expected


def test_up_to_date_reads_the_latest_manifest(tmp_path):
    params, out = _params_dir(tmp_path), tmp_path / "out"
    assert not batch.up_to_date("alfa", params_dir=params, output_root=out)  # never run
    run = out / "alfa" / "20260101-000000"
    run.mkdir(parents=True)
    (run / "manifest.json").write_text(json.dumps({"fingerprint": batch.current_fingerprint("alfa", params)}))
    (out / "alfa" / "latest").symlink_to(run.name, target_is_directory=True)
    assert batch.up_to_date("alfa", params_dir=params, output_root=out)
    (params / "alfa.yaml").write_text((params / "alfa.yaml").read_text(encoding="utf-8").replace(
        "gap_threshold: 5", "gap_threshold: 6"), encoding="utf-8")
    assert not batch.up_to_date("alfa", params_dir=params, output_root=out)


def test_one_line_errors():
    from mirrorgap.errors import InputFileError

    err = InputFileError("data/x.csv", "column 'K01' is missing", fix="name the right column", column="K01")
    line = batch.one_line(err)
    assert "\n" not in line and line.startswith("InputFileError: file data/x.csv") and "fix: name the right" in line
    assert batch.one_line(ValueError("x" * 500)).endswith("...") and len(batch.one_line(ValueError("x" * 500))) <= 240


def test_summary_table_lines_up():
    rows = [batch.ClientResult("alfa", "ok", 7.04, "output/alfa/20260101-000000"),
            batch.ClientResult("trasig", "failed", 0.5, "", "InputFileError: file x.csv: no column K01")]
    table = batch.summary_table(rows).splitlines()
    assert table[0].split() == ["client", "status", "time", "output", "error"]
    assert table[2].split()[:4] == ["alfa", "ok", "7.0", "s"]
    assert table[3].endswith("InputFileError: file x.csv: no column K01")
    assert table[-1] == "2 clients: 1 ok, 1 failed, 0 skipped"


def test_a_missing_client_fails_alone(tmp_path):
    result = batch.run_client("finns_inte", params_dir=_params_dir(tmp_path), output_root=tmp_path / "out")
    assert result.status == "failed" and "no params file" in result.error


# ------------------------------------------------------------------------------------------ runs


@pytest.mark.notebook
def test_batch_runs_isolates_failures_skips_and_forces(tmp_path, capsys):
    params, out = _params_dir(tmp_path), tmp_path / "out"
    args = ["--params-dir", str(params), "--output-root", str(out), "--jobs", "2", "--no-progress"]

    assert batch.main(args) == 1  # one client failed
    printed = capsys.readouterr().out
    lines = {line.split()[0]: line for line in printed.splitlines()[2:-1]}
    assert lines["alfa"].split()[1] == "ok" and lines["beta"].split()[1] == "ok"
    assert lines["trasig"].split()[1] == "failed"
    assert "'K01_bokning' (did you mean 'K01_boka'?)" in lines["trasig"]
    assert printed.splitlines()[-1] == "3 clients: 2 ok, 1 failed, 0 skipped"
    first = {c: (out / c / "latest").resolve() for c in ("alfa", "beta")}
    for run_dir in first.values():
        assert (run_dir / "manifest.json").is_file() and (run_dir / "report.html").is_file()
    assert not (out / "trasig" / "latest").exists()

    again = batch.run_batch(params_dir=params, output_root=out, jobs=2, progress=False)
    assert [(r.client, r.status) for r in again] == [("alfa", "skipped"), ("beta", "skipped"), ("trasig", "failed")]
    assert {c: (out / c / "latest").resolve() for c in ("alfa", "beta")} == first  # nothing rerun

    forced = batch.run_batch(["alfa", "beta"], params_dir=params, output_root=out, jobs=2, force=True,
                             progress=False)
    assert [(r.client, r.status) for r in forced] == [("alfa", "ok"), ("beta", "ok")]
    for client, run_dir in first.items():
        assert (out / client / "latest").resolve() != run_dir
