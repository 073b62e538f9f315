"""``redline``: entry point; each capability adds its sub-commands from its own module."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from .. import __version__
from ..core.errors import RedlineError
from . import check_commands, geodesy_commands, redline_commands, serve_commands, sync_commands

EXIT_BAD_INPUT = 2


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="redline",
        description="RedLine Approval: CGCS2000 conversion, red-line files, areas and checks.",
    )
    parser.add_argument("--version", action="version", version=f"redline {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for module in (geodesy_commands, redline_commands, check_commands, serve_commands,
                   sync_commands):
        module.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 0
    try:
        return int(args.func(args) or 0)
    except RedlineError as exc:
        print(f"redline {args.command}: error: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
