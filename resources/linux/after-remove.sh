#!/bin/sh
rm -f /usr/lib/snapscope/snapscope-helper /usr/share/polkit-1/actions/org.snapscope.helper.policy
