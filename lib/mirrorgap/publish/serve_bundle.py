"""Serve one published bundle: the bundle's one command (`sh run.sh` inside the bundle runs it).

    python -m mirrorgap.publish.serve_bundle <bundle> [--port 8866] [--ip 127.0.0.1] [--base-url /acme/]
                                                       [--unit NAME] [--token T] [--allowed-host NAME]

The bundle holds everything the hardened Voilà needs (see `mirrorgap.publish.bundle`): the notebook,
the Voilà config and template, the page's branding and texts, the aggregates. Nothing is read from a
project folder, so it runs on a server that never saw the raw files. `--unit` limits the kernels to
one unit ($MIRRORGAP_SCOPE_UNIT, honoured by the dashboard kernel); the host starts one server per
(client, unit) so a manager's kernels can only ever hold their scope.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

from mirrorgap.dashboard.serve import (
    DEFAULT_MAX_KERNELS,
    DEFAULT_MAX_PER_ADDRESS,
    DEFAULT_POOL,
    DEFAULT_PORT,
    ENV_AGGREGATES,
    ENV_FORBIDDEN,
    ENV_PAGE,
    KERNEL_ENV,
    hardened_voila_argv,
)
from mirrorgap.errors import DashboardError, exit_code

ENV_SCOPE = "MIRRORGAP_SCOPE_UNIT"  # the unit a dashboard kernel shows beside the company total
ENV_ALLOWED_HOSTS = "MIRRORGAP_ALLOWED_HOSTS"  # comma-separated host names (a container's public name)
# the bundle's layout, shared with `bundle` (writer) and the tests (readers)
NOTEBOOK, VOILA, AGGREGATES, PAGE, LIB = "notebooks/dashboard.ipynb", "voila", "aggregates", "page.json", "lib"


def bundle_spec(bundle: Path, *, port: int = DEFAULT_PORT, ip: str = "127.0.0.1", base_url: str = "/",
                unit: str | None = None, token: str | None = None, allowed_hosts=(), behind_proxy: bool = False,
                pool_size: int = DEFAULT_POOL, max_kernels: int = DEFAULT_MAX_KERNELS,
                max_per_address: int = DEFAULT_MAX_PER_ADDRESS) -> tuple[list[str], dict[str, str]]:
    """The hardened Voilà's command line and environment for `bundle` (pure apart from reading page.json).

    base_url: the path the server answers under ("/acme/" behind the host).
    unit: the unit the kernels are limited to (None or "": the whole company).
    """
    bundle = Path(bundle).resolve()
    for part in (NOTEBOOK, f"{VOILA}/voila.json", f"{AGGREGATES}/counts.parquet", f"{AGGREGATES}/meta.json", PAGE):
        if not (bundle / part).is_file():
            raise DashboardError(f"{bundle}: not a dashboard bundle ({part} is missing); "
                                 f"make one with `make publish CLIENT=<name>`")
    base_url = "/" + base_url.strip("/") + "/" if base_url.strip("/") else "/"
    hosts = [*allowed_hosts, *filter(None, os.environ.get(ENV_ALLOWED_HOSTS, "").split(","))]
    voila_dir = bundle / VOILA
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(bundle / LIB), *filter(None, [os.environ.get("PYTHONPATH")])]),
        "JUPYTER_PATH": str(voila_dir),
        ENV_AGGREGATES: str(bundle / AGGREGATES),
        ENV_FORBIDDEN: str(bundle / PAGE),
        ENV_PAGE: (bundle / PAGE).read_text(encoding="utf-8"),
        ENV_SCOPE: unit or "",
        **KERNEL_ENV,
    }
    argv = hardened_voila_argv(bundle / NOTEBOOK, voila_dir, port=port, ip=ip, base_url=base_url, token=token,
                               pool_size=pool_size, max_kernels=max_kernels, max_per_address=max_per_address,
                               allowed_hosts=hosts, behind_proxy=behind_proxy)
    return argv, env


def bundle_meta(bundle: Path) -> dict:
    """The meta.json of a bundle's aggregates."""
    return json.loads((Path(bundle) / AGGREGATES / "meta.json").read_text(encoding="utf-8"))


def bundle_units(bundle: Path) -> list[str]:
    """The units a manager's account may be limited to: every unit of the bundle's aggregates."""
    groups = bundle_meta(bundle).get("groups") or {}
    return sorted({u for side in groups.values() for u in (side.get("unit") or [])})


def page(bundle: Path) -> dict:
    """The page's branding and texts (login texts included), as published."""
    return json.loads((Path(bundle) / PAGE).read_text(encoding="utf-8"))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m mirrorgap.publish.serve_bundle", description=__doc__.split("\n")[0])
    parser.add_argument("bundle", type=Path)
    parser.add_argument("--port", type=int, default=DEFAULT_PORT)
    parser.add_argument("--ip", default="127.0.0.1", help="0.0.0.0 in a container")
    parser.add_argument("--base-url", default="/")
    parser.add_argument("--unit", default=None, help="limit the kernels to one unit (a manager's scope)")
    parser.add_argument("--token", default=None)
    parser.add_argument("--allowed-host", action="append", default=[], metavar="NAME")
    parser.add_argument("--behind-proxy", action="store_true")
    parser.add_argument("--pool-size", type=int, default=DEFAULT_POOL)
    parser.add_argument("--max-kernels", type=int, default=DEFAULT_MAX_KERNELS)
    args = parser.parse_args(argv)

    def run() -> None:
        spec, env = bundle_spec(args.bundle, port=args.port, ip=args.ip, base_url=args.base_url, unit=args.unit,
                                token=args.token, allowed_hosts=args.allowed_host, behind_proxy=args.behind_proxy,
                                pool_size=args.pool_size, max_kernels=args.max_kernels)
        print(f"dashboard bundle {args.bundle}: http://{args.ip}:{args.port}{args.base_url}", flush=True)
        os.chdir(args.bundle)
        os.execve(spec[0], spec, env)

    return exit_code(run)


if __name__ == "__main__":
    sys.exit(main())
