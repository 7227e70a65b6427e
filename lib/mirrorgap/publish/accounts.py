"""The host's accounts: who may log in to which client's dashboard, and limited to which unit.

    python -m mirrorgap.publish.accounts [--file F] add <client> <user> [--unit NAME] [--password-stdin]
    python -m mirrorgap.publish.accounts [--file F] list [<client>]
    python -m mirrorgap.publish.accounts [--file F] revoke <client> <user>

One JSON file (default dist/accounts.json, beside the bundles, never inside one): per client, per
user, an argon2id hash (argon2-cffi) and the unit scope. Plain passwords are never written. `add`
checks the client's bundle exists and the unit is one of its units.
"""
from __future__ import annotations

import argparse
import getpass
import json
import os
import re
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from mirrorgap.errors import DashboardError, exit_code
from mirrorgap.publish.bundle import DIST_DIR
from mirrorgap.publish.serve_bundle import bundle_units

DEFAULT_FILE = DIST_DIR / "accounts.json"
MIN_PASSWORD = 12
_USER = re.compile(r"[A-Za-z0-9._@-]{1,64}")
_hasher = PasswordHasher()
# verifying an unknown user costs what a known one does, so timing does not tell which users exist
_DUMMY = _hasher.hash("not a password of anyone")


@dataclass(frozen=True)
class Account:
    client: str
    user: str
    unit: str  # "" = the whole company


class Accounts:
    """The accounts file, re-read when it changes (a revoked account is out on its next request)."""

    def __init__(self, path: Path):
        self.path, self._stamp, self._data = Path(path), None, {}

    def _load(self) -> dict:
        try:
            stat = self.path.stat()
        except FileNotFoundError:
            self._stamp, self._data = None, {}
            return self._data
        stamp = (stat.st_mtime_ns, stat.st_size)
        if stamp != self._stamp:
            self._data, self._stamp = json.loads(self.path.read_text(encoding="utf-8") or "{}"), stamp
        return self._data

    def _save(self, data: dict) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=self.path.parent, prefix=".accounts-")
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            json.dump(data, f, indent=2, ensure_ascii=False)
        os.chmod(tmp, 0o600)
        os.replace(tmp, self.path)  # readers see the old file or the new one, never half of it

    def get(self, client: str, user: str) -> Account | None:
        entry = self._load().get(client, {}).get(user)
        return Account(client, user, entry.get("unit", "")) if entry else None

    def verify(self, client: str, user: str, password: str) -> Account | None:
        """The account when `password` is right, else None (same work for unknown users)."""
        entry = self._load().get(client, {}).get(user)
        try:
            _hasher.verify(entry["hash"] if entry else _DUMMY, password)
        except (VerificationError, InvalidHashError):
            return None
        return Account(client, user, entry.get("unit", "")) if entry else None

    def add(self, client: str, user: str, password: str, *, unit: str = "", units=None) -> Account:
        """Add or replace an account. units: the client's units (from its bundle) the unit must be one of."""
        if not _USER.fullmatch(user):
            raise DashboardError(f"{user!r}: a user name is 1-64 letters, digits or . _ @ -")
        if len(password) < MIN_PASSWORD:
            raise DashboardError(f"the password of {user} is shorter than {MIN_PASSWORD} characters; choose a longer one")
        if unit and units is not None and unit not in units:
            raise DashboardError(f"{client}: no unit {unit!r} in its bundle; the units are: {', '.join(units)}")
        data = json.loads(json.dumps(self._load()))
        data.setdefault(client, {})[user] = {"hash": _hasher.hash(password), "unit": unit}
        self._save(data)
        return Account(client, user, unit)

    def revoke(self, client: str, user: str) -> None:
        data = json.loads(json.dumps(self._load()))
        if user not in data.get(client, {}):
            raise DashboardError(f"{client}: no account {user!r} in {self.path}")
        del data[client][user]
        self._save({c: u for c, u in data.items() if u})

    def list(self, client: str | None = None) -> list[Account]:
        return [Account(c, u, e.get("unit", "")) for c, users in sorted(self._load().items())
                if client in (None, c) for u, e in sorted(users.items())]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m mirrorgap.publish.accounts", description=__doc__.split("\n")[0])
    parser.add_argument("--file", type=Path, default=DEFAULT_FILE, help="the accounts file (default %(default)s)")
    parser.add_argument("--bundles", type=Path, default=DIST_DIR, help="where the bundles are (default dist/)")
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("add", help="add an account (or set a new password)")
    p.add_argument("client")
    p.add_argument("user")
    p.add_argument("--unit", default="", help="limit the account to one unit of the client's bundle")
    p.add_argument("--password-stdin", action="store_true", help="read the password from stdin (scripts)")
    p = sub.add_parser("list", help="list accounts (never passwords)")
    p.add_argument("client", nargs="?")
    p = sub.add_parser("revoke", help="remove an account; its sessions end on their next request")
    p.add_argument("client")
    p.add_argument("user")
    args = parser.parse_args(argv)
    accounts = Accounts(args.file)

    def run() -> None:
        if args.command == "add":
            bundle = args.bundles / args.client
            if not (bundle / "page.json").is_file():
                raise DashboardError(f"{args.client}: no bundle in {args.bundles}; run `make publish CLIENT={args.client}`")
            password = sys.stdin.readline().rstrip("\n") if args.password_stdin else getpass.getpass("password: ")
            account = accounts.add(args.client, args.user, password, unit=args.unit, units=bundle_units(bundle))
            print(f"{account.client}/{account.user}: added" + (f", limited to {account.unit}" if account.unit else ""))
        elif args.command == "list":
            for a in accounts.list(args.client):
                print(f"{a.client}\t{a.user}\t{a.unit or '(whole company)'}")
        else:
            accounts.revoke(args.client, args.user)
            print(f"{args.client}/{args.user}: revoked")

    return exit_code(run)


if __name__ == "__main__":
    sys.exit(main())
