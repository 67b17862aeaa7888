/**
 * One engine thread (engine-thread.ts): the host-level one or one store's. The engine is synchronous;
 * here it blocks no UI, no socket and no other store. Messages:
 * in `{ id, method, args }`, out `{ id, response }` (an Envelope) or `{ event }`.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { EngineService } from './engine-service.ts';
import type { HostConfig } from './context.ts';

const port = parentPort;
if (!port) throw new Error('worker.ts runs as a worker thread');
const service = new EngineService(workerData as HostConfig);
service.subscribe((event) => port.postMessage({ event }));
port.on('message', (m: { id: number; method: string; args: unknown } | { dispose: true } | { listening: boolean } | { sessionId: string }) => {
  if ('sessionId' in m) {
    service.context.sessionId = m.sessionId;
    return;
  }
  if ('listening' in m) {
    service.context.audience.listening = m.listening;
    return;
  }
  if ('dispose' in m) {
    void service.dispose().then(() => port.postMessage({ disposed: true }));
    return;
  }
  void service.call(m.method, m.args).then((response) => port.postMessage({ id: m.id, response }));
});
