"""A real OpenID Connect provider for the single sign-on tests: node-oidc-provider
(tests/oidc_provider/server.js), started once per test session beside the live server.

Without Node.js, or when its packages cannot be installed, the tests that need it are skipped,
except under CI=true, where that fails them: CI must never pass by testing nothing.
"""

import os
import re
import shutil
import socket
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path
from typing import NoReturn

import pytest
import requests

PROVIDER_DIR = Path(__file__).parent / "oidc_provider"
# server.js's static client and its directory's accounts (login name → email, verified or not).
CLIENT_ID = "chatlinks"
CLIENT_SECRET = "chatlinks-test-secret"  # the test provider's, in server.js
VERIFIED_LOGIN, VERIFIED_EMAIL = "ana", "Ana.Staff@Example.test"
UNVERIFIED_LOGIN, UNVERIFIED_EMAIL = "unverified", "unverified.staff@example.test"
STRANGER_LOGIN, STRANGER_EMAIL = "stranger", "stranger@example.test"
PROVIDER_NAME = "Test IdP"
STARTUP_SECONDS = 30
MINIMUM_NODE = 20  # what oidc-provider 9 runs on (tests/oidc_provider/package.json, "engines")


def unavailable(reason: str) -> NoReturn:
    if os.environ.get("CI") == "true":
        pytest.fail(f"{reason}; CI must run the single sign-on tests")
    pytest.skip(reason)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass(frozen=True)
class Provider:
    issuer: str
    discovery: dict

    def settings(self) -> dict[str, object]:
        """The Django settings that point single sign-on at this provider."""
        return {
            "OIDC_RP_CLIENT_ID": CLIENT_ID,
            "OIDC_RP_CLIENT_SECRET": CLIENT_SECRET,
            "OIDC_OP_AUTHORIZATION_ENDPOINT": self.discovery["authorization_endpoint"],
            "OIDC_OP_TOKEN_ENDPOINT": self.discovery["token_endpoint"],
            "OIDC_OP_USER_ENDPOINT": self.discovery["userinfo_endpoint"],
            "OIDC_OP_JWKS_ENDPOINT": self.discovery["jwks_uri"],
            "OIDC_PROVIDER_NAME": PROVIDER_NAME,
        }


def install_packages() -> None:
    """`npm ci` once: the packages stay in tests/oidc_provider/node_modules for later runs."""
    if (PROVIDER_DIR / "node_modules").is_dir():
        return
    npm = shutil.which("npm")
    if npm is None:
        unavailable("the single sign-on tests need npm (apt-get install nodejs npm)")
    installed = subprocess.run(
        [npm, "ci", "--no-audit", "--no-fund"],
        cwd=PROVIDER_DIR,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    if installed.returncode != 0:
        unavailable(f"npm ci failed in {PROVIDER_DIR}: {installed.stderr[-2000:]}")


@pytest.fixture(scope="session")
def oidc_provider(live_server):
    """Starts the provider on a free port, its client sending people back to the live
    server's callback; yields it once its discovery document answers; stops it after."""
    node = shutil.which("node")
    if node is None:
        unavailable("the single sign-on tests need Node.js (apt-get install nodejs npm)")
    version = subprocess.run(
        [node, "--version"], capture_output=True, text=True, check=True
    ).stdout.strip()
    if int(version.lstrip("v").split(".")[0]) < MINIMUM_NODE:
        unavailable(
            f"the test OpenID provider needs Node.js {MINIMUM_NODE} or later, not {version}"
        )
    install_packages()
    port = free_port()
    issuer = f"http://127.0.0.1:{port}"
    process = subprocess.Popen(
        [node, "server.js"],
        cwd=PROVIDER_DIR,
        env={
            **os.environ,
            "PORT": str(port),
            "REDIRECT_URI": f"{live_server.url}/accounts/oidc/callback/",
        },
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        discovery = wait_for_discovery(process, issuer)
        yield Provider(issuer, discovery)
    finally:
        process.terminate()
        process.wait(timeout=10)


def wait_for_discovery(process: subprocess.Popen, issuer: str) -> dict:
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            unavailable(f"the test OpenID provider stopped: {process.stderr.read()[-2000:]}")  # type: ignore[union-attr]
        try:
            return requests.get(f"{issuer}/.well-known/openid-configuration", timeout=2).json()
        except requests.ConnectionError:
            time.sleep(0.1)
    unavailable(f"the test OpenID provider did not answer at {issuer} in {STARTUP_SECONDS} s")


LOGIN_FORM_ACTION = re.compile(r'action="(/interaction/[\w-]+/login)"')


def sign_in_at_provider(
    browser: requests.Session, provider: Provider, start_url: str, login: str, *, mfa: bool
) -> requests.Response:
    """Follow the sign-in from `start_url` (the site's "Sign in with …" link) to the provider's
    login form, sign in there as `login` (saying a second factor was used, or not), and follow
    the redirects back to the site: the last response."""
    form = browser.get(start_url, timeout=10)
    assert form.url.startswith(provider.issuer), form.url
    action = LOGIN_FORM_ACTION.search(form.text)
    assert action, form.text
    data = {"login": login, **({"mfa": "1"} if mfa else {})}
    return browser.post(provider.issuer + action[1], data=data, timeout=10)
