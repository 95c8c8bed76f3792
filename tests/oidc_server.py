"""The real OpenID Connect provider (tests/fakes/oidc_provider) as a test server; its pages driven over HTTP."""

from __future__ import annotations

import secrets
import shutil
import subprocess
import time
import urllib.parse
from dataclasses import dataclass
from pathlib import Path

import httpx

from tests.servers import free_port

PROVIDER_DIR = Path(__file__).resolve().parent / "fakes" / "oidc_provider"
START_TIMEOUT = 20.0


class OidcProviderServer:
    """One `node provider.mjs` on 127.0.0.1:<free port> with one confidential client."""

    def __init__(self, redirect_uris: list[str], log_path: Path, access_token_ttl: int = 3600):
        self.port = free_port()
        self.issuer = f"http://127.0.0.1:{self.port}"
        self.client_id = "scheduler-test"
        self.client_secret = secrets.token_urlsafe(24)
        self.redirect_uris = redirect_uris
        self.access_token_ttl = access_token_ttl
        self.log_path = log_path
        self._process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        node = shutil.which("node")
        if node is None:
            raise RuntimeError("Node.js is needed for the test OIDC provider.")
        if not (PROVIDER_DIR / "node_modules" / "oidc-provider").is_dir():
            raise RuntimeError("Run `make setup` (npm ci --prefix tests/fakes/oidc_provider) first.")
        command = [node, "provider.mjs", "--port", str(self.port), "--issuer", self.issuer]
        command += ["--client-id", self.client_id, "--client-secret", self.client_secret]
        command += ["--access-token-ttl", str(self.access_token_ttl)]
        for uri in self.redirect_uris:
            command += ["--redirect-uri", uri]
        with self.log_path.open("ab") as log:
            self._process = subprocess.Popen(command, cwd=PROVIDER_DIR, stdout=log, stderr=subprocess.STDOUT)
        self._wait_for_discovery()

    def _wait_for_discovery(self) -> None:
        deadline = time.monotonic() + START_TIMEOUT
        url = f"{self.issuer}/.well-known/openid-configuration"
        while True:
            assert self._process is not None
            if self._process.poll() is not None:
                raise RuntimeError(f"OIDC provider exited: {self.log_path.read_text()[-2000:]}")
            try:
                if httpx.get(url, timeout=1).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                self.stop()
                raise RuntimeError("OIDC provider did not answer discovery in time")
            time.sleep(0.1)

    def stop(self) -> None:
        """Stop exactly the process this object started."""
        process, self._process = self._process, None
        if process is None or process.poll() is not None:
            return
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(5)

    def __enter__(self) -> OidcProviderServer:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


@dataclass
class ProviderLogin:
    """Who to log in as at the test provider."""

    email: str
    name: str = "Ada Lovelace"
    subject: str = ""
    email_verified: bool = True


def _absolute(base: str, location: str) -> str:
    return urllib.parse.urljoin(base, location)


def authorize(provider: OidcProviderServer, authorization_url: str, login: ProviderLogin) -> str:
    """Follow the provider's pages from the authorization URL; returns the redirect back to the app."""
    url = authorization_url
    with httpx.Client(timeout=30) as browser:
        for _ in range(12):
            if not url.startswith(provider.issuer):
                return url  # left the provider: this is the callback to the app
            response = browser.get(url)
            if response.status_code == 200 and "<form" in response.text:
                form_path = urllib.parse.urlsplit(url).path + "/login"
                fields = {"email": login.email, "name": login.name, "subject": login.subject}
                if login.email_verified:
                    fields["email_verified"] = "true"
                response = browser.post(_absolute(url, form_path), data=fields)
            assert response.status_code in {302, 303}, f"{response.status_code}: {response.text[:500]}"
            url = _absolute(url, response.headers["location"])
    raise AssertionError("the provider never redirected back to the app")


def callback_query(callback_url: str) -> dict[str, str]:
    return dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(callback_url).query))


def app_callback_path(callback_url: str) -> str:
    """The callback's path and query, to send to the app under test (wherever it listens)."""
    parts = urllib.parse.urlsplit(callback_url)
    return f"{parts.path}?{parts.query}"
