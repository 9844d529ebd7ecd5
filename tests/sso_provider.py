"""A real OpenID Connect provider for the single sign-on tests: node-oidc-provider
(tests/oidc_provider/server.js), started once per test session beside the live server.

Without Node.js, or when its packages cannot be installed, the tests that need it are skipped,
except under CI=true, where that fails them: CI must never pass by testing nothing.
"""

import os
import re
import select
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import IO, NoReturn

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
    # A failure, never a skip: a single sign-on test that did not run proves nothing.
    pytest.fail(f"{reason}: the single sign-on tests need Node.js {MINIMUM_NODE} or later and npm")


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
    """Starts the provider on a port of its choosing, its client sending people back to the
    live server's callback; yields it once its discovery document answers; stops it after."""
    node = shutil.which("node")
    if node is None:
        unavailable("the single sign-on tests need Node.js (apt-get install nodejs npm)")
    version = subprocess.run(
        [node, "--version"], capture_output=True, text=True, check=True
    ).stdout.strip()
    if int(version.lstrip("v").split(".")[0]) < MINIMUM_NODE:
        unavailable(f"the test OpenID provider needs Node.js {MINIMUM_NODE}+, not {version}")
    install_packages()
    # Its warnings go to a file: a pipe nobody reads could fill and stop it.
    with tempfile.TemporaryFile("w+") as errors:
        process = subprocess.Popen(
            [node, "server.js"],
            cwd=PROVIDER_DIR,
            env={**os.environ, "REDIRECT_URI": f"{live_server.url}/accounts/oidc/callback/"},
            stdout=subprocess.PIPE,
            stderr=errors,
            text=True,
        )
        try:
            issuer = wait_for_issuer(process, errors)
            yield Provider(issuer, discovery(issuer))
        finally:
            process.terminate()
            process.wait(timeout=10)


def wait_for_issuer(process: subprocess.Popen, errors: IO[str]) -> str:
    """The issuer URL, which server.js prints as its first line once it listens."""
    assert process.stdout is not None
    ready, _, _ = select.select([process.stdout], [], [], STARTUP_SECONDS)
    issuer = process.stdout.readline().strip() if ready else ""
    if not issuer.startswith("http://127.0.0.1:"):
        process.kill()
        process.wait(timeout=10)
        errors.seek(0)
        unavailable(
            f"the test OpenID provider did not start in {STARTUP_SECONDS} s: "
            f"{errors.read()[-2000:]}"
        )
    return issuer


def discovery(issuer: str) -> dict:
    response = requests.get(f"{issuer}/.well-known/openid-configuration", timeout=10)
    response.raise_for_status()
    return response.json()


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
