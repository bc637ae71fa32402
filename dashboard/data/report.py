"""Problems found while loading the data, as a person reads them: ``file:line: column: message``."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

Severity = Literal["erreur", "avertissement"]


@dataclass(frozen=True)
class Issue:
    """One problem in one place of one file."""

    file: str
    line: int | None
    column: str | None
    message: str
    severity: Severity = "erreur"

    def __str__(self) -> str:
        place = self.file if self.line is None else f"{self.file}:{self.line}"
        column = f" {self.column}:" if self.column else ""
        prefix = "" if self.severity == "erreur" else " avertissement:"
        return f"{place}:{prefix}{column} {self.message}"


@dataclass
class Report:
    """Every problem found, errors and warnings, in the order they were found."""

    issues: list[Issue] = field(default_factory=list)

    def error(self, file: str, line: int | None, column: str | None, message: str) -> None:
        self.issues.append(Issue(file, line, column, message, "erreur"))

    def warning(self, file: str, line: int | None, column: str | None, message: str) -> None:
        self.issues.append(Issue(file, line, column, message, "avertissement"))

    def extend(self, other: Report) -> None:
        self.issues.extend(other.issues)

    @property
    def errors(self) -> list[Issue]:
        return [issue for issue in self.issues if issue.severity == "erreur"]

    @property
    def warnings(self) -> list[Issue]:
        return [issue for issue in self.issues if issue.severity == "avertissement"]

    @property
    def ok(self) -> bool:
        return not self.errors

    def sorted(self) -> list[Issue]:
        """Errors first, then by file and line, so the first lines shown matter most."""
        return sorted(
            self.issues,
            key=lambda i: (i.severity != "erreur", i.file, i.line or 0),
        )

    def render(self) -> str:
        lines = [str(issue) for issue in self.sorted()]
        lines.append(f"{len(self.errors)} erreur(s), {len(self.warnings)} avertissement(s)")
        return "\n".join(lines)


class ReadRefused(OSError):
    """A file not read, or not to the end, for a reason of ours (not a regular file, too big, too slow):
    the message is already French."""


def unreadable(error: OSError) -> str:
    """Why a file could not be read, in French (the OS gives its reason in English)."""
    if isinstance(error, ReadRefused):
        return str(error)
    if isinstance(error, FileNotFoundError):
        return "fichier introuvable"
    if isinstance(error, IsADirectoryError):
        return "lecture impossible : c'est un dossier, pas un fichier"
    if isinstance(error, PermissionError):
        return "lecture impossible : accès refusé"
    return f"lecture impossible (erreur système {error.errno})"
