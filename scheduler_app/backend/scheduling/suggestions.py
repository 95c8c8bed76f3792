"""Find a time: rank the slots when every required participant can meet, and explain the answer."""

from __future__ import annotations

from collections.abc import Sequence

from scheduler_app.backend.scheduling.explanation import explain
from scheduler_app.backend.scheduling.request import Participant, SuggestionRequest, validated_participants
from scheduler_app.backend.scheduling.result import SuggestionResult
from scheduler_app.backend.scheduling.scoring import ranking_key
from scheduler_app.backend.scheduling.search_space import SearchSpace


def find_suggestions(request: SuggestionRequest, participants: Sequence[Participant]) -> SuggestionResult:
    """Ranked meeting times, best first, with an explanation; raises InvalidInputError for bad input."""
    return search(request, validated_participants(request, participants))


def search(request: SuggestionRequest, participants: Sequence[Participant]) -> SuggestionResult:
    """The engine behind `find_suggestions`, for input that already passed `validated_participants`.

    Intersects the required participants' sorted free time once, walks the candidate grid only inside
    the result, and scores each fitting slot with one bisection per participant.
    """
    space = SearchSpace.build(request, participants)
    common = space.common_required_time(space.window)
    starts = space.fitting_starts(common, request.duration)
    ranked = sorted((space.assess(start, start + request.duration) for start in starts), key=ranking_key)
    return SuggestionResult(tuple(ranked[: request.limit]), explain(space, ranked), len(ranked))
