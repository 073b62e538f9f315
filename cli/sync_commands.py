"""``redline sync``: push the local store's pending operations and pull the server's changes,
for data staff's scripts; and what to do with what the server refused. The password comes from
REDLINE_PASSWORD or a prompt, never argv. Exit 1 while refusals, conflicts, removed cases or
unsent changes remain."""

from __future__ import annotations

import argparse
import getpass
import os
import sys


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("sync", help="sync a local case store with the approval server")
    p.add_argument("store", help="local store (GeoPackage; created when missing)")
    p.add_argument("--server", required=True, help="server URL, e.g. http://127.0.0.1:5000")
    p.add_argument("--user", required=True)
    p.add_argument("--crs", default="EPSG:4526", help="CRS of a new store (CGCS2000 zone)")
    p.add_argument("--retry", metavar="CASE", action="append", default=[],
                   help="send the case's refused operations again")
    p.add_argument("--discard", metavar="CASE", action="append", default=[],
                   help="drop the case's unsent, refused and conflicting changes")
    p.add_argument("--keep-as-new", metavar="CASE", action="append", default=[],
                   help="register a case removed on the server again, with the local content")
    p.add_argument("--drop", metavar="CASE", action="append", default=[],
                   help="forget a case removed on the server, with its local changes")
    p.add_argument("--confirm-new", metavar="CASE", action="append", default=[],
                   help="a new case that looks like an existing one is a different case")
    p.set_defaults(func=cmd_sync)


def cmd_sync(args) -> int:
    from ..core.store.local_store import LocalStore
    from ..core.sync.client import ApiClient
    from ..core.sync.engine import sync

    password = os.environ.get("REDLINE_PASSWORD") or getpass.getpass(f"{args.user}'s password: ")
    store = LocalStore(args.store, args.crs)
    try:
        for number in args.retry:
            print(f"{number}: {store.retry(number)} refused operation(s) to send again")
        for number in args.discard:
            store.discard(number)
            print(f"{number}: local changes discarded")
        for number in args.keep_as_new:
            print(f"{number}: registered again as {store.keep_as_new(number)}")
        for number in args.drop:
            store.drop(number)
            print(f"{number}: dropped")
        for number in args.confirm_new:
            store.set_state(f"duplicate_ok:{number}", True)

        def progress(pct, what):
            if sys.stderr.isatty():
                print(f"\r{pct:5.1f}% {what[:50]:50}", end="", file=sys.stderr, flush=True)

        with ApiClient(args.server) as client:
            client.login(args.user, password)
            report = sync(store, client, progress)
        print(report.summary())
        for old, new in report.renamed.items():
            print(f"  {old} -> {new}")
        if report.failed:
            print("refused (fix and --retry CASE, edit again, or --discard CASE):")
            for line in report.failed:
                print(f"  {line}")
        if report.conflicts:
            print(f"conflicts (resolve in the plugin): {', '.join(report.conflicts)}")
        return 1 if report.outstanding else 0
    finally:
        store.close()
