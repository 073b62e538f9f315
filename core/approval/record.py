"""The approval record: canonical content, its SHA-256 hashes, which signatures count, and the
offline check of an exported record (``redline verify-record``).

Everything hashed is canonical JSON: keys sorted, no spaces, UTF-8, floats as Python writes
them (the shortest text that reads back to the same number), so any tool that parses the record
can recompute every hash. A red-line version hashes its parcels (sorted by number) with their
GeoJSON geometry in the zone's coordinates; the case content hashes the case's fields, forms
and the current red-line version's hash; a signature hashes what was signed: the case, the
stage, the signer, the text, the time and the content hash of that moment. A signature counts
while the content is still the one signed.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass

RECORD_FORMAT = "redline-record/1"
CONTENT_FIELDS = ("number", "business_code", "district", "applicant", "location",
                  "project_tag", "forms")
PARCEL_FIELDS = ("number", "name", "use", "crs", "declared_area_m2", "geometry")

# the three-signature chain (三级审签): who signs in which stage, in this order
DEFAULT_SIGNATURES = [
    {"role": "handler", "stage": "first_review"},
    {"role": "section_chief", "stage": "review"},
    {"role": "chief_representative", "stage": "decision"},
]


_OPTIONS = {"sort_keys": True, "separators": (",", ":"), "ensure_ascii": False,
            "allow_nan": False}
_CHUNK = 2048  # vertices per json.dumps call


def canonical(value) -> bytes:
    """The bytes of ``json.dumps(value, sort_keys=True, separators=(",", ":"),
    ensure_ascii=False)``, made piece by piece: one C call over a 27 MB red line holds the
    GIL 0.7 s and stalls every other request of the server's worker (a test compares both)."""
    return _pieces(value).encode("utf-8")


def _pieces(value) -> str:
    if isinstance(value, dict) and value and all(isinstance(k, str) for k in value):
        return "{" + ",".join(f"{json.dumps(k, ensure_ascii=False)}:{_pieces(v)}"
                              for k, v in sorted(value.items())) + "}"
    if isinstance(value, list | tuple) and value:
        if isinstance(value[0], list | tuple) and value[0] \
                and not isinstance(value[0][0], dict | list | tuple):
            # a ring of vertices: dumped in slices, each without its brackets
            return "[" + ",".join(json.dumps(value[i:i + _CHUNK], **_OPTIONS)[1:-1]
                                  for i in range(0, len(value), _CHUNK)) + "]"
        return "[" + ",".join(_pieces(v) for v in value) + "]"
    return json.dumps(value, **_OPTIONS)


def sha256(value) -> str:
    return hashlib.sha256(canonical(value)).hexdigest()


def redline_sha256(parcels: list[dict]) -> str:
    """The hash of a red-line version: its parcels' own fields, by parcel number."""
    rows = sorted(({k: p.get(k) for k in PARCEL_FIELDS} for p in parcels),
                  key=lambda p: str(p["number"]))
    return sha256(rows)


def content_sha256(case: dict, redline_hash: str) -> str:
    """The hash of what a signature vouches for: the case's fields and forms and its red line."""
    return sha256({**{k: case.get(k) for k in CONTENT_FIELDS}, "redline_sha256": redline_hash})


def signature_sha256(number: str, stage: str, author: str, signer_role: str | None, text: str,
                     created: str, content_hash: str) -> str:
    return sha256({"case": number, "stage": stage, "author": author, "signer_role": signer_role,
                   "text": text, "created": created, "content_sha256": content_hash})


@dataclass
class SignatureCheck:
    counts: bool
    why: str  # why it does not count ('' when it does)


def check_signatures(opinions: list[dict], chain: list[dict], current_content: str
                     ) -> list[SignatureCheck]:
    """For each opinion (in the order given, oldest first): does its signature count?

    A signature counts when it is signed, by the role the chain names for the stage it was
    given in, on the content as it still is, by a user who has no other counting signature in
    the chain, and after the signature of the chain's previous step."""
    out: list[SignatureCheck] = []
    counted: dict[str, dict] = {}  # chain role -> the counting opinion
    role_at = {step["stage"]: step["role"] for step in chain}
    order = [step["role"] for step in chain]
    for o in opinions:
        if not o.get("signed"):
            out.append(SignatureCheck(False, "not signed"))
            continue
        wanted = role_at.get(o.get("stage"))
        if wanted is None:
            out.append(SignatureCheck(False, f"stage {o.get('stage')} needs no signature"))
            continue
        if o.get("signer_role") != wanted:
            out.append(SignatureCheck(False, f"stage {o.get('stage')} is signed by the "
                                             f"{wanted}, not the {o.get('signer_role')}"))
            continue
        if o.get("content_sha256") != current_content:
            out.append(SignatureCheck(False, "the case changed after it was signed"))
            continue
        step = order.index(wanted)
        if step and order[step - 1] not in counted:
            out.append(SignatureCheck(False, f"signed before the {order[step - 1]}"))
            continue
        if any(c["author"] == o.get("author") for r, c in counted.items() if r != wanted):
            out.append(SignatureCheck(False, f"{o.get('author')} already signed as another "
                                             "step of the chain"))
            continue
        counted[wanted] = o
        out.append(SignatureCheck(True, ""))
    return out


def verify_record(record: dict) -> list[str]:
    """Every way an exported record disagrees with itself: hashes of versions, content,
    signatures and the whole record, areas against the coordinates. Empty when it is intact."""
    from shapely.geometry import shape

    from ..redline.area import planar_area

    problems: list[str] = []
    if record.get("format") != RECORD_FORMAT:
        return [f"not a {RECORD_FORMAT} record (format {record.get('format')!r})"]
    body = {k: v for k, v in record.items() if k != "record_sha256"}
    if sha256(body) != record.get("record_sha256"):
        problems.append("record_sha256 does not match the record's content: it was changed "
                        "after export")
    versions = record.get("redline_versions", [])
    for v in versions:
        got = redline_sha256(v.get("parcels", []))
        if got != v.get("sha256"):
            problems.append(f"red-line version {v.get('version')}: sha256 {v.get('sha256')} "
                            f"stated, {got} computed from its parcels")
        for p in v.get("parcels", []):
            try:
                area = planar_area(shape(p["geometry"]))
            except (KeyError, TypeError, ValueError, AttributeError) as exc:
                problems.append(f"red-line version {v.get('version')}, parcel {p.get('number')}: "
                                f"geometry unreadable ({exc})")
                continue
            stated = p.get("planar_area_m2")
            if stated is not None and abs(area - stated) > 0.01:
                problems.append(f"red-line version {v.get('version')}, parcel {p.get('number')}: "
                                f"planar area {stated} m² stated, {area:.2f} m² from the "
                                "coordinates")
    case = record.get("case", {})
    current = next((v for v in versions if v.get("version") == case.get("redline_version")),
                   None)
    redline_hash = current["sha256"] if current else redline_sha256([])
    content = content_sha256(case, redline_hash)
    if content != record.get("content_sha256"):
        problems.append(f"content_sha256 {record.get('content_sha256')} stated, {content} "
                        "computed from the case and its current red line")
    signatures = record.get("signatures", [])
    for i, s in enumerate(signatures, start=1):
        got = signature_sha256(case.get("number"), s.get("stage"), s.get("author"),
                               s.get("signer_role"), s.get("text"), s.get("created"),
                               s.get("content_sha256"))
        if got != s.get("signed_sha256"):
            problems.append(f"signature {i} ({s.get('author')}, {s.get('stage')}): signed_sha256 "
                            "does not match what it says was signed")
    checks = check_signatures(signatures, record.get("signature_chain", DEFAULT_SIGNATURES),
                              content)
    for i, (s, c) in enumerate(zip(signatures, checks, strict=True), start=1):
        if bool(s.get("counts")) != c.counts:
            problems.append(f"signature {i} ({s.get('author')}, {s.get('stage')}): the record "
                            f"says it {'counts' if s.get('counts') else 'does not count'}, the "
                            f"check says {'it counts' if c.counts else 'not: ' + c.why}")
    return problems
