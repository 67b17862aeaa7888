#!/usr/bin/env node
// The `snapscope` command is bin/snapscope.cjs (package.json "bin"); this name is kept for the
// scripts, tests and docs that run `node bin/snapscope.mjs`.
import './snapscope.cjs';
