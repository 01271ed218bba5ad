#!/usr/bin/env bash
# Install the Debian packages caremarket's tests and demo use, only when missing.
#   poppler-utils: pdftoppm / pdftotext / pdfinfo, to check and look at the MPS PDF pages.
# Needs root (or sudo) only when something is missing; safe to run again.
set -euo pipefail

declare -A PACKAGE_OF=(
  [pdftoppm]=poppler-utils
  [pdftotext]=poppler-utils
  [pdfinfo]=poppler-utils
)

missing=()
for command in "${!PACKAGE_OF[@]}"; do
  if ! command -v "$command" >/dev/null 2>&1; then
    missing+=("${PACKAGE_OF[$command]}")
  fi
done
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
mapfile -t packages < <(printf '%s\n' "${missing[@]}" | sort -u)
echo "Installing system packages: ${packages[*]}"
if [ "$(id -u)" -eq 0 ]; then
  SUDO=""
elif command -v sudo >/dev/null 2>&1; then
  SUDO="sudo"
else
  echo "Missing ${packages[*]} and not root: install them with apt-get as root." >&2
  exit 1
fi
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${packages[@]}"
