"""What a search answers: ranked suggestions and an explanation, serialisable to the REST shape."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum
from typing import Any


@dataclass(frozen=True)
class Suggestion:
    """One meeting time, its score (100 is everyone free at a comfortable hour) and why it ranks there."""

    start: dt.datetime
    end: dt.datetime
    score: float
    attendees_free: tuple[str, ...]
    attendees_busy: tuple[str, ...]
    reasons: tuple[str, ...]

    @property
    def everyone_free(self) -> bool:
        return not self.attendees_busy

    def to_json(self) -> dict[str, Any]:
        return {
            "start": _instant_json(self.start),
            "end": _instant_json(self.end),
            "score": self.score,
            "attendees_free": list(self.attendees_free),
            "attendees_busy": list(self.attendees_busy),
            "reasons": list(self.reasons),
        }


@dataclass(frozen=True)
class Bottleneck:
    """A required participant who keeps the meeting from fitting, and how."""

    participant_id: str
    display_name: str
    reason: str

    def to_json(self) -> dict[str, Any]:
        return {
            "participant_id": self.participant_id,
            "display_name": self.display_name,
            "reason": self.reason,
        }


class RelaxationKind(StrEnum):
    SHORTER_MEETING = "shorter_meeting"
    LATER_WINDOW = "later_window"
    WITHOUT_PARTICIPANT = "without_participant"
    OUTSIDE_WORKING_HOURS = "outside_working_hours"
    OVER_LUNCH = "over_lunch"


@dataclass(frozen=True)
class Relaxation:
    """A nearby search that would succeed, with the first time it finds."""

    kind: RelaxationKind
    text: str
    start: dt.datetime
    end: dt.datetime
    participant_id: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind.value,
            "text": self.text,
            "start": _instant_json(self.start),
            "end": _instant_json(self.end),
            "participant_id": self.participant_id,
        }


@dataclass(frozen=True)
class Explanation:
    """A one-line summary, who blocks the meeting (when nothing fits) and the nearest relaxations."""

    summary: str
    bottlenecks: tuple[Bottleneck, ...] = ()
    relaxations: tuple[Relaxation, ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {
            "summary": self.summary,
            "bottlenecks": [bottleneck.to_json() for bottleneck in self.bottlenecks],
            "relaxations": [relaxation.to_json() for relaxation in self.relaxations],
        }


@dataclass(frozen=True)
class SuggestionResult:
    """Suggestions best first (at most the request's limit), how many times fit, and the explanation."""

    suggestions: tuple[Suggestion, ...]
    explanation: Explanation
    candidates: int = 0

    def to_json(self) -> dict[str, Any]:
        """The REST body: `{"suggestions": [...], "explanation": {...}}`."""
        return {
            "suggestions": [suggestion.to_json() for suggestion in self.suggestions],
            "explanation": self.explanation.to_json(),
        }


def _instant_json(instant: dt.datetime) -> str:
    return instant.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")
