import type { TeachEngine, TeachReply } from './protocol.ts';

/** The teaching engine in a Web Worker: the app's engine (Vite bundles the worker for serve and Electron alike). */
export function workerTeachEngine(): TeachEngine {
  const worker = new Worker(new URL('../worker/teach.worker.ts', import.meta.url), { type: 'module', name: 'snapscope-teach' });
  const listeners = new Set<(reply: TeachReply) => void>();
  const deliver = (reply: TeachReply) => {
    for (const l of listeners) l(reply);
  };
  worker.onmessage = (e: MessageEvent<TeachReply>) => deliver(e.data);
  worker.onerror = (e) => deliver({ kind: 'failed', error: `the teaching engine stopped: ${e.message || 'it could not be loaded'}` });
  return {
    post: (request) => worker.postMessage(request),
    listen(onReply) {
      listeners.add(onReply);
      return () => listeners.delete(onReply);
    },
    close() {
      listeners.clear();
      worker.terminate();
    },
  };
}
