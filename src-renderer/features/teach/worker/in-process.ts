/**
 * The teach server in the caller's thread, for tests (jsdom has no Worker): the same requests and
 * replies, each cloned as postMessage would, delivered at once.
 */
import type { TeachEngine, TeachReply } from '../engine/protocol.ts';
import { createTeachServer } from './teach-server.ts';

export function inProcessTeachEngine(): TeachEngine {
  const serve = createTeachServer();
  const listeners = new Set<(reply: TeachReply) => void>();
  return {
    post(request) {
      const reply = structuredClone(serve(structuredClone(request)));
      for (const l of listeners) l(reply);
    },
    listen(onReply) {
      listeners.add(onReply);
      return () => listeners.delete(onReply);
    },
    close: () => listeners.clear(),
  };
}
