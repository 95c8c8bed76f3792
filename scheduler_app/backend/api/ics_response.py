"""HTTP responses carrying iCalendar data."""

from __future__ import annotations

from fastapi import Response

ICS_MEDIA_TYPE = "text/calendar; charset=utf-8"


def ics_attachment(body: bytes, name: str) -> Response:
    """An .ics download named after `name` (reduced to safe file-name characters)."""
    safe = "".join(ch if ch.isalnum() or ch in "-_ " else "_" for ch in name)[:80].strip() or "calendar"
    return Response(
        body, media_type=ICS_MEDIA_TYPE, headers={"Content-Disposition": f'attachment; filename="{safe}.ics"'}
    )
