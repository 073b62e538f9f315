"""``redline serve``: migrate the database, then serve the API (gunicorn; Flask's server only
with --debug)."""

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
    p.add_argument("--debug", action="store_true", help="Flask's development server")
    p.set_defaults(func=cmd_serve)


def cmd_serve(args) -> int:
    from ..server_api.app import create_app, init_database
    from ..server_api.config import load_config

    overrides = {"DATABASE_URL": args.database} if args.database else {}
    config = load_config(overrides)
    init_database(config)
    print(f"redline server on http://{args.host}:{args.port}/api/v1 "
          f"(database {config['DATABASE_URL'].split('@')[-1]})", flush=True)
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
            self.cfg.set("accesslog", "-")

        def load(self):
            return create_app(overrides, init=False)

    Server().run()
    return 0
