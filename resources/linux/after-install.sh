#!/bin/sh
# .deb post-install: put the helper wrapper and polkit policy where pkexec looks for them.
set -e
install -D -m 0755 /opt/snapscope/resources/linux/snapscope-helper /usr/lib/snapscope/snapscope-helper
install -D -m 0644 /opt/snapscope/resources/linux/org.snapscope.helper.policy /usr/share/polkit-1/actions/org.snapscope.helper.policy
