import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import type { Connection } from '../client/connection.ts';
import type { EngineClient } from '../client/engine-client.ts';
import { createAppStore } from '../store/index.ts';
import { App } from './App.tsx';

/** What both entry points share once they have a client. */
export function boot(client: EngineClient, connection?: Connection): void {
  const root = document.getElementById('root');
  if (!root) throw new Error('index.html lacks #root');
  createRoot(root).render(
    <StrictMode>
      <App store={createAppStore(client, connection)} />
    </StrictMode>,
  );
}

/** Without a client there is nothing to show but why. */
export function bootFailure(title: string, message: string): void {
  const root = document.getElementById('root');
  if (!root) return;
  createRoot(root).render(
    <div className="content" style={{ maxWidth: 640, margin: '10vh auto' }}>
      <div className="alert error" role="alert">
        <div>
          <strong>{title}</strong>
          <p>{message}</p>
        </div>
      </div>
    </div>,
  );
}
