"""Workflows as data: stages and transitions with who may make them. A case keeps the version
it started with, so editing the workflow never changes a running case's rules.

Transition fields: ``name``, ``from`` (a stage, a list, or ``"*"`` = any active stage), ``to``
(a stage, or ``"<previous>"`` = the stage before the current one), ``roles``, optional
``requires_reason`` and ``adds_days`` (extension), ``stops_clock`` / ``starts_clock``, and
``not_by``: transitions whose maker may not make this one on the same case (separation of
duties: who submitted does not approve the first review).

``editable``: the stages in which the red line and the forms may change (the record is locked
in every other stage; ``send_back`` or ``amend`` bring a case back); ``sealed``: stages after
the decision in which nothing changes any more, as in the final ones. ``signatures``: the
three-signature chain, which role signs in which stage, in order.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..errors import RedlineError
from .record import DEFAULT_SIGNATURES

ROLES = ("officer", "reviewer", "leader", "admin")
SIGNER_ROLES = ("handler", "section_chief", "chief_representative")

PREVIOUS = "<previous>"
ANY_ACTIVE = "*"

DEFAULT_WORKFLOW = {
    "version": 1,
    "stages": {
        "received": "收件", "accepted": "受理", "first_review": "初审", "review": "审核",
        "decision": "审定", "issued": "发件", "closed": "办结", "suspended": "挂起",
        "terminated": "中止",
    },
    "initial": "received",
    "final": ["closed", "terminated"],
    "editable": ["received", "accepted"],
    "sealed": ["issued"],
    "signatures": DEFAULT_SIGNATURES,
    "transitions": [
        {"name": "accept", "from": "received", "to": "accepted", "roles": ["officer"],
         "starts_clock": True},
        {"name": "submit", "from": "accepted", "to": "first_review", "roles": ["officer"]},
        {"name": "approve_first_review", "from": "first_review", "to": "review",
         "roles": ["officer", "reviewer"], "not_by": ["submit"]},
        {"name": "approve_review", "from": "review", "to": "decision", "roles": ["reviewer"]},
        {"name": "decide", "from": "decision", "to": "issued", "roles": ["leader"]},
        {"name": "close", "from": "issued", "to": "closed", "roles": ["officer"]},
        {"name": "send_back", "from": ["first_review", "review", "decision"], "to": PREVIOUS,
         "roles": ["reviewer", "leader"], "requires_reason": True},
        {"name": "amend", "from": ["first_review", "review", "decision"], "to": "accepted",
         "roles": ["reviewer", "leader"], "requires_reason": True},
        {"name": "suspend", "from": ANY_ACTIVE, "to": "suspended",
         "roles": ["officer", "reviewer", "leader"], "requires_reason": True,
         "stops_clock": True},
        {"name": "resume", "from": "suspended", "to": PREVIOUS,
         "roles": ["officer", "reviewer", "leader"]},
        {"name": "extend", "from": ANY_ACTIVE, "to": None, "roles": ["leader"],
         "requires_reason": True, "adds_days": True},
        {"name": "terminate", "from": ANY_ACTIVE, "to": "terminated", "roles": ["leader"],
         "requires_reason": True},
    ],
}


@dataclass
class Transition:
    name: str
    sources: list[str] | str
    to: str | None
    roles: list[str]
    requires_reason: bool = False
    adds_days: bool = False
    stops_clock: bool = False
    starts_clock: bool = False
    not_by: list[str] = field(default_factory=list)


@dataclass
class Workflow:
    version: int
    stages: dict[str, str]
    initial: str
    final: list[str]
    transitions: list[Transition] = field(default_factory=list)
    editable: list[str] = field(default_factory=list)
    sealed: list[str] = field(default_factory=list)
    signatures: list[dict] = field(default_factory=lambda: list(DEFAULT_SIGNATURES))

    @classmethod
    def from_dict(cls, data: dict) -> Workflow:
        """A workflow from its definition, every name it uses checked (an admin's new version
        is refused before it is stored, never discovered broken by a later request)."""
        if not isinstance(data, dict):
            raise RedlineError("workflow definition: an object is needed")
        try:
            transitions = [Transition(_text(t["name"], "transition name"), _sources(t["from"]),
                                      None if t.get("to") is None else _text(t["to"], "to"),
                                      _list(t["roles"], f"roles of {t.get('name')!r}"),
                                      _flag(t, "requires_reason"), _flag(t, "adds_days"),
                                      _flag(t, "stops_clock"), _flag(t, "starts_clock"),
                                      _list(t.get("not_by", []), f"not_by of {t.get('name')!r}"))
                           for t in _items(data["transitions"], "transitions")]
            stages = data["stages"]
            if not isinstance(stages, dict) or not all(isinstance(k, str) and isinstance(v, str)
                                                       for k, v in stages.items()):
                raise RedlineError("workflow stages: an object of stage -> name is needed")
            initial = _text(data["initial"], "initial")
            wf = cls(int(data["version"]), dict(stages), initial,
                     _list(data["final"], "final"), transitions,
                     _list(data.get("editable", [initial]), "editable"),
                     _list(data.get("sealed", []), "sealed"),
                     list(data.get("signatures", DEFAULT_SIGNATURES)))
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise RedlineError(f"workflow definition: missing or bad {exc}") from exc
        wf.check()
        return wf

    def check(self) -> None:
        known = set(self.stages)
        names = {t.name for t in self.transitions}
        for t in self.transitions:
            sources = [] if t.sources == ANY_ACTIVE else (
                [t.sources] if isinstance(t.sources, str) else t.sources)
            for s in [*sources, t.to]:
                if s not in known and s not in (None, PREVIOUS):
                    raise RedlineError(f"workflow transition {t.name!r} names unknown stage {s!r}")
            for role in t.roles:
                if role not in ROLES:
                    raise RedlineError(f"workflow transition {t.name!r}: unknown role {role!r} "
                                       f"(roles: {', '.join(ROLES)})")
            for other in t.not_by:
                if other not in names:
                    raise RedlineError(f"workflow transition {t.name!r}: not_by names unknown "
                                       f"transition {other!r}")
        if self.initial not in known:
            raise RedlineError(f"workflow initial stage {self.initial!r} is unknown")
        for s in [*self.final, *self.editable, *self.sealed]:
            if s not in known:
                raise RedlineError(f"workflow names unknown stage {s!r} in final/editable")
        for step in self.signatures:
            if not isinstance(step, dict) or step.get("stage") not in known or \
                    step.get("role") not in SIGNER_ROLES:
                raise RedlineError(f"workflow signature step {step!r}: needs a known stage and "
                                   f"a role of {', '.join(SIGNER_ROLES)}")

    def stage_roles(self, stage: str) -> set[str]:
        """The roles that act in a stage (those of its own transitions, not the any-stage
        ones such as suspend)."""
        return {r for t in self.allowed(stage) if t.sources != ANY_ACTIVE for r in t.roles}

    def is_active(self, stage: str) -> bool:
        return stage not in self.final and stage != "suspended"

    def allowed(self, stage: str) -> list[Transition]:
        out = []
        for t in self.transitions:
            if t.sources == ANY_ACTIVE:
                ok = self.is_active(stage)
            elif isinstance(t.sources, str):
                ok = stage == t.sources
            else:
                ok = stage in t.sources
            if ok:
                out.append(t)
        return out

    def find(self, name: str, stage: str) -> Transition:
        for t in self.allowed(stage):
            if t.name == name:
                return t
        names = ", ".join(t.name for t in self.allowed(stage)) or "none"
        raise RedlineError(f"transition {name!r} is not possible from stage {stage!r} "
                           f"({self.stages.get(stage, stage)}); possible: {names}")

    def target(self, t: Transition, stage: str, history: list[str]) -> str:
        """The stage a transition leads to; ``history`` lists earlier stages, oldest first."""
        if t.to is None:
            return stage
        if t.to == PREVIOUS:
            earlier = [s for s in history if s != stage and s != "suspended"]
            if not earlier:
                raise RedlineError(f"{t.name}: no earlier stage to go back to")
            return earlier[-1]
        return t.to


def _text(value, what: str) -> str:
    if not isinstance(value, str) or not value:
        raise RedlineError(f"workflow {what}: a non-empty text is needed, not {value!r}")
    return value


def _list(value, what: str) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise RedlineError(f"workflow {what}: a list of texts is needed, not {value!r}")
    return list(value)


def _items(value, what: str) -> list[dict]:
    if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
        raise RedlineError(f"workflow {what}: a list of objects is needed")
    return value


def _sources(value) -> list[str] | str:
    return value if isinstance(value, str) and value else _list(value, "from")


def _flag(t: dict, key: str) -> bool:
    value = t.get(key, False)
    if not isinstance(value, bool):
        raise RedlineError(f"workflow transition {t.get('name')!r}: {key} must be true or "
                           f"false, not {value!r}")
    return value
