"""Run many engagements at once: every params/*.yaml (or the clients named), in parallel.

    python -m mirrorgap.run.batch [CLIENT ...] [--force] [--jobs N]      (make batch [CLIENTS="a b"] [FORCE=1] [JOBS=2])

Each client runs in its own process (`python -m mirrorgap.run.batch --worker CLIENT`), so one client's
broken params or data — or a crashed kernel — never stops the others. A client whose inputs are
unchanged since its last successful run is skipped: the fingerprint of its params and survey files,
computed exactly as `run.fingerprint` does, equals the one in output/<client>/latest/manifest.json.
`--force` runs it anyway. At the end a summary table (client, status, time, output folder, the error
in one line); the exit code is 1 when any client failed.
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import asdict, dataclass
from pathlib import Path

from mirrorgap.config.paths import OUTPUT_DIR, PARAMS_DIR, PROJ_ROOT

__all__ = ["ClientResult", "clients_in", "current_fingerprint", "last_fingerprint", "main", "one_line",
           "run_batch", "run_client", "summary_table", "up_to_date"]

RESULT_PREFIX = "MIRRORGAP-BATCH-RESULT "
STATUSES = ("ok", "failed", "skipped")


@dataclass
class ClientResult:
    """How one client's run went."""

    client: str
    status: str  # "ok", "failed" or "skipped"
    seconds: float
    output: str  # the run folder (ok), the latest run (skipped), the client's output folder (failed)
    error: str = ""  # the error in one line
    detail: str = ""  # the whole error message


def clients_in(params_dir: Path) -> list[str]:
    """The clients of a params folder: the names of its *.yaml files, sorted."""
    return sorted(p.stem for p in Path(params_dir).glob("*.yaml") if not p.name.startswith((".", "_")))


def current_fingerprint(client: str, params_dir: Path) -> str:
    """The fingerprint a run of `client` would write to its manifest (same inputs, same hashes)."""
    from mirrorgap.config.params import load_engagement
    from mirrorgap.run.engagement import fingerprint, input_files, sha256_of

    params_file = Path(params_dir) / f"{client}.yaml"
    files = input_files(params_file, load_engagement(params_file))
    return fingerprint({name: sha256_of(path) for name, path in files.items()})


def last_fingerprint(client: str, output_root: Path) -> str | None:
    """The fingerprint in output_root/<client>/latest/manifest.json, or None without a successful run."""
    manifest = Path(output_root) / client / "latest" / "manifest.json"
    try:
        return json.loads(manifest.read_text(encoding="utf-8")).get("fingerprint")
    except (OSError, ValueError):
        return None


def up_to_date(client: str, *, params_dir: Path, output_root: Path) -> bool:
    """True when the client's inputs and params are unchanged since its last successful run."""
    last = last_fingerprint(client, output_root)
    return last is not None and last == current_fingerprint(client, params_dir)


def one_line(exc: BaseException | str) -> str:
    """An error as one line for the summary: its first line, with the fix when the message has one."""
    text = str(exc).strip() or type(exc).__name__
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    first = lines[0] if lines else text
    fix = next((line for line in lines[1:] if line.startswith(("fix:", "- "))), None)
    line = f"{first} {fix}" if fix else first
    if isinstance(exc, BaseException) and not line.startswith(type(exc).__name__):
        line = f"{type(exc).__name__}: {line}"
    return line if len(line) <= 240 else line[:237] + "..."


def _rel(path: Path) -> str:
    path = Path(path)
    return str(path.relative_to(PROJ_ROOT)) if path.is_relative_to(PROJ_ROOT) else str(path)


def run_client(client: str, *, params_dir: Path = PARAMS_DIR, output_root: Path = OUTPUT_DIR,
               force: bool = False) -> ClientResult:
    """Run one client in this process unless it is up to date; never raises for the client's own errors."""
    from mirrorgap.run.engagement import run_engagement

    t0 = time.perf_counter()
    client_dir = Path(output_root) / client
    try:
        if not (Path(params_dir) / f"{client}.yaml").is_file():
            raise FileNotFoundError(f"no params file {_rel(Path(params_dir) / (client + '.yaml'))}")
        if not force and up_to_date(client, params_dir=params_dir, output_root=output_root):
            return ClientResult(client, "skipped", time.perf_counter() - t0, _rel((client_dir / "latest").resolve()))
        run_dir = run_engagement(client, params_dir=params_dir, output_root=output_root)
        return ClientResult(client, "ok", time.perf_counter() - t0, _rel(run_dir))
    except Exception as exc:  # noqa: BLE001 — a client's failure is reported, never raised, in a batch
        return ClientResult(client, "failed", time.perf_counter() - t0,
                            _rel(client_dir) if client_dir.exists() else "", one_line(exc), str(exc))


def _worker(client: str, params_dir: Path, output_root: Path, force: bool) -> int:
    result = run_client(client, params_dir=params_dir, output_root=output_root, force=force)
    sys.stdout.write(RESULT_PREFIX + json.dumps(asdict(result), ensure_ascii=False) + "\n")
    sys.stdout.flush()
    return 0


def _in_subprocess(client: str, *, params_dir: Path, output_root: Path, timeout: float | None) -> ClientResult:
    """One client in a process of its own (the batch has decided it runs); a crash or a timeout is that
    client's failure only."""
    command = [sys.executable, "-m", "mirrorgap.run.batch", "--worker", client, "--params-dir", str(params_dir),
               "--output-root", str(output_root), "--force"]
    t0 = time.perf_counter()
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=timeout, cwd=PROJ_ROOT,
                              env={**os.environ, "PYTHONUNBUFFERED": "1", "MPLBACKEND": "Agg"})
    except subprocess.TimeoutExpired:
        return ClientResult(client, "failed", time.perf_counter() - t0, "", f"timed out after {timeout:g} s")
    for line in reversed(done.stdout.splitlines()):
        if line.startswith(RESULT_PREFIX):
            return ClientResult(**json.loads(line[len(RESULT_PREFIX):]))
    lines = [line for line in (done.stderr or "").strip().splitlines() if line.strip()]
    last = lines[-1].strip() if lines else f"the worker process ended with exit code {done.returncode}"
    return ClientResult(client, "failed", time.perf_counter() - t0, "", one_line(last), done.stderr or "")


def run_batch(clients: list[str] | None = None, *, params_dir: Path = PARAMS_DIR, output_root: Path = OUTPUT_DIR,
              jobs: int | None = None, force: bool = False, progress: bool = True,
              timeout: float | None = None) -> list[ClientResult]:
    """Run clients in parallel processes; returns one ClientResult per client, in the clients' order.

    clients: names of params files (default: every params_dir/*.yaml). params_dir, output_root: as
    for `run.run_engagement`. jobs: parallel processes (default: the number of cores). force: run
    up-to-date clients too. progress: a tqdm bar on stderr. timeout: seconds per client (None: no limit).
    """
    from tqdm import tqdm

    params_dir, output_root = Path(params_dir).resolve(), Path(output_root).resolve()
    clients = list(clients) if clients else clients_in(params_dir)
    if not clients:
        return []
    results: dict[str, ClientResult] = {}
    if not force:  # checked here, once, so an up-to-date client costs no process of its own
        for client in clients:
            t0 = time.perf_counter()
            try:
                if up_to_date(client, params_dir=params_dir, output_root=output_root):
                    latest = (output_root / client / "latest").resolve()
                    results[client] = ClientResult(client, "skipped", time.perf_counter() - t0, _rel(latest))
            except Exception:  # noqa: BLE001 — unreadable params: the client's own run reports the error
                pass
    pending = [c for c in clients if c not in results]
    jobs = max(1, min(jobs or os.cpu_count() or 1, len(pending) or 1))
    with ThreadPoolExecutor(max_workers=jobs) as pool, \
            tqdm(total=len(clients), initial=len(results), desc="batch", unit="client", disable=not progress,
                 file=sys.stderr) as bar:
        futures = {pool.submit(_in_subprocess, c, params_dir=params_dir, output_root=output_root, timeout=timeout): c
                   for c in pending}
        for future in as_completed(futures):
            result = future.result()
            results[futures[future]] = result
            bar.set_postfix_str(f"{result.client}: {result.status}")
            bar.update(1)
    return [results[c] for c in clients]


def summary_table(results: list[ClientResult]) -> str:
    """The batch as a plain-text table: client, status, time, output folder, error."""
    head = ("client", "status", "time", "output", "error")
    rows = [(r.client, r.status, f"{r.seconds:.1f} s", r.output or "–", r.error) for r in results]
    widths = [max(len(h), *(len(row[i]) for row in rows)) if rows else len(h) for i, h in enumerate(head)]
    widths[-1] = len(head[-1])  # the error runs to the end of the line
    line = lambda cells: "  ".join(c.ljust(w) for c, w in zip(cells, widths)).rstrip()  # noqa: E731
    counts = {s: sum(r.status == s for r in results) for s in STATUSES}
    out = [line(head), line(["-" * w for w in widths[:-1]] + ["-----"])] + [line(row) for row in rows]
    out.append(f"{len(results)} clients: {counts['ok']} ok, {counts['failed']} failed, {counts['skipped']} skipped")
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m mirrorgap.run.batch", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("clients", nargs="*", help="clients to run (default: every params/*.yaml)")
    parser.add_argument("--force", action="store_true", help="run clients whose inputs are unchanged too")
    parser.add_argument("--jobs", type=int, default=None, help="parallel runs (default: the number of cores)")
    parser.add_argument("--timeout", type=float, default=None, help="seconds allowed per client")
    parser.add_argument("--params-dir", type=Path, default=PARAMS_DIR, help=argparse.SUPPRESS)
    parser.add_argument("--output-root", type=Path, default=OUTPUT_DIR, help=argparse.SUPPRESS)
    parser.add_argument("--json", type=Path, default=None, help="also write the summary as JSON here")
    parser.add_argument("--no-progress", action="store_true", help="no progress bar")
    parser.add_argument("--worker", metavar="CLIENT", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        return _worker(args.worker, args.params_dir, args.output_root, args.force)
    if args.jobs is not None and args.jobs < 1:
        parser.error("--jobs must be at least 1")
    results = run_batch(args.clients or None, params_dir=args.params_dir, output_root=args.output_root,
                        jobs=args.jobs, force=args.force, progress=not args.no_progress, timeout=args.timeout)
    if not results:
        print(f"no clients: {_rel(args.params_dir)} has no *.yaml", file=sys.stderr)
        return 2
    print(summary_table(results))
    if args.json:
        args.json.write_text(json.dumps([asdict(r) for r in results], ensure_ascii=False, indent=2), encoding="utf-8")
    return 1 if any(r.status == "failed" for r in results) else 0


if __name__ == "__main__":
    sys.exit(main())
