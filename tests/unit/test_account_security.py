"""Device names from User-Agent strings, and the audit CSV's quoting and formula defusing."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest

from scheduler_app.backend.audit import AuditEntryDoc
from scheduler_app.backend.auth.account_security import describe_device
from scheduler_app.backend.auth.admin import AUDIT_CSV_COLUMNS, audit_csv_lines, csv_cell

pytestmark = pytest.mark.unit

CHROME_LINUX = (
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36"
)
EDGE_WINDOWS = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/126.0.0.0 Safari/537.36 Edg/126.0.2592.87"
)
SAFARI_IPHONE = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
    "Version/17.5 Mobile/15E148 Safari/604.1"
)
SAFARI_MAC = (
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 (KHTML, like Gecko) "
    "Version/17.5 Safari/605.1.15"
)
FIREFOX_WINDOWS = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:127.0) Gecko/20100101 Firefox/127.0"
CHROME_ANDROID = (
    "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/126.0.0.0 Mobile Safari/537.36"
)
HEADLESS = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/156.0 Safari/537.36"


@pytest.mark.parametrize(
    ("agent", "device"),
    [
        (CHROME_LINUX, "Chrome on Linux"),
        (EDGE_WINDOWS, "Edge on Windows"),
        (SAFARI_IPHONE, "Safari on iOS"),
        (SAFARI_MAC, "Safari on macOS"),
        (FIREFOX_WINDOWS, "Firefox on Windows"),
        (CHROME_ANDROID, "Chrome on Android"),
        (HEADLESS, "Headless Chrome on Linux"),
        ("curl/8.5.0", "curl"),
        ("python-httpx/0.28.1", "Python httpx"),
        ("Mozilla/5.0 (X11; Linux x86_64) SomethingNew/1.0", "Browser on Linux"),
        ("", "Unknown device"),
        ("<script>alert(1)</script>", "Unknown device"),
    ],
)
def test_describe_device(agent, device):
    assert describe_device(agent) == device


@pytest.mark.parametrize(
    ("value", "cell"),
    [
        ('=HYPERLINK("http://evil")', '\'=HYPERLINK("http://evil")'),
        ("+1+2", "'+1+2"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tcmd", "'\tcmd"),
        ("\r=1", "'\r=1"),
        ("ada@example.com", "ada@example.com"),
        ("a=b", "a=b"),
        (None, ""),
        ({"reason": "=1", "n": 2}, "reason==1; n=2"),
        ({"x": "y"}, "x=y"),
        (dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC), "2026-03-02T09:00:00Z"),
    ],
)
def test_csv_cell_defuses_formulas(value, cell):
    assert csv_cell(value) == cell


def test_dict_cell_starting_with_a_formula_character_is_defused():
    assert csv_cell({"=cmd": "x"}) == "'=cmd=x"


def test_audit_csv_quotes_commas_quotes_and_newlines_and_round_trips():
    entry = AuditEntryDoc(
        action="auth.sign_in_failed",
        outcome="failure",
        actor_email='=cmd|"/c calc"!A1',
        user_agent='Agent, with "quotes"\nand a newline',
        ip="203.0.113.7",
        details={"reason": "wrong_password"},
        at=dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC),
    )
    text = "".join(audit_csv_lines([entry]))
    assert text.endswith("\r\n")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == list(AUDIT_CSV_COLUMNS)
    row = dict(zip(rows[0], rows[1], strict=True))
    assert row["actor_email"] == '\'=cmd|"/c calc"!A1'
    assert row["user_agent"] == 'Agent, with "quotes"\nand a newline'
    assert row["at"] == "2026-03-02T09:00:00Z"
    assert row["details"] == "reason=wrong_password"
    assert len(rows) == 2
