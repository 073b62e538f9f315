"""``redline sync``: push the local store's pending operations and pull the server's changes,
for data staff's scripts. The password comes from REDLINE_PASSWORD or a prompt, never argv."""

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
    p.set_defaults(func=cmd_sync)


def cmd_sync(args) -> int:
    from ..core.store.local_store import LocalStore
    from ..core.sync.client import ApiClient
    from ..core.sync.engine import sync

    password = os.environ.get("REDLINE_PASSWORD") or getpass.getpass(f"{args.user}'s password: ")
    store = LocalStore(args.store, args.crs)
    try:
        def progress(pct, what):
            if sys.stderr.isatty():
                print(f"\r{pct:5.1f}% {what[:50]:50}", end="", file=sys.stderr, flush=True)

        with ApiClient(args.server) as client:
            client.login(args.user, password)
            report = sync(store, client, progress)
        print(report.summary())
        for old, new in report.renamed.items():
            print(f"  {old} -> {new}")
        return 1 if report.conflicts or report.failed or report.offline else 0
    finally:
        store.close()
