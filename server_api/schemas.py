"""Request and response schemas (marshmallow): they validate input and generate the OpenAPI
document."""

from __future__ import annotations

from marshmallow import EXCLUDE, Schema, fields, validate


class Base(Schema):
    class Meta:
        unknown = EXCLUDE
        ordered = True


class Strict(Schema):
    class Meta:
        ordered = True


def timestamp(**kw):
    """A time with its zone, as the server writes every one (ISO 8601, UTC)."""
    return fields.String(metadata={"format": "date-time",
                                   "example": "2026-11-29T08:00:00+00:00"}, **kw)


class Problem(Schema):
    """Every error (RFC 9457 problem details, application/problem+json)."""

    type = fields.String(metadata={"example": "about:blank"})
    title = fields.String()
    status = fields.Integer()
    detail = fields.String()
    errors = fields.Raw(metadata={"description": "per field, when input was invalid"})
    violations = fields.List(fields.Dict(), metadata={"description": "rules that block"})
    findings = fields.List(fields.Dict(), metadata={"description": "red-line findings"})
    current = fields.Dict(metadata={"description": "the case as it is now (412)"})


class LoginIn(Strict):
    username = fields.String(required=True, validate=validate.Length(1, 64))
    password = fields.String(required=True, validate=validate.Length(1, 200))


class PasswordIn(Strict):
    old_password = fields.String(required=True, validate=validate.Length(1, 200))
    new_password = fields.String(required=True, validate=validate.Length(10, 200))


class UserOut(Base):
    username = fields.String()
    display_name = fields.String()
    role = fields.String()
    district = fields.String(allow_none=True)
    signer_role = fields.String(allow_none=True)
    active = fields.Boolean()


class TokenOut(Base):
    token = fields.String()
    expires = timestamp()
    user = fields.Nested(UserOut)


class ParcelIn(Strict):
    number = fields.String(required=True, validate=validate.Length(1, 50))
    name = fields.String(load_default="", validate=validate.Length(0, 200))
    crs = fields.String(required=True, metadata={"example": "EPSG:4526"},
                        validate=validate.Regexp(r"^EPSG:\d{4,5}$"))
    geometry = fields.Dict(required=True, metadata={"description": "GeoJSON (Multi)Polygon, "
                                                    "easting first, in `crs`"})
    declared_area_m2 = fields.Float(allow_none=True, load_default=None,
                                    validate=validate.Range(min=0, max=1e11))
    use = fields.String(allow_none=True, load_default=None, validate=validate.Length(0, 100),
                        metadata={"description": "地块用途 (intended use), e.g. 工业用地"})


class ParcelsIn(Strict):
    parcels = fields.List(fields.Nested(ParcelIn), required=True,
                          validate=validate.Length(max=500))
    reason = fields.String(load_default="", validate=validate.Length(0, 2000),
                           metadata={"description": "why the red line changes (kept with the "
                                     "new version)"})


class ParcelOut(Base):
    number = fields.String()
    name = fields.String()
    crs = fields.String()
    geometry = fields.Dict(metadata={"description": "only with ?include=geometry in lists"})
    declared_area_m2 = fields.Float(allow_none=True)
    use = fields.String(allow_none=True)
    planar_area_m2 = fields.Float()
    ellipsoidal_area_m2 = fields.Float()
    hectares = fields.Float()
    mu = fields.Float()
    valid = fields.Boolean()
    findings = fields.List(fields.Dict())


class OpinionIn(Strict):
    text = fields.String(required=True, validate=validate.Length(1, 5000))
    signed = fields.Boolean(load_default=False)


class OpinionOut(Base):
    stage = fields.String()
    author = fields.String(allow_none=True)
    signer_role = fields.String(allow_none=True)
    signed = fields.Boolean()
    text = fields.String()
    created = timestamp()


class AttachmentIn(Strict):
    name = fields.String(required=True, validate=validate.Length(1, 200))
    kind = fields.String(load_default="", validate=validate.Length(0, 50))
    size = fields.Integer(required=True, validate=validate.Range(min=0, max=10**12))
    sha256 = fields.String(required=True, validate=validate.Regexp(r"^[0-9a-f]{64}$"))


class AttachmentOut(Base):
    name = fields.String()
    kind = fields.String()
    size = fields.Integer()
    sha256 = fields.String()
    created = timestamp()


FORMS = fields.Dict(metadata={"description": "application / indicator / approval forms, "
                              "validated by the business type's JSON Schema"})


class CaseIn(Strict):
    business_code = fields.String(required=True, validate=validate.Regexp(r"^[A-Z]{2}$"))
    district = fields.String(required=True, validate=validate.Regexp(r"^[A-Z]{2}$"))
    applicant = fields.String(required=True, validate=validate.Length(1, 200))
    location = fields.String(load_default="", validate=validate.Length(0, 300))
    project_tag = fields.String(allow_none=True, load_default=None,
                                validate=validate.Length(1, 64))
    forms = fields.Dict(load_default=dict)
    parcels = fields.List(fields.Nested(ParcelIn), load_default=list,
                          validate=validate.Length(max=500))


class CasePatch(Strict):
    applicant = fields.String(validate=validate.Length(1, 200))
    location = fields.String(validate=validate.Length(0, 300))
    project_tag = fields.String(allow_none=True, validate=validate.Length(1, 64))
    forms = fields.Dict()
    handler = fields.String(allow_none=True, validate=validate.Length(1, 64))


class DeadlineOut(Base):
    due = fields.String()
    used_working_days = fields.Integer()
    remaining_working_days = fields.Integer()
    status = fields.String()


class CaseOut(Base):
    number = fields.String()
    business_code = fields.String()
    business_name = fields.String()
    district = fields.String()
    applicant = fields.String()
    location = fields.String()
    project_tag = fields.String(allow_none=True)
    forms = fields.Dict()
    stage = fields.String()
    stage_name = fields.String()
    section = fields.String(allow_none=True)
    handler = fields.String(allow_none=True)
    workflow_version = fields.Integer()
    accepted_on = fields.String(allow_none=True)
    extension_days = fields.Integer()
    deadline = fields.Nested(DeadlineOut, allow_none=True)
    version = fields.Integer()
    revision = fields.Integer()
    redline_version = fields.Integer(metadata={"description": "0 before the first red line"})
    editable = fields.Boolean(metadata={"description": "the stage allows red-line and form "
                                        "changes"})
    created = timestamp()
    updated = timestamp()
    parcels = fields.List(fields.Nested(ParcelOut))
    opinions = fields.List(fields.Nested(OpinionOut))
    attachments = fields.List(fields.Nested(AttachmentOut))
    transitions = fields.List(fields.String(), metadata={"description": "possible next steps"})


class CaseListArgs(Base):
    number = fields.String(validate=validate.Length(1, 12))
    applicant = fields.String(validate=validate.Length(1, 200))
    business_code = fields.String(validate=validate.Regexp(r"^[A-Z]{2}$"))
    stage = fields.String(validate=validate.Length(1, 32))
    district = fields.String(validate=validate.Regexp(r"^[A-Z]{2}$"))
    project_tag = fields.String(validate=validate.Length(1, 64))
    overdue = fields.Boolean()
    bbox = fields.String(metadata={"description": "minlon,minlat,maxlon,maxlat (CGCS2000)"},
                         validate=lambda v: _bbox_ok(v))
    include = fields.String(validate=validate.OneOf(["geometry"]),
                            metadata={"description": "geometry: the parcels' coordinates too"})
    limit = fields.Integer(load_default=50, validate=validate.Range(1, 500))
    offset = fields.Integer(load_default=0, validate=validate.Range(0, 10**9))


class CaseListOut(Base):
    total = fields.Integer()
    cases = fields.List(fields.Nested(CaseOut))


class TransitionIn(Strict):
    transition = fields.String(required=True, validate=validate.Length(1, 50))
    reason = fields.String(load_default="", validate=validate.Length(0, 2000))
    days = fields.Integer(load_default=0, validate=validate.Range(0, 365))


class DryRunOut(Base):
    allowed = fields.Boolean()
    target_stage = fields.String(allow_none=True)
    violations = fields.List(fields.Dict())


class ChangesArgs(Base):
    since = fields.Integer(load_default=0, validate=validate.Range(0, 2**62))
    limit = fields.Integer(load_default=500, validate=validate.Range(1, 5000))


class ChangeOut(Base):
    revision = fields.Integer()
    op = fields.String()
    number = fields.String()
    case = fields.Nested(CaseOut, allow_none=True)


class ChangesOut(Base):
    changes = fields.List(fields.Nested(ChangeOut))
    last_revision = fields.Integer()
    more = fields.Boolean()


class AuditOut(Base):
    at = timestamp()
    user = fields.String(allow_none=True)
    action = fields.String()
    detail = fields.Dict()


class StatsArgs(Base):
    start = fields.Date(data_key="from", required=True)
    end = fields.Date(data_key="to", required=True)


class DefinitionIn(Strict):
    definition = fields.Dict(required=True)


class DefinitionOut(Base):
    version = fields.Integer()
    definition = fields.Dict()


class CalendarIn(Strict):
    holidays = fields.List(fields.Date(), load_default=list, validate=validate.Length(max=5000))
    workdays = fields.List(fields.Date(), load_default=list, validate=validate.Length(max=5000))


class BusinessTypeIn(Strict):
    code = fields.String(required=True, validate=validate.Regexp(r"^[A-Z]{2}$"))
    name = fields.String(required=True, validate=validate.Length(1, 50))
    time_limit_days = fields.Integer(required=True, validate=validate.Range(1, 365))
    forms = fields.Dict(required=True)


class UserIn(Strict):
    username = fields.String(required=True, validate=validate.Length(1, 64))
    display_name = fields.String(load_default="", validate=validate.Length(0, 100))
    password = fields.String(required=True, validate=validate.Length(10, 200))
    role = fields.String(required=True,
                         validate=validate.OneOf(["officer", "reviewer", "leader", "admin"]))
    district = fields.String(allow_none=True, load_default=None,
                             validate=validate.Regexp(r"^[A-Z]{2}$"))
    signer_role = fields.String(allow_none=True, load_default=None,
                                validate=validate.OneOf(["handler", "section_chief",
                                                         "chief_representative"]))


class UserPatch(Strict):
    display_name = fields.String(validate=validate.Length(0, 100))
    password = fields.String(validate=validate.Length(10, 200))
    role = fields.String(validate=validate.OneOf(["officer", "reviewer", "leader", "admin"]))
    district = fields.String(allow_none=True, validate=validate.Regexp(r"^[A-Z]{2}$"))
    signer_role = fields.String(allow_none=True,
                                validate=validate.OneOf(["handler", "section_chief",
                                                         "chief_representative"]))
    active = fields.Boolean(metadata={"description": "false: deactivated, tokens revoked"})


class RedlineVersionOut(Base):
    version = fields.Integer()
    created = timestamp()
    author = fields.String(allow_none=True)
    reason = fields.String()
    sha256 = fields.String()
    parcel_count = fields.Integer()
    area_m2 = fields.Float()


class RedlineOut(RedlineVersionOut):
    parcels = fields.List(fields.Dict())


class VersionArgs(Base):
    version = fields.Integer(validate=validate.Range(1, 10**9),
                             metadata={"description": "default: the current version"})


class AdminAuditArgs(Base):
    limit = fields.Integer(load_default=100, validate=validate.Range(1, 1000))
    offset = fields.Integer(load_default=0, validate=validate.Range(0, 10**9))


def parse_bbox(text: str) -> tuple[float, float, float, float] | None:
    """minx,miny,maxx,maxy as four finite numbers in order, or None."""
    import math

    parts = text.split(",")
    if len(parts) != 4:
        return None
    try:
        x0, y0, x1, y1 = (float(p) for p in parts)
    except ValueError:
        return None
    if not all(math.isfinite(v) for v in (x0, y0, x1, y1)) or x0 > x1 or y0 > y1:
        return None
    return x0, y0, x1, y1


def _bbox_ok(text: str) -> bool:
    from marshmallow import ValidationError

    if parse_bbox(text) is None:
        raise ValidationError("bbox is minx,miny,maxx,maxy: four finite numbers, each minimum "
                              "not above its maximum")
    return True
