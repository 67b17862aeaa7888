/** The teach worker's entry: the only place the page's bundle runs the teaching engine (off the UI thread). */
import type { TeachReply, TeachRequest } from '../engine/protocol.ts';
import { createTeachServer } from './teach-server.ts';

interface WorkerScope {
  onmessage: ((e: MessageEvent<TeachRequest>) => void) | null;
  postMessage(reply: TeachReply): void;
}

const scope = self as unknown as WorkerScope;
const serve = createTeachServer();
scope.onmessage = (e) => scope.postMessage(serve(e.data));
