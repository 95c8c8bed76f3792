"""One typed settings object, read from the environment (and `.env`), with embedded defaults."""

from __future__ import annotations

import functools
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parent.parent


class Settings(BaseSettings):
    """Every knob the app reads; nothing needs setting on a fresh machine."""

    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    app_url: str = Field(
        default="http://127.0.0.1:3000",
        description="Public origin of the app (pages, API and sockets share it).",
    )
    mongodb_uri: str | None = Field(
        default=None,
        description="MongoDB connection string; unset means the app runs an embedded SecantusDB.",
    )
    mongodb_database: str = Field(default="scheduler", description="Database name.")
    data_dir: Path = Field(
        default=PROJECT_ROOT / ".data", description="Where embedded services keep their data."
    )
    embedded_db_port: int = Field(default=27117, description="Port of the embedded database.")
    embedded_db_command: Path = Field(
        default=PROJECT_ROOT / ".tools" / "secantus" / "bin" / "secantusd-py",
        description="Executable of the embedded SecantusDB server (installed by `make`).",
    )
    session_cookie_name: str = Field(default="scheduler_session")
    session_ttl_hours: int = Field(
        default=24 * 14, ge=1, description="A session expires after this long without use."
    )
    cookie_secure: bool = Field(
        default=False, description="Mark cookies Secure (set when served over HTTPS)."
    )
    jitsi_base_url: str = Field(
        default="https://meet.jit.si", description="Jitsi server for meeting links (no account needed)."
    )
    google_api_base_url: str = Field(
        default="https://www.googleapis.com/calendar/v3/",
        description="Google Calendar API endpoint (Google Meet links); tests point it at a fake.",
    )
    microsoft_graph_base_url: str = Field(
        default="https://graph.microsoft.com/v1.0",
        description="Microsoft Graph endpoint (Teams links); tests point it at a fake.",
    )
    secret_key: str | None = Field(
        default=None,
        description=(
            "Master secret for signed tokens and encrypted provider tokens (32+ random characters). "
            "Unset: one is generated on first use and kept in DATA_DIR/secret_key."
        ),
    )
    smtp_url: str | None = Field(
        default=None,
        description=(
            "Outgoing mail server, e.g. smtp://host:25, smtp+starttls://user:pass@host:587 or "
            "smtps://user:pass@host:465. Unset: mail is written to the local outbox DATA_DIR/outbox "
            "(a Maildir, readable by admins on the Outbox page)."
        ),
    )
    mail_from: str = Field(default="Scheduler <scheduler@localhost>", description="Sender of app mail.")
    admin_emails: str = Field(
        default="",
        description=(
            "Comma-separated e-mails that are made admins when they sign up or sign in "
            "(the first account on an instance is always made admin)."
        ),
    )
    google_client_id: str | None = Field(default=None, description="Google OAuth client id.")
    google_client_secret: str | None = Field(default=None, description="Google OAuth client secret.")
    microsoft_client_id: str | None = Field(default=None, description="Microsoft Entra app id.")
    microsoft_client_secret: str | None = Field(default=None, description="Microsoft Entra secret.")
    microsoft_tenant: str = Field(
        default="common", description="Microsoft tenant: common, organizations or a tenant id."
    )
    oidc_issuer: str | None = Field(default=None, description="Any OpenID Connect issuer URL.")
    oidc_client_id: str | None = Field(default=None, description="Client id at OIDC_ISSUER.")
    oidc_client_secret: str | None = Field(default=None, description="Client secret at OIDC_ISSUER.")
    oidc_name: str = Field(default="Single sign-on", description="Label of the OIDC sign-in button.")
    log_level: str = Field(default="INFO")
    log_json: bool = Field(default=True, description="Structured JSON logs (False: console).")


@functools.cache
def get_settings() -> Settings:
    """Read the settings once per process."""
    return Settings()
