import { createContext } from 'react';
import type { TeachEngine } from './protocol.ts';
import { workerTeachEngine } from './worker-engine.ts';

/** Makes the teach view's engine: a Worker in the app; tests provide the in-process server. */
export const TeachEngineContext = createContext<() => TeachEngine>(workerTeachEngine);
