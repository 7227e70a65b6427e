"""Run one engagement: check the inputs, execute notebooks/engagement.ipynb with papermill into
output/<client>/<run-id>/, then write manifest.json and point output/<client>/latest at the run."""
from __future__ import annotations

import atexit
import contextlib
import gc
import hashlib
import json
import os
import platform
import shutil
import sys
import tempfile
import time
from datetime import datetime, timezone
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING

from mirrorgap.config.paths import NOTEBOOKS_DIR, OUTPUT_DIR, PARAMS_DIR, PROJ_ROOT, resolve_input
from mirrorgap.deliver.missing import missing_deliverables
from mirrorgap.errors import RunFailed
from mirrorgap.run.hashing import sha256_of
from mirrorgap.run.warm_kernel import notebook_imports, warm_kernel

if TYPE_CHECKING:
    from mirrorgap.config.params import Engagement

# This process starts the kernel first and only then imports what it checks with (params, the readers:
# about a second, and papermill another): the kernel's start and imports, the longest step before the
# analysis, overlap them. It imports no analysis and no deliverable library (deck, workbook, charts).
ENGAGEMENT_NOTEBOOK = NOTEBOOKS_DIR / "engagement.ipynb"
KERNEL_START_TIMEOUT_S = 300  # papermill waits for the kernel's first reply: after the warm-up's imports
PACKAGES = ("mirrorgap", "pandas", "numpy", "scipy", "statsmodels", "seaborn", "matplotlib", "papermill",
            "pydantic", "openpyxl", "pyreadstat", "pyarrow", "jinja2")



def import_papermill():
    """papermill, imported without jsonschema's IRI grammar. nbformat validates notebooks with jsonschema,
    which builds a Lark parser for the "iri" string format at import when `rfc3987_syntax` is installed
    (jupyter-events' extras bring it): about 1 s to import and 0.5 s more to free at exit, on a quiet
    machine, in a run's parent process — and the notebook schema has no IRI field. Hidden only while
    papermill is imported: a later import of `rfc3987_syntax` in this process works."""
    hidden = "rfc3987_syntax" not in sys.modules and "jsonschema" not in sys.modules
    if hidden:
        sys.modules["rfc3987_syntax"] = None  # import raises ImportError, which jsonschema expects
    try:
        import papermill
    finally:
        if hidden and sys.modules.get("rfc3987_syntax", False) is None:
            del sys.modules["rfc3987_syntax"]
    return papermill


def skip_the_last_collection_at_exit() -> None:
    """When this process exits, the collector's last pass leaves the objects then alive alone (`gc.freeze`
    at exit). That pass walks everything the check and papermill loaded, only to free memory the exit
    frees anyway: 0.2 s of a demo run's 8 here. Objects in reference cycles then get no `__del__` at
    exit; every file a run writes is closed by then, and temporary folders are removed by `atexit`
    handlers, which still run. Registered once however often it is called."""
    atexit.unregister(gc.freeze)
    atexit.register(gc.freeze)


def input_files(params_file: Path, engagement: Engagement) -> dict[str, Path]:
    """Every file a run reads: the params, both sides' survey files, the pulse file, the headcount and
    the codebook."""
    files = {"params": Path(params_file), "customer": resolve_input(engagement.customer.input.path),
             "employee": resolve_input(engagement.employee.input.path)}
    if engagement.pulse is not None:
        files["pulse"] = resolve_input(engagement.pulse.input.path)
    if engagement.headcount is not None:
        files["headcount"] = resolve_input(engagement.headcount.input.path)
    codebook = resolve_input(engagement.codebook)
    if codebook.exists():
        files["codebook"] = codebook
    return files


def fingerprint(inputs: dict[str, str]) -> str:
    """One hash over the inputs' hashes and the package version: unchanged inputs, unchanged fingerprint."""
    from mirrorgap import __version__
    text = json.dumps({"inputs": inputs, "mirrorgap": __version__}, sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()


def package_versions() -> dict[str, str]:
    versions = {"python": platform.python_version()}
    for name in PACKAGES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = "not installed"
    return versions


def new_run_id(client_dir: Path) -> str:
    """A sortable, unique run id: UTC time, with a suffix when two runs start in the same second."""
    stamp = datetime.now(timezone.utc).strftime("%Y%m%d-%H%M%S")
    run_id, k = stamp, 1
    while (client_dir / run_id).exists():
        k += 1
        run_id = f"{stamp}-{k}"
    return run_id


def check(params_file: Path, *, dry_run: bool = True) -> tuple[Engagement, dict]:
    """Validate params and both data files; returns the engagement and the ledgers.

    Stops (CheckFailed, or the first params/input error) on what would make a run fail or publish a
    figure the params do not describe: implausible scales, unknown labels, averages instead of answers,
    units that match on neither side. dry_run: also run every analysis once (no bootstrap, no
    deliverables), so that what passes `make check` cannot fail in `make run` for a reason in the params
    or data (driver outcome, codebook, pulse file…)."""
    from mirrorgap.config.params import load_engagement
    from mirrorgap.run.checked_sides import checked_sides

    engagement = load_engagement(params_file)
    sides = checked_sides(engagement)
    if dry_run:  # imported here: a run's parent process never analyses, its kernel does
        from mirrorgap.analyse.insights import add_insights
        from mirrorgap.analyse.pipeline import analyse

        quick = engagement.analysis.model_copy(update={"bootstrap": 0})
        add_insights(analyse(engagement.model_copy(update={"analysis": quick}), sides["customer"], sides["employee"]))
    return engagement, {side: clean.ledger for side, clean in sides.items()}


@contextlib.contextmanager
def _kernel_log(path: Path):
    """Send what the kernel process prints to stderr (start-up and shutdown chatter) to a log file in
    the run folder instead of the consultant's terminal; errors still surface through papermill."""
    sys.stderr.flush()
    saved = os.dup(2)
    with open(path, "ab") as log:
        os.dup2(log.fileno(), 2)
        try:
            yield
        finally:
            sys.stderr.flush()
            os.dup2(saved, 2)
            os.close(saved)


def _keep_kernel_stderr(kernel_stderr, log: Path) -> None:
    """What the kernel wrote to stderr so far, appended to the run's kernel.log."""
    kernel_stderr.seek(0)
    with open(log, "ab") as fh:
        shutil.copyfileobj(kernel_stderr, fh)
    kernel_stderr.seek(0)
    kernel_stderr.truncate()


def _point_latest(client_dir: Path, run_id: str) -> None:
    latest = client_dir / "latest"
    tmp = client_dir / f".latest-{run_id}"
    tmp.symlink_to(run_id, target_is_directory=True)
    tmp.replace(latest)  # atomic: a dashboard reading `latest` never sees it missing


def run_engagement(client: str, *, params_dir: Path = PARAMS_DIR, output_root: Path = OUTPUT_DIR,
                   kernel_name: str = "python3", log_output: bool = False) -> Path:
    """Execute the engagement notebook for `client` (params_dir/<client>.yaml) into
    output_root/<client>/<run-id>/; returns the run folder."""
    params_file = Path(params_dir) / f"{client}.yaml"
    skip_the_last_collection_at_exit()
    timings: dict[str, float] = {}
    t0 = time.perf_counter()
    with tempfile.TemporaryFile() as kernel_stderr, \
            warm_kernel(kernel_name, cwd=PROJ_ROOT, imports=notebook_imports(ENGAGEMENT_NOTEBOOK),
                        stderr=kernel_stderr) as (km, warming):
        pm = import_papermill()
        from mirrorgap.config.params import load_engagement
        from mirrorgap.run.checked_sides import CACHE_DIR, checked_sides, sides_key, write_checked_sides

        engagement = load_engagement(params_file)
        files = input_files(params_file, engagement)
        # hashed before the check reads them: the checked sides' key names the bytes the check saw, or
        # bytes that changed since (then the kernel finds the key stale and reads again)
        hashes = {name: sha256_of(path) for name, path in files.items() if path.is_file()}
        sides = checked_sides(engagement)  # clear errors before the notebook runs
        timings["check_s"] = time.perf_counter() - t0

        client_dir = Path(output_root) / client
        client_dir.mkdir(parents=True, exist_ok=True)
        run_id = new_run_id(client_dir)
        run_dir = client_dir / run_id
        run_dir.mkdir()
        started = datetime.now(timezone.utc).isoformat(timespec="seconds")
        t1 = time.perf_counter()
        cache = write_checked_sides(run_dir / CACHE_DIR, sides, sides_key(engagement, hashes))
        del sides  # the kernel has its own copy; the parent need not hold both sides while it runs
        timings["cache_s"] = time.perf_counter() - t1
        warming.stop_channels()  # papermill talks to the kernel through a client of its own
        try:
            with _kernel_log(run_dir / "kernel.log"):
                pm.execute_notebook(
                    str(ENGAGEMENT_NOTEBOOK), str(run_dir / "engagement.ipynb"),
                    parameters={"client": client, "params_file": str(params_file), "run_id": run_id,
                                "output_dir": str(run_dir), "sides_cache": str(cache)},
                    cwd=str(PROJ_ROOT), kernel_name=kernel_name, progress_bar=False, log_output=log_output,
                    km=km, start_timeout=KERNEL_START_TIMEOUT_S,
                    # written once at the end (and where a cell fails), not twice per cell: each write is the
                    # whole notebook with its charts, ~1.9 MB, and papermill waits for it between cells
                    request_save_on_cell_execute=False,
                )
        except pm.PapermillExecutionError as exc:
            raise RunFailed(f"the engagement notebook stopped: {exc.ename}: {exc.evalue}\n"
                            f"  see the executed notebook: {run_dir / 'engagement.ipynb'}") from None
        finally:
            shutil.rmtree(cache, ignore_errors=True)  # personal data: kept no longer than the run needs it
            _keep_kernel_stderr(kernel_stderr, run_dir / "kernel.log")
    timings["notebook_s"] = time.perf_counter() - t1 - timings["cache_s"]
    _write_manifest(run_dir, engagement, files, hashes, started, timings, t0)
    _point_latest(client_dir, run_id)
    return run_dir


def _write_manifest(run_dir: Path, engagement: Engagement, files: dict[str, Path], hashes: dict[str, str],
                    started: str, timings: dict[str, float], t0: float) -> None:
    """manifest.json: the run's inputs and outputs with their sha256, the package versions, the timings."""
    timings["total_s"] = time.perf_counter() - t0
    client, run_id = run_dir.parent.name, run_dir.name  # output_root/<client>/<run id>
    outputs = {str(p.relative_to(run_dir)): sha256_of(p) for p in sorted(run_dir.rglob("*")) if p.is_file()}
    manifest = {
        "client": client, "client_name": engagement.client, "run_id": run_id, "started_utc": started,
        "inputs": {name: {"path": str(files[name].relative_to(PROJ_ROOT)) if files[name].is_relative_to(PROJ_ROOT)
                          else str(files[name]), "sha256": hashes[name]} for name in files},
        "fingerprint": fingerprint(hashes), "packages": package_versions(),
        "timings": {k: round(v, 3) for k, v in timings.items()}, "outputs": outputs,
        "missing": missing_deliverables(run_dir),
    }
    (run_dir / "manifest.json").write_text(json.dumps(manifest, indent=2, ensure_ascii=False), encoding="utf-8")
