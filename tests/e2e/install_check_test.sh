#!/usr/bin/env bash
# tools/install-deps.sh --check (what tools/run-tests.sh asks before it installs anything): with a
# dpkg-query that reports one package missing it exits 1 naming it; with every package reported
# installed (and node_modules as the lock pins it, which configuring the build required) it exits 0.
set -uo pipefail
src=$1
fake=$(mktemp -d)
trap 'rm -rf "$fake"' EXIT
cat > "$fake/dpkg-query" <<'SH'
#!/bin/sh
for a; do p=$a; done
if [ "$p" = "${TG_FAKE_MISSING:-}" ]; then printf 'deinstall ok config-files'; else printf 'install ok installed'; fi
SH
chmod +x "$fake/dpkg-query"
err=$(TG_FAKE_MISSING=graphviz PATH="$fake:$PATH" "$src/tools/install-deps.sh" --check 2>&1 >/dev/null)
rc=$?
[ $rc -eq 1 ] || { echo "one package missing: exit $rc, not 1"; exit 1; }
[ "$err" = "missing: graphviz" ] || { echo "one package missing: said '$err'"; exit 1; }
err=$(PATH="$fake:$PATH" "$src/tools/install-deps.sh" --check 2>&1 >/dev/null)
rc=$?
[ $rc -eq 0 ] || { echo "nothing missing: exit $rc ($err)"; exit 1; }
echo ok
