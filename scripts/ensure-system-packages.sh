#!/usr/bin/env bash
# Install the Debian packages the web tool's tests and demo need, only when missing:
# PostgreSQL (accounts, sessions, tokens, audit log) and chromium (browser tests).
# Safe to run repeatedly; does nothing when both are present.
set -euo pipefail

missing=()
if ! compgen -G "/usr/lib/postgresql/*/bin/initdb" > /dev/null; then
    missing+=(postgresql)
fi
if ! command -v chromium > /dev/null; then
    missing+=(chromium)
fi
if [ ${#missing[@]} -eq 0 ]; then
    exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo > /dev/null; then
        SUDO=sudo
    else
        echo "missing Debian packages: ${missing[*]} (run as root: apt-get install -y ${missing[*]})" >&2
        exit 1
    fi
else
    SUDO=
fi
echo "installing Debian packages: ${missing[*]}"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" > /dev/null
