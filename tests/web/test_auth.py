"""Sign-in forms: hashed passwords, session cookies, CSRF checks and the audit log."""

from __future__ import annotations

import os
import re

import httpx
from fastapi.testclient import TestClient

from caremarket.web.viewer import Role

from .conftest import PASSWORD, Site


def _csrf(client: TestClient, path: str = "/signin") -> str:
    page = client.get(path).text
    found = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert found is not None
    return found.group(1)


def _council_name() -> str:
    return "council-" + os.environ.get("PYTEST_XDIST_WORKER", "w")


def _sign_in(client: TestClient, then: str) -> httpx.Response:
    """Post the sign-in form as the council user, asking to go to `then` afterwards."""
    return client.post(
        "/signin",
        data={
            "name": _council_name(),
            "password": PASSWORD,
            "csrf_token": _csrf(client),
            "next": then,
        },
        follow_redirects=False,
    )


def test_sign_in_and_out_with_a_session(site: Site) -> None:
    """The form signs in (cookie), pages then show the role, and signing out ends the session."""
    client = TestClient(site.app)
    response = _sign_in(client, "/interim-care")
    assert response.status_code == 303 and response.headers["location"] == "/interim-care"
    cookie = response.headers["set-cookie"]
    assert "cm_session=" in cookie and "HttpOnly" in cookie and "SameSite=lax" in cookie
    assert client.get("/api/v1/me").json()["role"] == "council"
    assert client.get("/interim-care").status_code == 200
    client.post("/signout", data={"csrf_token": _csrf(client, "/")}, follow_redirects=False)
    assert client.get("/api/v1/me").json()["role"] == "public"
    assert client.get("/interim-care", follow_redirects=False).status_code == 303


def test_wrong_password_is_refused_and_audited(site: Site) -> None:
    """A wrong password gives 401 and a failed sign-in in the audit log."""
    client = TestClient(site.app)
    response = client.post(
        "/signin", data={"name": _council_name(), "password": "wrong", "csrf_token": _csrf(client)}
    )
    assert response.status_code == 401 and "do not match" in response.text
    latest = site.accounts.audit_log(5)
    assert any(e.event == "sign_in_failed" and e.user_name == _council_name() for e in latest)


def test_forms_need_the_csrf_token(site: Site) -> None:
    """A sign-in without the cookie's CSRF token is refused."""
    client = TestClient(site.app)
    _csrf(client)
    response = client.post(
        "/signin", data={"name": _council_name(), "password": PASSWORD, "csrf_token": "forged"}
    )
    assert response.status_code == 403
    fresh = TestClient(site.app)
    response = fresh.post(
        "/signin", data={"name": _council_name(), "password": PASSWORD, "csrf_token": "x"}
    )
    assert response.status_code == 403


def test_sign_in_redirects_only_within_the_site(site: Site) -> None:
    """`next` pointing elsewhere lands on the map instead."""
    client = TestClient(site.app)
    response = _sign_in(client, "//evil.example/")
    assert response.headers["location"] == "/"


def test_passwords_are_hashed_with_argon2(site: Site) -> None:
    """The accounts table holds Argon2id hashes, never the password."""
    pool = site.accounts._pool  # type: ignore[attr-defined]
    with pool.connection() as con:
        rows = con.execute("SELECT password_hash FROM web_user").fetchall()
    assert rows and all(r["password_hash"].startswith("$argon2id$") for r in rows)
    assert all(PASSWORD not in r["password_hash"] for r in rows)


def test_security_headers(site: Site) -> None:
    """Pages forbid other origins' scripts and framing."""
    headers = site.public.get("/").headers
    assert "script-src 'self'" in headers["content-security-policy"]
    assert headers["x-frame-options"] == "DENY"


def test_repeated_failures_lock_the_name_out(site: Site) -> None:
    """After 5 wrong passwords even the right one is refused for a while."""
    name = "lockout-" + os.environ.get("PYTEST_XDIST_WORKER", "w")
    site.accounts.add_user(name, PASSWORD, Role.COUNCIL)
    client = TestClient(site.app)
    for _ in range(5):
        wrong = client.post(
            "/signin", data={"name": name, "password": "nope", "csrf_token": _csrf(client)}
        )
        assert wrong.status_code == 401
    right = client.post(
        "/signin", data={"name": name, "password": PASSWORD, "csrf_token": _csrf(client)}
    )
    assert right.status_code == 429 and "Too many failed attempts" in right.text
