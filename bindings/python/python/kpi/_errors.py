"""The exceptions kpi raises: one base class, one subclass per stage that can fail.

Every exception carries the same attributes (``code``, ``file``, ``line``,
``column``, ``message``, ``hint``), set to ``None`` where the stage does not know
them, so a caller can report any of them one way.
"""

from __future__ import annotations

from typing import Any, List, Optional


class KpiError(Exception):
    """A problem kpi found: in a rule file, in the data, or while scoring.

    ``errors`` lists every problem found at once (a batch reports all its bad rows
    together); the attributes of the exception itself are those of the first.
    """

    code: Optional[str]
    file: Optional[str]
    line: Optional[int]
    column: Any
    message: str
    hint: Optional[str]
    errors: List["KpiError"]

    def __init__(
        self,
        message: str,
        *,
        code: Optional[str] = None,
        file: Optional[str] = None,
        line: Optional[int] = None,
        column: Any = None,
        hint: Optional[str] = None,
        errors: Optional[List["KpiError"]] = None,
        text: Optional[str] = None,
    ) -> None:
        super().__init__(text if text is not None else message)
        self.message = message
        self.code = code
        self.file = file
        self.line = line
        self.column = column
        self.hint = hint
        self.errors = list(errors) if errors else [self]


class Diagnostic(KpiError):
    """One problem in a rule file: an error, or a warning (``severity``).

    ``line`` and ``column`` count from 1, the column in characters; ``code`` is
    stable (``E0201`` for an unknown name) and documented with the library.
    """

    severity: str
    rendered: str

    def __init__(self, message: str, *, severity: str, rendered: str, **where: Any) -> None:
        super().__init__(message, text=rendered, **where)
        self.severity = severity
        self.rendered = rendered


class RuleError(KpiError):
    """A rule file that does not compile. ``diagnostics`` holds every problem found,
    warnings included; ``str()`` is all of them rendered with the source line and a
    caret, as ``kpi check`` prints them."""

    diagnostics: List[Diagnostic]

    def __init__(
        self, diagnostics: List[Diagnostic], rendered: str, file: Optional[str] = None
    ) -> None:
        errors = [d for d in diagnostics if d.severity == "error"] or list(diagnostics)
        if not errors:
            # A file that could not be read as text: the message says where.
            super().__init__(rendered, file=file, text=rendered)
        else:
            first = errors[0]
            super().__init__(
                first.message,
                code=first.code,
                file=first.file,
                line=first.line,
                column=first.column,
                hint=first.hint,
                errors=list(errors),
                text=rendered,
            )
        self.diagnostics = list(diagnostics)


class DataError(KpiError):
    """A value that does not fit its input (an unparsable number, a count below
    zero, a value outside the declared range), a missing column or a repeated key.

    ``row`` is the row's position in what was given (0-based), ``key`` the record's
    key when it could be read, ``column`` the data column's name and ``value`` the
    value found, each ``None`` where not known. ``line`` is ``None``: data given
    from Python has no file lines.
    """

    row: Optional[int]
    key: Optional[str]
    value: Optional[str]

    def __init__(
        self,
        message: str,
        *,
        code: Optional[str] = None,
        row: Optional[int] = None,
        key: Optional[str] = None,
        column: Optional[str] = None,
        value: Optional[str] = None,
        text: Optional[str] = None,
        errors: Optional[List[KpiError]] = None,
    ) -> None:
        super().__init__(message, code=code, column=column, text=text, errors=errors)
        self.row = row
        self.key = key
        self.value = value


class ScoreError(KpiError):
    """A record that was read but could not be scored: a division by zero the rule
    calls an error, an output with no exact decimal value, a member of the record's
    team that could not be read.

    ``name`` is the item or output that failed, ``fault`` what went wrong in a word
    (``ZeroDenominator``, ``NotExact``, ...), ``code`` its stable code (``S0101``),
    ``key`` and ``row`` the record's.
    """

    row: Optional[int]
    key: Optional[str]
    name: Optional[str]
    fault: Optional[str]

    def __init__(
        self,
        message: str,
        *,
        row: Optional[int] = None,
        key: Optional[str] = None,
        name: Optional[str] = None,
        fault: Optional[str] = None,
        code: Optional[str] = None,
        text: Optional[str] = None,
        errors: Optional[List[KpiError]] = None,
    ) -> None:
        super().__init__(message, code=code, text=text, errors=errors)
        self.row = row
        self.key = key
        self.name = name
        self.fault = fault


#: How many problems an exception's message lists; .errors holds them all.
_SHOWN = 20


def _batch_error(problems: List[KpiError]) -> KpiError:
    """One exception for every problem of a batch: a DataError when any value could
    not be read (those are fixed first), else a ScoreError; its attributes are the
    first such problem's, ``errors`` holds them all."""
    data = [p for p in problems if isinstance(p, DataError)]
    scored = [p for p in problems if not isinstance(p, DataError)]
    first = (data or scored)[0]
    # What to correct first comes first: values not read, then records not scored.
    lines = [str(p) for p in data + scored][:_SHOWN]
    if len(problems) > _SHOWN:
        lines.append(f"... and {len(problems) - _SHOWN} more (see .errors)")
    count = f"{len(problems)} problem{'s' if len(problems) != 1 else ''}"
    text = str(first) if len(problems) == 1 else f"{count} in the data:\n  " + "\n  ".join(lines)
    if isinstance(first, DataError):
        return DataError(
            first.message,
            code=first.code,
            row=first.row,
            key=first.key,
            column=first.column,
            value=first.value,
            text=text,
            errors=problems,
        )
    assert isinstance(first, ScoreError)
    return ScoreError(
        first.message,
        row=first.row,
        key=first.key,
        name=first.name,
        fault=first.fault,
        code=first.code,
        text=text,
        errors=problems,
    )
