"""Sign-in throttling: per address and per account, never a stranger's lockout of the user."""

from __future__ import annotations

import os
import re

import httpx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from caremarket.web.app import create_app
from caremarket.web.settings import WebSettings
from caremarket.web.viewer import Role

from .conftest import PASSWORD, Site

WORKER = os.environ.get("PYTEST_XDIST_WORKER", "w")


PER_ADDRESS = 6


@pytest.fixture(scope="module")
def app(site: Site) -> FastAPI:
    """The site with a small per-address limit (quicker to reach), over the same accounts."""
    store = site.app.state.caremarket.live.current().store
    settings = WebSettings(secret_key="test-secret", sign_in_attempts_per_address=PER_ADDRESS)
    return create_app(settings, store, site.accounts)


def _browser(app: FastAPI, address: str) -> TestClient:
    return TestClient(app, client=(address, 50000))


def _sign_in(client: TestClient, name: str, password: str) -> httpx.Response:
    page = client.get("/signin").text
    found = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert found is not None
    return client.post(
        "/signin",
        data={"name": name, "password": password, "csrf_token": found.group(1)},
        follow_redirects=False,
    )


def test_a_stranger_cannot_lock_the_user_out_of_their_own_browser(site: Site, app: FastAPI) -> None:
    """After a stranger's failures hold the name back, the user's own browser still signs in."""
    name = "victim-" + WORKER
    site.accounts.add_user(name, PASSWORD, Role.COUNCIL)
    mine = _browser(app, "192.0.2.10")
    assert _sign_in(mine, name, PASSWORD).status_code == 303
    stranger = _browser(app, "198.51.100.20")
    codes = [_sign_in(stranger, name, "a wrong guess 1").status_code for _ in range(7)]
    assert codes == [401] * 5 + [429] * 2
    assert _sign_in(stranger, name, PASSWORD).status_code == 429  # the stranger stays held back
    assert _sign_in(mine, name, PASSWORD).status_code == 303
    neighbour = _browser(app, "192.0.2.10")  # a stranger behind the user's own address
    for n in range(PER_ADDRESS + 1):
        _sign_in(neighbour, f"nobody-{WORKER}-near-{n}", "guess")
    assert _sign_in(neighbour, name, PASSWORD).status_code == 429
    assert _sign_in(mine, name, PASSWORD).status_code == 303


def test_one_address_guessing_many_names_is_held_back(app: FastAPI) -> None:
    """Failures from one address up to its limit, whatever the names, hold it back (no other)."""
    prober = _browser(app, "203.0.113.5")
    names = [f"nobody-{WORKER}-{n}" for n in range(PER_ADDRESS + 1)]
    codes = [_sign_in(prober, name, "guess").status_code for name in names]
    assert codes == [401] * PER_ADDRESS + [429]
    other = _browser(app, "203.0.113.6")
    assert _sign_in(other, f"nobody-{WORKER}-x", "guess").status_code == 401


def test_attempts_while_held_back_do_not_extend_the_hold(site: Site, app: FastAPI) -> None:
    """Attempts refused while a name is held back check nothing and are not counted."""
    name = "held-" + WORKER
    site.accounts.add_user(name, PASSWORD, Role.COUNCIL)
    client = _browser(app, "192.0.2.40")
    for _ in range(5):
        assert _sign_in(client, name, "wrong").status_code == 401
    for _ in range(10):
        assert _sign_in(client, name, "wrong").status_code == 429
    assert site.accounts.failures([f"name:{name}"], 15) == {f"name:{name}": 5}


def test_failures_for_unknown_names_are_counted_not_audited(site: Site, app: FastAPI) -> None:
    """A failed sign-in under a name nobody has adds nothing to the audit log, but is counted."""
    name = f"ghost-{WORKER}"
    client = _browser(app, "192.0.2.50")
    assert _sign_in(client, name, "guess").status_code == 401
    assert all(e.user_name != name for e in site.accounts.audit_log(500))
    assert site.accounts.failures([f"name:{name}", "address:192.0.2.50"], 15) == {
        f"name:{name}": 1,
        "address:192.0.2.50": 1,
    }


def test_secure_cookies_and_hsts(site: Site) -> None:
    """With secure cookies every cookie is marked Secure and responses carry HSTS; else not."""
    store = site.app.state.caremarket.live.current().store
    secure = create_app(WebSettings(secret_key="k", secure_cookies=True), store, site.accounts)
    client = TestClient(secure, base_url="https://testserver", client=("192.0.2.60", 50000))
    response = _sign_in(client, "council-" + WORKER, PASSWORD)
    assert response.status_code == 303
    cookies = response.headers.get_list("set-cookie")
    assert {c.split("=")[0] for c in cookies} >= {"cm_session", "cm_device"}
    assert all("; secure" in c.lower() for c in cookies)
    fresh = TestClient(secure, base_url="https://testserver", client=("192.0.2.61", 50000))
    csrf = fresh.get("/signin").headers["set-cookie"]
    assert csrf.startswith("cm_csrf=") and "; secure" in csrf.lower()
    assert response.headers["strict-transport-security"].startswith("max-age=")
    assert "strict-transport-security" not in site.public.get("/").headers
