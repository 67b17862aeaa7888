import fs from 'node:fs';
import path from 'node:path';
import type { RecentStore } from '../../src-core/api/dto.ts';
import { storeIdentity } from './store-identity.ts';

const MAX_RECENT = 12;

/** The recently opened stores, newest first, in `<dataDir>/recent.json`. */
export class RecentList {
  constructor(private readonly file: string) {}

  static in(dataDir: string): RecentList {
    return new RecentList(path.join(dataDir, 'recent.json'));
  }

  list(): RecentStore[] {
    try {
      const parsed: unknown = JSON.parse(fs.readFileSync(this.file, 'utf8'));
      return Array.isArray(parsed) ? (parsed as RecentStore[]).filter((r) => typeof r?.cow === 'string') : [];
    } catch {
      return [];
    }
  }

  /**
   * Puts `entry` first. One entry per store: a file, a link to it and a loop device over all of it
   * are one store (where its bytes are now, storeIdentity), listed under the path used last. A
   * path that names nothing now is kept by its text.
   */
  add(entry: RecentStore): void {
    const seen = new Set<string>();
    const firstOfItsStore = (r: RecentStore): boolean => {
      const key = storeIdentity(r.cow)?.key ?? `path ${r.cow}`;
      return !seen.has(key) && Boolean(seen.add(key));
    };
    const next = [entry, ...this.list()].filter(firstOfItsStore).slice(0, MAX_RECENT);
    try {
      fs.mkdirSync(path.dirname(this.file), { recursive: true });
      fs.writeFileSync(this.file, `${JSON.stringify(next, null, 2)}\n`);
    } catch {
      /* a read-only home only loses the recent list */
    }
  }
}
