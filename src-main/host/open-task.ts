import type { SessionDto } from '../../src-core/api/dto.ts';
import { SnapscopeError } from '../../src-core/errors.ts';
import type { Task } from '../../src-core/jobs/job.ts';
import type { Progress } from '../../src-core/jobs/progress.ts';

export type ScanProgress = (done: number, total: number) => void;

export interface OpenHooks {
  /** Send the progress now (throttled by the registry). */
  report(): void;
  /** Whether the job was asked to stop. */
  stop(): boolean;
}

/**
 * Opening a store as a job. Phase 'open': the devices (in-use check, perhaps the privileged
 * helper and its password prompt); phase 'scan': the persistent store's exception table, the
 * long part on a large COW. Both happen in one synchronous engine call, so progress is sent and a
 * cancel is noticed from inside it: the scan throws, and the session's open closes the devices.
 */
export class OpenTask implements Task<SessionDto> {
  private now: Progress = { phase: 'open', done: 0, total: 1, unit: 'chunks' };
  private opened: SessionDto | null = null;

  constructor(
    private readonly open: (onProgress: ScanProgress) => SessionDto,
    private readonly hooks: OpenHooks,
  ) {}

  step(): boolean {
    this.opened = this.open((done, total) => {
      this.now = { phase: 'scan', done, total, unit: 'chunks' };
      if (this.hooks.stop()) throw new SnapscopeError('cancelled', 'open cancelled by request; nothing was changed');
      this.hooks.report();
    });
    this.now = { ...this.now, done: this.now.total };
    return true;
  }

  progress(): Progress {
    return this.now;
  }

  result(): SessionDto {
    if (!this.opened) throw new SnapscopeError('usage', 'the store is not open yet');
    return this.opened;
  }
}
