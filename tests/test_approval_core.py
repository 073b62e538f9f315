"""The approval logic in ``core``: numbering, calendar, deadlines, workflow, rules, forms."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from redline_approval.core.approval.business_types import DEFAULT_BUSINESS_TYPES, validate_forms
from redline_approval.core.approval.calendar import WorkCalendar, seed_from_chinese_calendar
from redline_approval.core.approval.deadlines import compute_deadline
from redline_approval.core.approval.numbering import format_case_number, parse_case_number
from redline_approval.core.approval.rules import DEFAULT_RULES, blocking_violations, route
from redline_approval.core.approval.workflow import DEFAULT_WORKFLOW, Workflow
from redline_approval.core.errors import RedlineError

D = dt.date


def test_numbering():
    assert format_case_number("JA", "AA", 2016, 1) == "JAAA20160001"
    assert parse_case_number("JAAA20160001") == ("JA", "AA", 2016, 1)
    with pytest.raises(RedlineError):
        format_case_number("J1", "AA", 2016, 1)
    with pytest.raises(RedlineError, match="used up"):
        format_case_number("JA", "AA", 2016, 10000)
    with pytest.raises(RedlineError):
        parse_case_number("JAAA2016001")


def test_calendar_holidays_and_adjusted_weekends():
    cal = seed_from_chinese_calendar()
    assert not cal.is_workday(D(2026, 10, 1))  # National Day
    assert cal.is_workday(D(2026, 2, 14))  # a Saturday worked before Spring Festival
    assert not cal.is_workday(D(2026, 11, 28))  # an ordinary Saturday
    plain = WorkCalendar()
    assert plain.add_working_days(D(2026, 11, 27), 1) == D(2026, 11, 30)  # Fri -> Mon
    assert plain.working_days_between(D(2026, 11, 23), D(2026, 11, 30)) == 5
    assert plain.working_days_between(D(2026, 11, 30), D(2026, 11, 23)) == -5


def test_deadline_normal_yellow_red_suspension_extension():
    cal = WorkCalendar()
    accepted = D(2026, 11, 2)  # Monday
    d = compute_deadline(cal, accepted, 10, 0, [], D(2026, 11, 4))
    assert (d.due, d.used_days, d.remaining_days, d.status) == (D(2026, 11, 16), 2, 8, "normal")
    assert compute_deadline(cal, accepted, 10, 0, [], D(2026, 11, 11)).status == "yellow"
    red = compute_deadline(cal, accepted, 10, 0, [], D(2026, 11, 17))
    assert red.status == "red" and red.remaining_days == -1
    # suspended Wed 4th to Wed 11th: five working days do not count
    s = compute_deadline(cal, accepted, 10, 0, [(D(2026, 11, 4), D(2026, 11, 11))],
                         D(2026, 11, 17))
    assert s.due == D(2026, 11, 23) and s.status == "normal"
    # still suspended: the clock stands still
    a = compute_deadline(cal, accepted, 10, 0, [(D(2026, 11, 4), None)], D(2026, 11, 20))
    assert a.used_days == 2
    e = compute_deadline(cal, accepted, 10, 5, [], D(2026, 11, 17))
    assert e.due == D(2026, 11, 23) and e.status == "normal"


def test_workflow_definition():
    wf = Workflow.from_dict(DEFAULT_WORKFLOW)
    assert wf.find("accept", "received").to == "accepted"
    with pytest.raises(RedlineError, match="possible: accept"):
        wf.find("decide", "received")
    back = wf.find("send_back", "review")
    assert wf.target(back, "review", ["received", "accepted", "first_review"]) == "first_review"
    resume = wf.find("resume", "suspended")
    assert wf.target(resume, "suspended", ["received", "accepted", "review"]) == "review"
    assert [t.name for t in wf.allowed("closed")] == []
    assert "terminate" in [t.name for t in wf.allowed("review")]
    with pytest.raises(RedlineError, match="unknown stage"):
        Workflow.from_dict(dict(DEFAULT_WORKFLOW, transitions=[
            {"name": "x", "from": "nowhere", "to": "closed", "roles": []}]))


def test_routing_first_match_and_all_blocking_violations():
    assert route(DEFAULT_RULES["routing"], {"business_type": "林地占用"}) == "林业科"
    assert route(DEFAULT_RULES["routing"], {"business_type": "选址意见书"}) == "规划科"
    facts = {"transition": "decide", "parcels": [
        {"number": "1", "valid": True, "declared_area_m2": 100.0, "planar_area_m2": 150.0}],
        "opinions": [{"signer_role": "handler", "signed": True}], "attachments": []}
    found = blocking_violations(DEFAULT_RULES["blocking"], facts)
    assert [v.rule for v in found] == ["R-AREA", "R-SIGN"]
    assert "section_chief" in found[1].message
    assert blocking_violations(DEFAULT_RULES["blocking"], {"transition": "submit"})[0].rule \
        == "R-RED-LINE"


def test_forms_against_schema():
    business = DEFAULT_BUSINESS_TYPES[0]
    assert validate_forms(business, {"application": {"project_name": "x"}}) == []
    errors = validate_forms(business, {"application": {"phone": "?", "extra": 1},
                                       "approval": {"issued_on": "not a date"}, "other": {}})
    assert any("unknown form" in e for e in errors)
    assert any(e.startswith("application.phone") for e in errors)
    assert any("approval.issued_on" in e for e in errors)


_json_scalars = (st.none() | st.booleans() | st.integers(-2**70, 2**70)
                 | st.floats(allow_nan=False, allow_infinity=False) | st.text(max_size=8))
_json_values = st.recursive(
    _json_scalars,
    lambda inner: st.lists(inner, max_size=6) | st.dictionaries(st.text(max_size=5), inner,
                                                                max_size=6)
    | st.lists(st.lists(st.floats(allow_nan=False, allow_infinity=False), min_size=1,
                        max_size=3), max_size=40),
    max_leaves=60)


@settings(max_examples=300, deadline=None)
@given(_json_values)
def test_canonical_is_json_dumps_byte_for_byte(value):
    """Hashes of signed records depend on these bytes: the piecewise writer must equal the one
    call of json.dumps it replaces, for any JSON value (rings longer than a slice included)."""
    from redline_approval.core.approval import record

    whole = json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False,
                       allow_nan=False).encode("utf-8")
    saved, record._CHUNK = record._CHUNK, 3  # small slices, so that short rings are sliced
    try:
        assert record.canonical(value) == whole
    finally:
        record._CHUNK = saved


def test_canonical_of_a_long_ring_equals_json_dumps():
    from redline_approval.core.approval import record

    ring = [[38_450_000 + i * 0.001, 3_330_000.5 - i * 1e-7] for i in range(10_001)]
    value = [{"geometry": {"type": "Polygon", "coordinates": [ring, ring[:5]]}, "name": "地块",
              "declared_area_m2": 1e-5, "number": "1"}, {"z": 1e16, "a": [[1], [2, 3.5]]}]
    whole = json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    assert record.canonical(value) == whole.encode("utf-8")
