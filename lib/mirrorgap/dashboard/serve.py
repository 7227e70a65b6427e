"""The client dashboard: launch Voilà on one client's anonymised aggregates, and lock its kernels down.

    python -m mirrorgap.dashboard.serve serve <client> [--port 8866] [--token …] [--pool-size 2]

`serve` resolves output/<client>/latest/aggregates (the run's anonymised counts), hands that folder to
the kernels through the environment (MIRRORGAP_AGGREGATES) and replaces itself with Voilà serving
notebooks/dashboard.ipynb alone on 127.0.0.1, with the settings in templates/voila/voila.json and
the branded template found through JUPYTER_PATH=templates/voila. The Voilà is
`mirrorgap.dashboard.hardened`: v1 kernel websockets only, a Host allow-list, caps on kernels, no
stderr to the browser, each viewer's kernel its own (see there). The branding (logo, colours, font,
client and consultancy names) and the page texts go to the template as Voilà resources, through
$MIRRORGAP_PAGE and templates/voila/voila.py.

The dashboard kernel calls `forbid_raw_access()` first: an audit hook that refuses to open or list
anything under data/, params/, notebooks/, the output folder (except this run's aggregates) and the
params' input files, and refuses to start processes. Python-level opens go through it (open, pandas'
CSV reader, openpyxl, pathlib…); C libraries that open files themselves (pyarrow, pyreadstat) do
not, which is why the dashboard code only ever touches `AggregateViews`.
"""
from __future__ import annotations

import argparse
import base64
import json
import os
import re
import sys
import threading
from pathlib import Path

from mirrorgap.config.paths import (
    DATA_DIR,
    NOTEBOOKS_DIR,
    OUTPUT_DIR,
    PARAMS_DIR,
    PROJ_ROOT,
    TEMPLATES_DIR,
    resolve_input,
)
from mirrorgap.errors import DashboardError, MirrorgapError, exit_code

ENV_AGGREGATES = "MIRRORGAP_AGGREGATES"  # the aggregates folder a dashboard kernel reads
ENV_FORBIDDEN = "MIRRORGAP_FORBIDDEN"  # extra paths the kernel may not open (os.pathsep-separated)
ENV_SCOPE_UNIT = "MIRRORGAP_SCOPE_UNIT"  # the one unit a manager's kernel shows (empty: the company)
ENV_PAGE = "MIRRORGAP_PAGE"  # the page's branding and texts (JSON) for the template
ENV_BACKEND_TOKEN = "MIRRORGAP_BACKEND_TOKEN"  # the host's secret for a server behind it (read once, removed)
DASHBOARD_NOTEBOOK = NOTEBOOKS_DIR / "dashboard.ipynb"
VOILA_DIR = TEMPLATES_DIR / "voila"  # JUPYTER_PATH root: voila/templates/mirrorgap/ + voila.json
BRANDING_DIR = TEMPLATES_DIR / "branding"
TEMPLATE_NAME = "mirrorgap"
DEFAULT_PORT, DEFAULT_POOL = 8866, 2
# viewers' kernels at once (~140 MB each; the preheated pool comes on top), in all and per client address
DEFAULT_MAX_KERNELS, DEFAULT_MAX_PER_ADDRESS = 10, 5
# memory per dashboard kernel: arrow frees what the parquet read used, one malloc arena and one BLAS
# thread are plenty for a dashboard (it draws charts, it does no linear algebra)
KERNEL_ENV = {"MPLBACKEND": "Agg", "ARROW_DEFAULT_MEMORY_POOL": "system", "MALLOC_ARENA_MAX": "2",
              "OPENBLAS_NUM_THREADS": "1"}

# audit events whose first argument is a path that is read, listed or changed
_PATH_EVENTS = frozenset({"open", "os.listdir", "os.scandir", "os.chdir", "shutil.copyfile", "shutil.copytree",
                          "shutil.rmtree", "os.rename", "os.remove", "os.rmdir", "os.link", "os.truncate",
                          "os.chmod", "os.chown", "os.utime", "os.mkdir"})
# a started process would escape the hook altogether
_PROCESS_EVENTS = frozenset({"subprocess.Popen", "os.system", "os.exec", "os.posix_spawn", "os.spawn",
                             "os.fork", "os.forkpty", "pty.spawn"})



# ---------------------------------------------------------------------------------------------------
# the kernel side

def _real(path) -> str:
    return os.path.realpath(os.fsdecode(os.fspath(path)))


def _under(path: str, roots: tuple[str, ...]) -> bool:
    return any(path == r or path.startswith(r.rstrip(os.sep) + os.sep) for r in roots)


def default_forbidden() -> list[Path]:
    """What no dashboard kernel may touch, whichever client: raw deliveries, every client's params,
    the notebooks (the engagement notebook is executed on raw rows) and all runs."""
    return [DATA_DIR, PARAMS_DIR, NOTEBOOKS_DIR, OUTPUT_DIR]


_installed: list[tuple] = []


def forbid_raw_access(forbidden=None, *, allowed=None) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Install an audit hook (for the life of the process; it cannot be removed) that refuses to open,
    list or change anything under `forbidden` unless it lies under `allowed`, and refuses to start
    processes. Raises PermissionError where the forbidden access is attempted.

    forbidden: paths; default `default_forbidden()` plus the paths in $MIRRORGAP_FORBIDDEN.
    allowed: paths; default the aggregates folder in $MIRRORGAP_AGGREGATES.
    Symlinks and relative paths are resolved first. Returns the (forbidden, allowed) roots in force;
    calling it again returns the first call's roots and installs nothing more.
    """
    if _installed:
        return _installed[0]
    if forbidden is None:
        extra = [p for p in os.environ.get(ENV_FORBIDDEN, "").split(os.pathsep) if p]
        forbidden = [*default_forbidden(), *extra]
    if allowed is None:
        allowed = [os.environ[ENV_AGGREGATES]] if os.environ.get(ENV_AGGREGATES) else []
    roots = tuple(sorted({_real(p) for p in forbidden}))
    exceptions = tuple(sorted({_real(p) for p in allowed}))
    busy = threading.local()  # realpath itself must not re-enter the hook

    def hook(event: str, args: tuple) -> None:
        if event in _PROCESS_EVENTS:
            raise PermissionError(f"the dashboard kernel does not start processes ({event})")
        if event not in _PATH_EVENTS or not args or getattr(busy, "on", False):
            return
        paths = args[:2] if event in ("shutil.copyfile", "shutil.copytree", "os.rename", "os.link") else args[:1]
        busy.on = True
        try:
            for path in paths:
                if path is None or isinstance(path, int):  # a file descriptor: its opening was checked
                    continue
                real = _real(path)
                if _under(real, roots) and not _under(real, exceptions):
                    raise PermissionError(f"the dashboard may not read raw data, params or other runs: {path}")
        finally:
            busy.on = False

    sys.addaudithook(hook)
    _installed.append((roots, exceptions))
    return roots, exceptions


def hide_tracebacks() -> None:
    """Tracebacks of widget callbacks go to the kernel's stderr instead of the page's outputs (they name
    files and paths); the dashboard server (`mirrorgap.dashboard.hardened`) keeps the kernel's stderr
    from the browser and writes it to its log. Call in the dashboard kernel after `forbid_raw_access()`."""
    from IPython import get_ipython

    shell = get_ipython()
    if shell is None:
        return

    def to_server_log(*args, **kwargs) -> None:
        import traceback
        print("dashboard callback failed:\n" + traceback.format_exc(), file=sys.__stderr__, flush=True)

    shell.showtraceback = to_server_log


def aggregates_from_env():
    """The `AggregateViews` of the folder named in $MIRRORGAP_AGGREGATES (set by `serve`), scoped to
    the unit in $MIRRORGAP_SCOPE_UNIT when the login host sets one (a manager's account). A unit the
    run does not know stops the kernel with a DashboardError (its message goes to the server log, the
    page shows the template's localized "could not be shown")."""
    from mirrorgap.aggregate.views import AggregateViews, UnknownScope, scoped_views

    folder = os.environ.get(ENV_AGGREGATES)
    if not folder:
        raise DashboardError(f"${ENV_AGGREGATES} is not set: start the dashboard with `make dashboard CLIENT=<name>`")
    views = AggregateViews.from_folder(folder)
    try:
        return scoped_views(views, os.environ.get(ENV_SCOPE_UNIT, "").strip() or None)
    except UnknownScope as err:
        print(f"dashboard refused: ${ENV_SCOPE_UNIT}: {err}", file=sys.__stderr__, flush=True)
        raise DashboardError(f"${ENV_SCOPE_UNIT}: {err}") from None


def settle_memory() -> None:
    """Call once the dashboard is built: a preheated kernel then waits for its viewer compact. The
    garbage of loading and building is collected, what is left is frozen (later collections only look
    at new objects, a few ms instead of ~70 ms), and the freed heap goes back to the system, which
    glibc would otherwise keep (~10 MB at 1M answers). Every pooled kernel is one client viewer."""
    import ctypes
    import gc

    gc.collect()
    gc.freeze()
    try:  # by its name: ctypes.util.find_library would start a process, which the kernel's guard refuses
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):  # not glibc (macOS, musl): nothing to do
        pass


# ---------------------------------------------------------------------------------------------------
# the launcher side

def aggregates_folder(client: str, *, output_root: Path = OUTPUT_DIR) -> Path:
    """output_root/<client>/latest/aggregates, resolved to the run it points at (the dashboard stays
    on that run until restarted); DashboardError when there is no run yet."""
    latest = Path(output_root) / client / "latest"
    folder = latest / "aggregates"
    if not (folder / "counts.parquet").is_file() or not (folder / "meta.json").is_file():
        what = "no run" if not latest.exists() else "a run without anonymised aggregates (made by an older version)"
        raise DashboardError(f"{client}: {what} in {latest.parent}; run `make run CLIENT={client}` first")
    return folder.resolve()


def client_inputs(client: str, *, params_dir: Path = PARAMS_DIR) -> list[Path]:
    """The raw files the client's params name (both sides, the pulse): forbidden to the kernel even
    when they lie outside data/. Empty when the params cannot be read (data/ and params/ stay
    forbidden anyway)."""
    from mirrorgap.config.params import load_engagement

    try:
        engagement = load_engagement(Path(params_dir) / f"{client}.yaml")
    except MirrorgapError:
        return []
    specs = [engagement.customer.input, engagement.employee.input]
    specs += [engagement.pulse.input] if engagement.pulse else []
    return [resolve_input(s.path) for s in specs]


def _logo_uri(logo: str | None, consultancy: str) -> str:
    """The logo as a data: URI (an <img> never runs an SVG's scripts): branding.logo, else
    templates/branding/<consultancy-slug>.svg when it exists, else ''."""
    slug = re.sub(r"[^a-z0-9]+", "-", consultancy.lower()).strip("-")
    candidates = ([resolve_input(logo)] if logo else []) + [BRANDING_DIR / f"{slug}.svg", BRANDING_DIR / f"{slug}.png"]
    for path in candidates:
        if path.is_file():
            mime = "image/svg+xml" if path.suffix.lower() == ".svg" else "image/png"
            return f"data:{mime};base64,{base64.b64encode(path.read_bytes()).decode('ascii')}"
    return ""


def _run_time(run_id: str) -> str:
    """A run id 20261123-020448[-2] as 2026-11-23 02:04 UTC; anything else as it is."""
    m = re.fullmatch(r"(\d{4})(\d{2})(\d{2})-(\d{2})(\d{2})\d{2}(?:-\d+)?", run_id or "")
    return f"{m[1]}-{m[2]}-{m[3]} {m[4]}:{m[5]} UTC" if m else str(run_id)


def page_resources(meta: dict) -> dict:
    """What the branded template shows around the widgets, from the aggregates' meta: names, colours,
    font, logo and the page texts in the engagement language."""
    from mirrorgap.config.texts import section

    branding, lang = meta.get("branding") or {}, meta["language"]
    t = section(lang, "dashboard", metric=meta["analysis"].get("metric", "mean"))
    consultancy = branding.get("consultancy") or "mirrorgap"
    client = meta["client"]
    font = re.sub(r"[^A-Za-z0-9 \-]", "", branding.get("font") or "").strip()  # goes into CSS: letters only
    return {
        "language": lang, "client": client, "consultancy": consultancy,
        "title": t["page_title"].format(client=client), "heading": t["heading"],
        "prepared_by": t["prepared_by"].format(consultancy=consultancy),
        "run": t["run"].format(run_id=_run_time(meta.get("run_id", ""))),
        "confidential": t["confidential"].format(client=client),
        "footer_anonymity": t["footer_anonymity"].format(min_n=meta["analysis"]["min_n"]),
        "footer_method": " ".join([t["footer_method"], *_weights_note(meta.get("weights"), t)]), "loading": t["loading"],
        "cell_error": t["cell_error"], "cell_timeout": t["cell_timeout"],
        "primary": branding.get("primary_color") or "#1D3557", "accent": branding.get("accent_color") or "#E69F00",
        "font": font, "logo": _logo_uri(branding.get("logo"), consultancy),
    }


def _weights_note(weights: dict | None, t: dict) -> list[str]:
    """The footer's sentences on weights: which sides are weighted, and how many employee measures are
    shown unweighted because their weights could give a small group away (`aggregate.weighted`)."""
    if not weights:
        return []
    notes = [t[f"weighted_{side}"] for side in ("customer", "employee") if weights["sides"].get(side)]
    withheld = weights["unweighted_measures"].get("employee", [])
    return notes + ([t["employee_unweighted"].format(n=len(withheld))] if withheld else [])


def launch_spec(client: str, *, port: int = DEFAULT_PORT, token: str | None = None, pool_size: int = DEFAULT_POOL,
                max_kernels: int = DEFAULT_MAX_KERNELS, max_per_address: int = DEFAULT_MAX_PER_ADDRESS,
                allowed_hosts=(), behind_proxy: bool = False, output_root: Path = OUTPUT_DIR,
                params_dir: Path = PARAMS_DIR) -> tuple[list[str], dict[str, str]]:
    """The Voilà command line and environment that serve `client`'s dashboard. Pure apart from
    reading the aggregates' meta, the logo and the params (for the input files to forbid).

    max_kernels, max_per_address: viewers' kernels at once, in all and per client address.
    allowed_hosts: host names the server answers to besides 127.0.0.1 and localhost (a proxy's name).
    behind_proxy: the client address is the last X-Forwarded-For entry (a proxy on this host sets it).
    """
    folder = aggregates_folder(client, output_root=output_root)
    meta = json.loads((folder / "meta.json").read_text(encoding="utf-8"))
    forbidden = [Path(output_root), *client_inputs(client, params_dir=params_dir)]
    env = {
        **os.environ,
        "JUPYTER_PATH": os.pathsep.join([str(VOILA_DIR), *filter(None, [os.environ.get("JUPYTER_PATH")])]),
        ENV_AGGREGATES: str(folder),
        ENV_FORBIDDEN: os.pathsep.join(str(p) for p in forbidden),
        ENV_PAGE: json.dumps(page_resources(meta)),  # read by templates/voila/voila.py
        **KERNEL_ENV,
    }
    argv = hardened_voila_argv(DASHBOARD_NOTEBOOK, VOILA_DIR, port=port, token=token, pool_size=pool_size,
                               max_kernels=max_kernels, max_per_address=max_per_address,
                               allowed_hosts=allowed_hosts, behind_proxy=behind_proxy)
    return argv, env


def hardened_voila_argv(notebook: Path, voila_dir: Path, *, port: int, token: str | None, pool_size: int,
                        max_kernels: int, max_per_address: int, allowed_hosts, behind_proxy: bool,
                        ip: str = "127.0.0.1", base_url: str | None = None) -> list[str]:
    """The hardened Voilà's command line, for a project's dashboard and a published bundle alike."""
    argv = [sys.executable, "-m", "mirrorgap.dashboard.hardened", str(notebook),
            f"--Voila.config_file_paths={voila_dir}",  # only our voila.json: no user config can loosen it
            f"--port={int(port)}", f"--Voila.ip={ip}", "--no-browser",
            *([f"--Voila.base_url={base_url}"] if base_url else []),
            "--preheat_kernel=True", f"--pool_size={int(pool_size)}",
            f"--DashboardVoila.max_kernels={int(max_kernels)}",
            f"--DashboardVoila.max_kernels_per_address={int(max_per_address)}",
            f"--DashboardVoila.behind_proxy={bool(behind_proxy)}",
            *(f"--DashboardVoila.allowed_hosts={h}" for h in allowed_hosts)]
    if token:
        argv.append(f"--token={token}")
    return argv


def serve(client: str, **kwargs) -> None:
    """Replace this process with the Voilà server of `client`'s dashboard (see `launch_spec`)."""
    argv, env = launch_spec(client, **kwargs)
    port = next(a.split("=", 1)[1] for a in argv if a.startswith("--port="))
    print(f"dashboard of {client}: http://127.0.0.1:{port}/  (aggregates: {env[ENV_AGGREGATES]}; Ctrl-C stops it)",
          flush=True)
    os.chdir(PROJ_ROOT)
    os.execve(argv[0], argv, env)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m mirrorgap.dashboard.serve", description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("serve", help="serve one client's read-only dashboard on 127.0.0.1")
    p.add_argument("client", help="the params file's name, e.g. demo")
    p.add_argument("--port", type=int, default=DEFAULT_PORT)
    p.add_argument("--token", default=None, help="require this token in the URL (?token=…)")
    p.add_argument("--pool-size", type=int, default=DEFAULT_POOL, help="preheated kernels kept ready")
    p.add_argument("--max-kernels", type=int, default=DEFAULT_MAX_KERNELS,
                   help="viewers' kernels at once; a page over it gets 503 (default %(default)s)")
    p.add_argument("--max-kernels-per-address", type=int, default=DEFAULT_MAX_PER_ADDRESS,
                   help="viewers' kernels at once from one client address; over it 429 (default %(default)s)")
    p.add_argument("--allowed-host", action="append", default=[], metavar="NAME",
                   help="a host name the server answers to besides 127.0.0.1 and localhost (repeatable)")
    p.add_argument("--behind-proxy", action="store_true",
                   help="a proxy on this host forwards the viewers: their address is its X-Forwarded-For")
    p.add_argument("--output-root", type=Path, default=OUTPUT_DIR, help="where the runs are (default output/)")
    args = parser.parse_args(argv)
    return exit_code(lambda: serve(args.client, port=args.port, token=args.token, pool_size=args.pool_size,
                                   max_kernels=args.max_kernels, max_per_address=args.max_kernels_per_address,
                                   allowed_hosts=args.allowed_host, behind_proxy=args.behind_proxy,
                                   output_root=args.output_root))


if __name__ == "__main__":
    sys.exit(main())
