"""The `mirrorgap` command behind the Makefile: run, check and new."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from mirrorgap.config.paths import DATA_DIR, PROJ_ROOT, TEMPLATES_DIR, params_path
from mirrorgap.errors import MirrorgapError, exit_code

STARTER = TEMPLATES_DIR / "params_starter.yaml"


def new_client(client: str) -> Path:
    """Write a commented starter params/<client>.yaml and an empty data/<client>/ folder."""
    target = params_path(client)
    if target.exists():
        raise MirrorgapError(f"{target} exists already; edit it, or choose another CLIENT name")
    text = STARTER.read_text(encoding="utf-8").replace("{client}", client)
    target.write_text(text, encoding="utf-8")
    (DATA_DIR / client).mkdir(parents=True, exist_ok=True)
    return target


def _rel(path: Path) -> str:
    path = Path(path)
    return str(path.relative_to(PROJ_ROOT)) if path.is_relative_to(PROJ_ROOT) else str(path)


def _print_ledgers(ledgers: dict) -> None:
    for side, led in ledgers.items():
        excluded = ", ".join(f"{r} {n}" for r, n in led.exclusion_counts().items() if n) or "none"
        print(f"  {side}: {led.rows_in} rows in, {led.rows_used} used; left out: {excluded}")
        for note in led.reader_notes:
            print(f"    not a survey row: {note}")
        for col in led.columns:
            problems = {r: n for r, n in col.missing.items() if n and r != "blank"}
            if col.unknown_labels:
                problems["unknown labels"] = ", ".join(repr(k) for k in col.unknown_labels)
            if problems:
                print(f"    {col.name} ({col.column}): " + "; ".join(f"{k} {v}" for k, v in problems.items()))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="mirrorgap", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    for name, text in (("run", "run one engagement"), ("check", "validate params and data, no analysis"),
                       ("new", "start a new client engagement")):
        p = sub.add_parser(name, help=text)
        p.add_argument("client", help="the params file's name, e.g. demo for params/demo.yaml")
    args = parser.parse_args(argv)
    return exit_code(lambda: _command(args))


def _command(args) -> None:
    if args.command == "new":
        target = new_client(args.client)
        print(f"wrote {_rel(target)} and data/{args.client}/ — put the survey files there, edit the params, "
              f"then `make check CLIENT={args.client}`")
    elif args.command == "check":
        from mirrorgap.run.engagement import check
        engagement, ledgers = check(params_path(args.client))
        print(f"{engagement.client}: params and data are usable")
        _print_ledgers(ledgers)
    else:
        from mirrorgap.deliver.missing import missing_deliverables
        from mirrorgap.run.engagement import run_engagement
        run_dir = run_engagement(args.client)
        print(f"report: {_rel(run_dir / 'report.html')}")
        print(f"all outputs: {_rel(run_dir)}/  (latest: {_rel(run_dir.parent / 'latest')})")
        for name, reason in missing_deliverables(run_dir).items():
            print(f"note: {name} was not made — {reason}")


if __name__ == "__main__":
    sys.exit(main())
