"""JSON in and out of the server through orjson.

A case of 100 parcels × 10 000 vertices is 27 MB of JSON. The standard library parses it in one
C call of 0.7 s and writes it in another 0.7 s, both holding the GIL: every other request of the
same gunicorn worker stops meanwhile (a user's small save waited up to 1.8 s). orjson does the
same work in a tenth of the time. Hashes of the approval record do not come from here: they
need Python's own float text (``core.approval.record.canonical``).
"""

from __future__ import annotations

from typing import Any

import orjson
from flask.json.provider import JSONProvider
from flask_smorest import Blueprint as _Blueprint
from webargs import core
from webargs.flaskparser import FlaskParser, is_json_request

from . import gcpause

_OPTIONS = orjson.OPT_NON_STR_KEYS | orjson.OPT_SERIALIZE_NUMPY | orjson.OPT_PASSTHROUGH_DATETIME


def _default(value: Any) -> Any:
    if isinstance(value, float):  # subclasses orjson does not take as floats
        return float(value)
    return str(value)  # dates included, as str() writes them


def dumps(value: Any) -> bytes:
    """UTF-8 JSON, non-ASCII kept as is (what ``ensure_ascii=False`` gave)."""
    return orjson.dumps(value, default=_default, option=_OPTIONS)


def loads(data: bytes | str) -> Any:
    """Raises ``json.JSONDecodeError`` (orjson's error is one) on invalid JSON or UTF-8. A number
    beyond 64-bit integers is read as a float, as JavaScript clients read it."""
    if len(data) <= gcpause.BIG_BYTES:
        return orjson.loads(data)
    with gcpause.paused():  # a stored big red line read back
        return orjson.loads(data)


class OrjsonProvider(JSONProvider):
    """``flask.json`` / ``request.get_json`` / ``jsonify`` through orjson."""

    def dumps(self, obj: Any, **_kwargs: Any) -> str:
        return dumps(obj).decode("utf-8")

    def loads(self, s: str | bytes, **_kwargs: Any) -> Any:
        return loads(s)

    def response(self, *args: Any, **kwargs: Any):
        value = args[0] if len(args) == 1 else (args or kwargs)
        return self._app.response_class(dumps(value), mimetype="application/json")


class _Parser(FlaskParser):
    def _raw_load_json(self, req):
        if not is_json_request(req):
            return core.missing
        return loads(req.get_data(cache=True))


class Blueprint(_Blueprint):
    """flask-smorest's blueprint whose request bodies are parsed by orjson."""

    ARGUMENTS_PARSER = _Parser()
