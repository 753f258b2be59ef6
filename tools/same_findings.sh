#!/usr/bin/env bash
# Are the findings byte-identical to those of another commit?
#     tools/same_findings.sh [BASE_REF] [SHARED_DIR]      (defaults: db19e7c, ../shared)
# Checks BASE_REF out beside this tree (/tmp/healthclaims-base), gives each tree a virtual
# environment of its own with a real install, runs tools/same_findings.py in both and compares.
set -euo pipefail
cd "$(dirname "$0")/.."
base_ref=${1:-db19e7c}
shared=$(realpath "${2:-../shared}")
base=/tmp/healthclaims-base
here=$(pwd)
if [ ! -d "$base" ]; then git worktree add --detach "$base" "$base_ref" >/dev/null; fi
git -C "$base" checkout -q --detach "$base_ref"
for tree in "$base" "$here"; do
    venv=/tmp/healthclaims-venv-$(basename "$tree")
    [ -x "$venv/bin/healthclaims" ] || { python3 -m venv "$venv" && "$venv/bin/pip" install -q "$tree"; }
    "$venv/bin/pip" install -q --no-deps --force-reinstall "$tree" >/dev/null
    (cd "$tree" && "$venv/bin/python" "$here/tools/same_findings.py" "/tmp/healthclaims-findings/$(basename "$tree")" "$shared")
done
status=0
for f in /tmp/healthclaims-findings/healthclaims-base/*; do
    other=/tmp/healthclaims-findings/$(basename "$here")/$(basename "$f")
    if cmp -s "$f" "$other"; then echo "same       $(basename "$f")"; else echo "DIFFERENT  $(basename "$f")"; status=1; fi
done
exit $status
