#!/usr/bin/env bash
# Refresh the front-end libraries the web tool serves from its own static/ folder
# (no CDN at run time). Fetches the pinned versions from the npm registry with
# `npm pack`, copies the built files and records name, version and integrity in
# src/caremarket/web/static/vendor/VERSIONS.txt. Run by hand; commit the result.
set -euo pipefail

here="$(cd "$(dirname "$0")/.." && pwd)"
vendor="$here/src/caremarket/web/static/vendor"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

packages=(leaflet@1.9.4)

: > "$vendor/VERSIONS.txt"
for spec in "${packages[@]}"; do
    (cd "$work" && npm pack --silent --json "$spec" > "$work/pack.json")
    tarball="$(cd "$work" && ls ./*.tgz | head -1)"
    integrity="$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))[0]["integrity"])' "$work/pack.json")"
    mkdir -p "$work/unpacked" && tar -xzf "$work/$tarball" -C "$work/unpacked"
    case "$spec" in
        leaflet@*)
            mkdir -p "$vendor/leaflet/images"
            cp "$work/unpacked/package/dist/leaflet.js" "$work/unpacked/package/dist/leaflet.css" \
                "$work/unpacked/package/LICENSE" "$vendor/leaflet/"
            cp "$work/unpacked/package/dist/images/"*.png "$vendor/leaflet/images/"
            ;;
    esac
    echo "$spec $integrity" >> "$vendor/VERSIONS.txt"
    rm -rf "$work/unpacked" "$work"/*.tgz
done
cat "$vendor/VERSIONS.txt"
