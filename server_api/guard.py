"""What every request passes before a handler sees it: JSON nesting depth, NUL bytes and lone
surrogates in text (PostgreSQL refuses the first, UTF-8 cannot hold the second), in the body,
the query and the path. Refused with 422 (400 for JSON that is not JSON), never a 500.

The scans run on the raw bytes at C speed (regular expressions, numpy): a 16 MB red line is
checked in milliseconds, and only bodies that contain escapes of NUL or surrogates are parsed
to find out exactly."""

from __future__ import annotations

import json
import re

import numpy as np
from flask import request

from .errors import ApiError

MAX_DEPTH = 32
_STRINGS = re.compile(rb'"(?:[^"\\]|\\.)*"', re.S)
_RISKY = re.compile(rb"\\u(?:0000|[dD][89a-fA-F][0-9a-fA-F]{2})")
_NOT_BRACKETS = bytes(c for c in range(256) if c not in b"[]{}")


def json_depth(data: bytes) -> int:
    """The nesting depth of a JSON text (strings ignored), without parsing it."""
    skeleton = _STRINGS.sub(b'""', data).translate(None, delete=_NOT_BRACKETS)
    if not skeleton:
        return 0
    codes = np.frombuffer(skeleton, dtype=np.uint8)
    steps = np.where((codes == ord("[")) | (codes == ord("{")), 1, -1)
    return int(np.cumsum(steps).max())


def bad_text(value) -> str | None:
    """Where in a parsed JSON value a text holds NUL or a lone surrogate (a path), or None."""
    stack = [("", value)]
    while stack:
        path, v = stack.pop()
        if isinstance(v, str):
            if "\x00" in v:
                return f"{path or 'text'}: contains a NUL character"
            try:
                v.encode("utf-8")
            except UnicodeEncodeError:
                return f"{path or 'text'}: contains a lone UTF-16 surrogate"
        elif isinstance(v, dict):
            for k, item in v.items():
                stack.append((f"{path}.{k}" if path else str(k), k))
                stack.append((f"{path}.{k}" if path else str(k), item))
        elif isinstance(v, list):
            stack.extend((f"{path}[{i}]", item) for i, item in enumerate(v))
    return None


def check_request() -> None:
    for where, text in [("path", request.path), *((f"query {k}", v)
                                                  for k, vs in request.args.lists()
                                                  for v in [k, *vs])]:
        problem = bad_text(text)
        if problem:
            raise ApiError(422, "Invalid text", f"{where}: {problem.split(': ', 1)[1]}")
    if request.method not in ("POST", "PUT", "PATCH") or not request.is_json:
        return
    data = request.get_data(cache=True)
    depth = json_depth(data)
    if depth > MAX_DEPTH:
        raise ApiError(422, "JSON nested too deep",
                       f"the body nests {depth} levels; at most {MAX_DEPTH} are accepted")
    if _RISKY.search(data):
        try:
            value = json.loads(data)  # not orjson: it refuses lone surrogates unnamed
        except ValueError:
            return  # not JSON: the handler's parser answers 400
        problem = bad_text(value)
        if problem:
            raise ApiError(422, "Invalid text", problem)
