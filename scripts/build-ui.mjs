#!/usr/bin/env node
// Builds the renderer into out/renderer with Vite's programmatic API (config: vite.renderer.config.ts).
import { fileURLToPath } from 'node:url';
import { build } from 'vite';

const configFile = fileURLToPath(new URL('../vite.renderer.config.ts', import.meta.url));
await build({ configFile, logLevel: process.env.CI ? 'warn' : 'info' });
