"""Error types shared by every face (CLI, Processing, plugin, server).

Each face catches ``RedlineError`` once and shows it its own way: exit status 2 in the CLI,
a ``QgsProcessingException`` in Processing, the message bar in QGIS.
"""

from __future__ import annotations

from pathlib import Path


class RedlineError(Exception):
    """Base class of every error the user can act on."""


class RedlineFormatError(RedlineError):
    """A file could not be read: names the file, the line (1-based) and what to do."""

    def __init__(self, path: str | Path | None, line: int | None, message: str):
        self.path = str(path) if path is not None else None
        self.line = line
        self.message = message
        super().__init__(str(self))

    def __str__(self) -> str:
        where = self.path or "<input>"
        if self.line is not None:
            where += f", line {self.line}"
        return f"{where}: {self.message}"


class CrsError(RedlineError):
    """An unknown, unsupported or inconsistent coordinate reference system."""


class ParameterError(RedlineError):
    """Transformation parameters that do not fit the model, or cannot be fitted."""


class InvalidRedlineError(RedlineError):
    """Red lines a computation cannot use: carries the validation findings that say why."""

    def __init__(self, message: str, findings: list):
        self.findings = findings
        lines = [message] + [f"  {f.code} parcel {f.parcel}"
                             + (f" at {f.point}" if f.point else "") + f": {f.message}"
                             for f in findings[:20]]
        if len(findings) > 20:
            lines.append(f"  … and {len(findings) - 20} more")
        super().__init__("\n".join(lines))
