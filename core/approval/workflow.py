"""Workflows as data: stages and transitions with who may make them. A case keeps the version
it started with, so editing the workflow never changes a running case's rules.

Transition fields: ``name``, ``from`` (a stage, a list, or ``"*"`` = any active stage), ``to``
(a stage, or ``"<previous>"`` = the stage before the current one), ``roles``, optional
``requires_reason`` and ``adds_days`` (extension), ``stops_clock`` / ``starts_clock``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..errors import RedlineError

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
    "transitions": [
        {"name": "accept", "from": "received", "to": "accepted", "roles": ["officer"],
         "starts_clock": True},
        {"name": "submit", "from": "accepted", "to": "first_review", "roles": ["officer"]},
        {"name": "approve_first_review", "from": "first_review", "to": "review",
         "roles": ["officer", "reviewer"]},
        {"name": "approve_review", "from": "review", "to": "decision", "roles": ["reviewer"]},
        {"name": "decide", "from": "decision", "to": "issued", "roles": ["leader"]},
        {"name": "close", "from": "issued", "to": "closed", "roles": ["officer"]},
        {"name": "send_back", "from": ["first_review", "review", "decision"], "to": PREVIOUS,
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


@dataclass
class Workflow:
    version: int
    stages: dict[str, str]
    initial: str
    final: list[str]
    transitions: list[Transition] = field(default_factory=list)

    @classmethod
    def from_dict(cls, data: dict) -> Workflow:
        try:
            transitions = [Transition(t["name"], t["from"], t.get("to"), list(t["roles"]),
                                      bool(t.get("requires_reason")), bool(t.get("adds_days")),
                                      bool(t.get("stops_clock")), bool(t.get("starts_clock")))
                           for t in data["transitions"]]
            wf = cls(int(data["version"]), dict(data["stages"]), data["initial"],
                     list(data["final"]), transitions)
        except (KeyError, TypeError, ValueError) as exc:
            raise RedlineError(f"workflow definition: missing or bad {exc}") from exc
        wf.check()
        return wf

    def check(self) -> None:
        known = set(self.stages)
        for t in self.transitions:
            sources = [] if t.sources == ANY_ACTIVE else (
                [t.sources] if isinstance(t.sources, str) else t.sources)
            for s in [*sources, t.to]:
                if s not in known and s not in (None, PREVIOUS):
                    raise RedlineError(f"workflow transition {t.name!r} names unknown stage {s!r}")
        if self.initial not in known:
            raise RedlineError(f"workflow initial stage {self.initial!r} is unknown")

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
