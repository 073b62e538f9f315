"""``redline serve`` (migrate the database, then serve the API: gunicorn, Flask's server only
with --debug), ``redline admin set-password`` and ``redline verify-record``."""

from __future__ import annotations

import argparse
import os


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("serve", help="run the approval server (migrates the database first)")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=5000)
    p.add_argument("--workers", type=int, default=max(2, (os.cpu_count() or 1) * 2))
    p.add_argument("--database", help="database URL (default: REDLINE_DATABASE_URL or a SQLite "
                   "file in the user's data folder)")
    p.add_argument("--demo", action="store_true", help="demo mode: one user per role "
                   "(password redline-demo) and admin/admin; never for a real bureau")
    p.add_argument("--access-log", metavar="FILE", help="write gunicorn's access log there "
                   "('-': standard output); off by default, as in gunicorn (every change is in "
                   "the audit trail; a log line costs about 5 %% of a read's throughput)")
    p.add_argument("--debug", action="store_true", help="Flask's development server")
    p.set_defaults(func=cmd_serve)

    a = sub.add_parser("admin", help="server administration from the shell")
    asub = a.add_subparsers(dest="admin_command", metavar="ADMIN_COMMAND", required=True)
    sp = asub.add_parser("set-password", help="set the admin's password (prompted, or "
                         "REDLINE_ADMIN_PASSWORD)")
    sp.add_argument("--database", help="database URL (default as for serve)")
    sp.set_defaults(func=cmd_set_password)

    v = sub.add_parser("verify-record", help="check an exported approval record "
                       "(GET /cases/N/record) offline: every hash and area; exit 1 on a mismatch")
    v.add_argument("record", help="the record's JSON file")
    v.set_defaults(func=cmd_verify_record)


def _overrides(args) -> dict:
    out = {"DATABASE_URL": args.database} if getattr(args, "database", None) else {}
    if getattr(args, "demo", False):
        out["DEMO"] = True
    return out


def cmd_serve(args) -> int:
    from ..server_api.app import create_app, init_database
    from ..server_api.config import load_config

    overrides = _overrides(args)
    config = load_config(overrides)
    init_database(config)
    print(f"redline server on http://{args.host}:{args.port}/api/v1 "
          f"(database {config['DATABASE_URL'].split('@')[-1]}"
          f"{', DEMO users' if config['DEMO'] else ''})", flush=True)
    if args.debug:
        create_app(overrides, init=False).run(args.host, args.port, debug=True)
        return 0
    from gunicorn.app.base import BaseApplication

    class Server(BaseApplication):
        def load_config(self):
            self.cfg.set("bind", f"{args.host}:{args.port}")
            self.cfg.set("workers", args.workers)
            self.cfg.set("worker_class", "gthread")
            self.cfg.set("threads", 4)
            if args.access_log:
                self.cfg.set("accesslog", args.access_log)
            self.cfg.set("post_worker_init", _worker_init)

        def load(self):
            return create_app(overrides, init=False)

    Server().run()
    return 0


def _worker_init(_worker) -> None:
    """A request's thread gives the GIL up at every database call and waits for it again; with
    a thread of the same worker busy on a big red line, that wait is the switch interval (5 ms
    by default) each time: dozens of calls made a small save wait most of a second.

    The ~145 000 objects of the loaded application never die: frozen, the collector's full
    passes no longer walk them (one took 40 ms every few hundred creates)."""
    import gc
    import sys

    sys.setswitchinterval(0.0005)
    gc.freeze()


def cmd_set_password(args) -> int:
    import getpass

    from ..server_api.config import load_config
    from ..server_api.db import make_engine, make_sessionmaker
    from ..server_api.migrate import upgrade
    from ..server_api.seed import set_admin_password

    config = load_config(_overrides(args))
    password = os.environ.get("REDLINE_ADMIN_PASSWORD") or getpass.getpass("new admin password: ")
    upgrade(config["DATABASE_URL"])
    engine = make_engine(config["DATABASE_URL"], immediate=True)
    try:
        with make_sessionmaker(engine)() as session:
            set_admin_password(session, password)
    finally:
        engine.dispose()
    print("admin password set")
    return 0


def cmd_verify_record(args) -> int:
    import json

    from ..core.approval.record import verify_record
    from ..core.errors import RedlineFormatError

    try:
        with open(args.record, encoding="utf-8") as fh:
            record = json.load(fh)
    except (OSError, ValueError) as exc:
        raise RedlineFormatError(args.record, None, f"not a readable JSON record: {exc}") from exc
    problems = verify_record(record)
    case = record.get("case", {}).get("number")
    if problems:
        print(f"{args.record}: record of case {case} does NOT verify:")
        for p in problems:
            print(f"  - {p}")
        return 1
    counted = sum(1 for s in record.get("signatures", []) if s.get("counts"))
    print(f"{args.record}: record of case {case} verifies: {len(record.get('redline_versions', []))} "
          f"red-line version(s), {counted} counting signature(s), every hash and area matches")
    return 0
