"""Demo accounts: one council user and one provider user, passwords kept beside the demo."""

from __future__ import annotations

import secrets
from pathlib import Path

from caremarket.web.accounts.account_store import AccountStore
from caremarket.web.viewer import Role

COUNCIL_USER = "council-demo"
PROVIDER_USER = "provider-demo"


def demo_accounts(accounts: AccountStore, provider_id: str, out: Path) -> Path:
    """Create the demo users when missing; their passwords are in OUT/demo-accounts.txt."""
    listing = out / "demo-accounts.txt"
    known: dict[str, str] = {}
    if listing.exists():
        for line in listing.read_text().splitlines():
            name, _, password = line.partition(" ")
            if name and not name.startswith("#"):
                known[name] = password.split(" ")[0]
    lines = ["# Demo accounts (synthetic data only): user password role [provider]"]
    for name, role in ((COUNCIL_USER, Role.COUNCIL), (PROVIDER_USER, Role.PROVIDER)):
        password = known.get(name) or secrets.token_urlsafe(12)
        chosen = provider_id if role is Role.PROVIDER else None
        if accounts.verify_password(name, password) is None:
            try:
                accounts.add_user(name, password, role, chosen)
            except ValueError:
                continue  # made before with a password no longer listed: keep it
        lines.append(f"{name} {password} {role.value} {chosen or ''}".rstrip())
    listing.write_text("\n".join(lines) + "\n")
    listing.chmod(0o600)
    return listing
