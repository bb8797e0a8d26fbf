#!/usr/bin/env bash
# Vendors axe-core, the accessibility rules engine the browser tests run in Chromium
# (tests/e2e/test_accessibility.py), so those tests need no network. Fetches the pinned release
# from the npm registry, checks it against the registry's sha512 integrity pinned here, and
# writes tests/e2e/vendor/axe.min.js with its licence (MPL-2.0) beside it.
#
# To move to another release: `npm view axe-core@<version> dist.integrity`, change both pins,
# run this script, commit the two files, and run the accessibility tests.
set -euo pipefail
cd "$(dirname "$0")/.."

AXE_VERSION="4.14.1"
AXE_INTEGRITY="sha512-FHfa+lmNjQZfJz1q8wKqIDwC6DExcHt/pkjNQb09a3NPjCKg2rhu5qb2S4r76ASyFNNtuFooJpZe37OgudVGtQ=="
TARBALL_URL="https://registry.npmjs.org/axe-core/-/axe-core-${AXE_VERSION}.tgz"
TARGET="tests/e2e/vendor"

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

echo "== Fetching axe-core ${AXE_VERSION} from the npm registry"
curl --fail --silent --show-error --location --output "$work/axe-core.tgz" "$TARBALL_URL"

actual="sha512-$(openssl dgst -sha512 -binary "$work/axe-core.tgz" | base64 -w0)"
if [ "$actual" != "$AXE_INTEGRITY" ]; then
  echo "!! Integrity mismatch for axe-core ${AXE_VERSION}:" >&2
  echo "   expected $AXE_INTEGRITY" >&2
  echo "   got      $actual" >&2
  exit 1
fi
echo "== Integrity verified ($AXE_INTEGRITY)"

tar -xzf "$work/axe-core.tgz" -C "$work"
packaged="$(sed -n 's/^ *"version": *"\([^"]*\)".*/\1/p' "$work/package/package.json" | head -1)"
if [ "$packaged" != "$AXE_VERSION" ]; then
  echo "!! The tarball says version $packaged, not $AXE_VERSION" >&2
  exit 1
fi

mkdir -p "$TARGET"
cp "$work/package/axe.min.js" "$TARGET/axe.min.js"
cp "$work/package/LICENSE" "$TARGET/axe-core.LICENSE"
echo "$AXE_VERSION" > "$TARGET/axe-core.VERSION"
echo "== Wrote $TARGET/axe.min.js, axe-core.LICENSE and axe-core.VERSION (axe-core $AXE_VERSION, MPL-2.0)"
