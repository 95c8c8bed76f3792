import pytest

pytestmark = pytest.mark.integration


async def test_create_list_event(sign_in):
    client = await sign_in()
    calendars = client.get("/api/v1/calendars").json()
    assert len(calendars) == 1 and calendars[0]["is_default"]
    created = client.post(
        "/api/v1/events",
        json={
            "title": "Standup",
            "start": {"date_time": "2026-03-02T09:00:00", "time_zone": "Europe/Berlin"},
            "end": {"date_time": "2026-03-02T09:15:00", "time_zone": "Europe/Berlin"},
        },
    )
    assert created.status_code == 201, created.text
    body = created.json()
    assert body["start"]["date_time"] == "2026-03-02T09:00:00+01:00"
    listed = client.get("/api/v1/events", params={"start": "2026-03-02T00:00:00Z", "end": "2026-03-09T00:00:00Z"})
    assert listed.status_code == 200, listed.text
    assert [item["title"] for item in listed.json()["items"]] == ["Standup"]
