import { afterEach, expect, it } from 'vitest';
import type { EngineService } from '../../src-main/host/engine-service.ts';
import { appOverEngine, tempDir } from './fixtures.ts';

let service: EngineService | undefined;
afterEach(async () => service?.dispose());

// A path typed into Tools whose folder does not exist got the hint for a device gone missing
// ("Check that it is still attached and readable, then open it again from Start"): the engine says
// "directory … does not exist" as an I/O error. Nothing is at that path: the hint says so.
it('a path in a folder that does not exist gets the hint for a path with nothing at it', async () => {
  const dir = tempDir();
  const app = appOverEngine(dir);
  service = app.service;
  const missing = `${dir}/no-such-folder/store.cow`;
  for (const tool of ['runCheck', 'runStats'] as const) {
    await app.store.getState()[tool]({ cow: missing });
    const error = app.store.getState().toolError;
    expect(error?.message, tool).toContain('does not exist');
    expect(error?.hint, tool).toMatch(/^Nothing is at that path/);
  }
});
