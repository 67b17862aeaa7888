// Starts the engine thread from TypeScript sources (serve runs from sources, ADR 0002);
// a bundled build points its Worker at the compiled worker.js instead.
import { register } from 'tsx/esm/api';

register();
await import('./worker.ts');
