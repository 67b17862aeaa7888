#!/usr/bin/env bash
# The ssh transport tests (tests/main/live/ssh-transport.test.ts, e2e/live-remote.spec.ts) log in over OpenSSH on 127.0.0.1
# as this throwaway user, which may run exactly the helper (only) via sudo, as an admin would set
# up a monitored host. Each test starts its own sshd with throwaway keys (tests/main/live/sshd.ts).
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
id snapscope-ssh >/dev/null 2>&1 || useradd --system --no-create-home --shell /bin/sh snapscope-ssh
# sshd refuses a locked account (useradd's "!") even for keys; "*" has no password and is not locked.
usermod -p '*' snapscope-ssh
node_bin=$(command -v node)
cat > /etc/sudoers.d/snapscope-ssh <<SUDO
snapscope-ssh ALL=(root) NOPASSWD: $node_bin $top/src-main/helper/run-helper.mjs, $node_bin $top/src-main/helper/run-helper.mjs *
SUDO
chmod 0440 /etc/sudoers.d/snapscope-ssh
d="$top"; while [ "$d" != / ]; do chmod o+rx "$d" 2>/dev/null || true; d=$(dirname "$d"); done
chmod -R o+rX "$top/src-main/helper"
