"""Which guests hear what after an event changes (pure)."""

from __future__ import annotations

import datetime as dt

import pytest

from scheduler_app.backend.events.guest_mail import mails_for
from scheduler_app.backend.models import AttendeeDoc, EventDoc

pytestmark = pytest.mark.unit
START = dt.datetime(2026, 3, 2, 9, tzinfo=dt.UTC)


def event(*guests: str, **fields) -> EventDoc:
    values = {
        "calendar_id": "c",
        "owner_id": "o",
        "title": "Planning",
        "start_utc": START,
        "end_utc": START + dt.timedelta(hours=1),
        "time_zone": "Europe/Berlin",
        "organizer_email": "boss@example.com",
        "attendees": [AttendeeDoc(email=email) for email in guests],
    }
    values.update(fields)
    return EventDoc(**values)


def summary(mails) -> list[tuple[str, str]]:
    return sorted((mail.guest.email, mail.kind) for mail in mails)


def test_a_new_event_invites_every_guest_but_the_organiser() -> None:
    assert summary(mails_for(None, event("a@x.com", "boss@example.com", "b@x.com"))) == [
        ("a@x.com", "invitation"),
        ("b@x.com", "invitation"),
    ]


def test_guests_added_and_removed_hear_about_it_and_nobody_else_when_nothing_else_changed() -> None:
    before, after = event("a@x.com", "b@x.com"), event("b@x.com", "c@x.com")
    assert summary(mails_for(before, after)) == [("a@x.com", "cancellation"), ("c@x.com", "invitation")]


def test_a_move_or_new_title_updates_everyone_a_new_description_does_not() -> None:
    before = event("a@x.com")
    moved = event("a@x.com", start_utc=START + dt.timedelta(hours=2), end_utc=START + dt.timedelta(hours=3))
    assert summary(mails_for(before, moved)) == [("a@x.com", "update")]
    assert summary(mails_for(before, event("a@x.com", title="Planning (v2)"))) == [("a@x.com", "update")]
    assert mails_for(before, event("a@x.com", description="New agenda")) == []


def test_deleting_cancels_for_every_guest() -> None:
    mails = mails_for(event("a@x.com", "b@x.com"), None)
    assert summary(mails) == [("a@x.com", "cancellation"), ("b@x.com", "cancellation")]
    assert all(mail.method == "CANCEL" for mail in mails)
