"""Publish one client's dashboard as a self-contained bundle, for a server that never saw the raw files.

    python -m mirrorgap.publish.bundle <client> [--out dist/] [--output-root output/]

writes <out>/<client>/ with
  aggregates/      the latest run's anonymised counts and meta (the dashboard's only input)
  notebooks/       the dashboard notebook (no outputs)
  voila/           the Voilà config (voila.json, voila.py) and the branded template
  templates/lang/  the page texts per language
  lib/mirrorgap/   the package's source without its readers (the kernel imports it from here)
  page.json        the page's branding (logo inlined) and texts, the login page's included
  requirements.txt the pins of requirements.txt the dashboard needs
  Dockerfile       python slim base, a non-root user, `sh run.sh` as the command
  run.sh           the one command: serve this bundle with the hardened Voilà
  MANIFEST.json    every file with its sha256
Nothing from data/ or params/, no other run and no other client: only what is listed above.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

from mirrorgap.config.paths import NOTEBOOKS_DIR, OUTPUT_DIR, PROJ_ROOT, TEMPLATES_DIR
from mirrorgap.config.texts import section
from mirrorgap.dashboard.serve import aggregates_folder, page_resources
from mirrorgap.errors import DashboardError, exit_code
from mirrorgap.publish.serve_bundle import AGGREGATES, LIB, NOTEBOOK, PAGE, VOILA

PACKAGE_DIR = PROJ_ROOT / "lib" / "mirrorgap"
DIST_DIR = PROJ_ROOT / "dist"
PORT = 8866
# the command the container runs; `run.sh` passes its arguments on, so a later --ip/--port wins
COMMAND = ["sh", "run.sh", "--ip=0.0.0.0", f"--port={PORT}", "--behind-proxy"]
# what the dashboard imports in its server and kernels; their distributions are the bundle's pins
_IMPORTS = "mirrorgap.dashboard.board, mirrorgap.dashboard.hardened, mirrorgap.publish.serve_bundle, ipykernel.kernelapp"
_FRONTEND = ("jupyterlab_widgets", "widgetsnbextension")  # the widgets' browser side: installed, never imported
_IGNORED = shutil.ignore_patterns("__pycache__", "*.pyc", ".ipynb_checkpoints")

RUN_SH = """#!/bin/sh
# Serve this dashboard bundle: sh run.sh [--port 8866] [--ip 127.0.0.1] [--base-url /client/] [--unit NAME]
cd "$(dirname "$0")" || exit 1
export PYTHONPATH="$PWD/lib${PYTHONPATH:+:$PYTHONPATH}"
exec "${PYTHON:-python3}" -m mirrorgap.publish.serve_bundle . "$@"
"""

DOCKERFILE = """# The dashboard of one client, stateless: aggregates and code only.
#   docker build -t mirrorgap-{slug} . && docker run -p 8866:8866 -e MIRRORGAP_ALLOWED_HOSTS=dash.example.com mirrorgap-{slug}
FROM python:3.11-slim-bookworm
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1 PYTHON=python3
RUN useradd --create-home --uid 10001 dashboard
WORKDIR /app
COPY requirements.txt ./
RUN pip install -r requirements.txt
COPY run.sh page.json MANIFEST.json ./
COPY lib ./lib
COPY notebooks ./notebooks
COPY voila ./voila
COPY templates ./templates
COPY aggregates ./aggregates
USER dashboard
EXPOSE {port}
CMD {command}
"""


def _pins(requirements: Path) -> dict[str, str]:
    """requirements.txt's pinned lines by normalised distribution name."""
    pins = {}
    for line in requirements.read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if "==" in line:
            pins[_normal(line.split("==", 1)[0])] = line
    return pins


def _normal(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def needed_requirements(requirements: Path = PROJ_ROOT / "requirements.txt") -> list[str]:
    """The pins of `requirements` whose distributions the dashboard imports (found by importing its
    server and kernel modules in a fresh interpreter), plus the widgets' browser side."""
    probe = ("import importlib.metadata as m, json, sys\n"
             f"import {_IMPORTS}\n"
             "dists = m.packages_distributions()\n"
             "print(json.dumps(sorted({d for n in list(sys.modules) for d in dists.get(n.split('.')[0], [])})))")
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True, cwd=PROJ_ROOT)
    used = {_normal(d) for d in json.loads(out.stdout.strip().splitlines()[-1])} | {_normal(d) for d in _FRONTEND}
    pins = _pins(requirements)
    return [pins[name] for name in sorted(used) if name in pins]


def bundle_page(meta: dict) -> dict:
    """page.json: the dashboard page's branding and texts plus the login page's texts."""
    return {**page_resources(meta), "login": section(meta["language"], "login")}


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def write_bundle(client: str, out: Path = DIST_DIR, *, output_root: Path = OUTPUT_DIR) -> Path:
    """Write client's bundle to out/<client>/ (replacing an earlier one) and return that folder."""
    if not re.fullmatch(r"[a-z0-9][a-z0-9_-]*", client):
        raise DashboardError(f"{client!r}: a bundle is named like its params file (lower-case letters, digits, - _)")
    source = aggregates_folder(client, output_root=output_root)
    meta = json.loads((source / "meta.json").read_text(encoding="utf-8"))
    target = Path(out) / client
    if target.exists():
        shutil.rmtree(target)
    (target / "notebooks").mkdir(parents=True)
    (target / AGGREGATES).mkdir()
    for name in ("counts.parquet", "meta.json"):  # the dashboard's input, and nothing else of the run
        shutil.copy2(source / name, target / AGGREGATES / name)
    shutil.copy2(NOTEBOOKS_DIR / "dashboard.ipynb", target / NOTEBOOK)
    shutil.copytree(TEMPLATES_DIR / "voila", target / VOILA, ignore=_IGNORED)
    shutil.copytree(TEMPLATES_DIR / "lang", target / "templates" / "lang", ignore=_IGNORED)
    # the package without its readers: the dashboard never imports them (pyproject's contracts), and
    # a server holding no reading code cannot be talked into reading rows
    shutil.copytree(PACKAGE_DIR, target / LIB / "mirrorgap",
                    ignore=shutil.ignore_patterns("__pycache__", "*.pyc", "read", "pipeline.py"))
    (target / PAGE).write_text(json.dumps(bundle_page(meta), ensure_ascii=False, indent=2), encoding="utf-8")
    (target / "requirements.txt").write_text("\n".join(needed_requirements()) + "\n", encoding="utf-8")
    (target / "run.sh").write_text(RUN_SH, encoding="utf-8")
    (target / "run.sh").chmod(0o755)
    (target / "Dockerfile").write_text(DOCKERFILE.format(slug=client, port=PORT, command=json.dumps(COMMAND)),
                                       encoding="utf-8")
    files = sorted(p for p in target.rglob("*") if p.is_file())
    manifest = {"client": client, "run_id": meta.get("run_id"),
                "files": {str(p.relative_to(target)): _sha256(p) for p in files}}
    (target / "MANIFEST.json").write_text(json.dumps(manifest, indent=2), encoding="utf-8")
    return target


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m mirrorgap.publish.bundle", description=__doc__.split("\n")[0])
    parser.add_argument("client", help="the params file's name, e.g. demo")
    parser.add_argument("--out", type=Path, default=DIST_DIR, help="where bundles go (default dist/)")
    parser.add_argument("--output-root", type=Path, default=OUTPUT_DIR, help="where the runs are (default output/)")
    args = parser.parse_args(argv)

    def run() -> None:
        folder = write_bundle(args.client, args.out, output_root=args.output_root)
        print(f"bundle of {args.client}: {folder}  (serve it: sh {folder}/run.sh --port 8866)")

    return exit_code(run)


if __name__ == "__main__":
    sys.exit(main())
