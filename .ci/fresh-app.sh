#!/usr/bin/env bash
# The README's "Use it in your own app" guide, run for real: the packed library (dist/js, from
# `npx projen package:js`) is installed into a fresh directory with the README's install
# commands, the guide's files (examples/your-app) are copied there, and `cdk8s synth` and the
# CLI run as a user would run them.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
tgz=$(ls "$root"/dist/js/cdk8s-istio@*.tgz 2>/dev/null | head -n 1 || true)
if [ -z "$tgz" ]; then echo "fresh-app: no packed library in dist/js (run npx projen package:js)"; exit 1; fi

# the install block of the guide (the ```sh block after the <!-- fresh-app:install --> marker)
install=$(awk '/<!-- fresh-app:install -->/{m=1; next} m && /^```sh/{b=1; next} b && /^```/{exit} b{print}' README.md)
if ! grep -q '^npm install cdk8s-istio ' <<<"$install"; then
  echo "fresh-app: the README's install block must start a line with 'npm install cdk8s-istio '"; exit 1
fi
# the packed library instead of the registry's (not published from here)
install=${install//npm install cdk8s-istio /npm install $tgz }

work=$(mktemp -d "${TMPDIR:-/tmp}/cdk8s-istio-fresh-app.XXXXXX")
trap '[ -n "${KEEP_FRESH_APP:-}" ] || rm -rf "$work"' EXIT
cp examples/your-app/main.ts examples/your-app/cdk8s.yaml examples/your-app/tsconfig.json "$work/"
cd "$work"
echo "fresh-app: installing in $work"
while IFS= read -r line; do
  [ -z "$line" ] && continue
  echo "+ $line"
  eval "$line" || { echo "fresh-app: '$line' failed"; exit 1; }
done <<<"$install"

echo "+ npx cdk8s synth"
npx cdk8s synth --no-check-upgrade
test -s dist/shop.k8s.yaml || { echo "fresh-app: dist/shop.k8s.yaml was not written"; exit 1; }
# the package ships its CRD validators compiled: the synthesis compiled none into the cache
test -s node_modules/cdk8s-istio/lib/src/analysis/schema/validators/index.json \
  || { echo "fresh-app: the package has no compiled CRD validators (lib/src/analysis/schema/validators)"; exit 1; }
if ls node_modules/.cache/cdk8s-istio/*_*_v*-*.js >/dev/null 2>&1; then
  echo "fresh-app: the synthesis compiled CRD validators the package ships:"; ls node_modules/.cache/cdk8s-istio; exit 1
fi
echo "+ npx cdk8s-istio analyze dist/"
out=$(npx cdk8s-istio analyze dist/)
echo "$out"
grep -q 'No validation issues found' <<<"$out" || { echo "fresh-app: the CLI reported findings that synth did not"; exit 1; }
echo "fresh-app: ok"
