"""The availability engine: pure functions from working hours and busy time to ranked meeting times."""

from scheduler_app.backend.scheduling.busy import BusyInterval, BusyStatus, blocked_intervals, free_time
from scheduler_app.backend.scheduling.intervals import Interval, IntervalSet
from scheduler_app.backend.scheduling.request import (
    MAX_PARTICIPANTS,
    MAX_WINDOW,
    Participant,
    ParticipantKind,
    SuggestionRequest,
    validated_participants,
)
from scheduler_app.backend.scheduling.result import (
    Bottleneck,
    Explanation,
    Relaxation,
    RelaxationKind,
    Suggestion,
    SuggestionResult,
)
from scheduler_app.backend.scheduling.suggestions import find_suggestions, search
from scheduler_app.backend.scheduling.working_hours import (
    DateOverride,
    OutOfOffice,
    TimeRange,
    WorkingHours,
    available_intervals,
    validate_working_hours,
)

__all__ = [
    "MAX_PARTICIPANTS",
    "MAX_WINDOW",
    "Bottleneck",
    "BusyInterval",
    "BusyStatus",
    "DateOverride",
    "Explanation",
    "Interval",
    "IntervalSet",
    "OutOfOffice",
    "Participant",
    "ParticipantKind",
    "Relaxation",
    "RelaxationKind",
    "Suggestion",
    "SuggestionRequest",
    "SuggestionResult",
    "TimeRange",
    "WorkingHours",
    "available_intervals",
    "blocked_intervals",
    "find_suggestions",
    "free_time",
    "search",
    "validate_working_hours",
    "validated_participants",
]
