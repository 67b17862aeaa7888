#!/usr/bin/env bash
# Creates the unprivileged user the helper test runs as, and lets it run the helper (only) via sudo,
# with the devices it is started for as arguments (the helper itself refuses anything else).
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
id snapscope-test >/dev/null 2>&1 || useradd --system --no-create-home --shell /usr/sbin/nologin snapscope-test
node_bin=$(command -v node)
cat > /etc/sudoers.d/snapscope-test <<SUDO
snapscope-test ALL=(root) NOPASSWD: $node_bin $top/src-main/helper/run-helper.mjs *
SUDO
chmod 0440 /etc/sudoers.d/snapscope-test
# The unprivileged side must be able to read the checkout.
d="$top"; while [ "$d" != / ]; do chmod o+rx "$d" 2>/dev/null || true; d=$(dirname "$d"); done
chmod -R o+rX "$top"
