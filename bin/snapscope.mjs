#!/usr/bin/env node
// The CLI runs straight from TypeScript sources through tsx, so `npx snapscope` works right after
// `npm ci` with no build step (ADR 0002).
import { register } from 'tsx/esm/api';

register();
await import('../src-main/cli/main.ts');
