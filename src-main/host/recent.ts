import fs from 'node:fs';
import path from 'node:path';
import type { RecentStore } from '../../src-core/api/dto.ts';

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

  add(entry: RecentStore): void {
    const next = [entry, ...this.list().filter((r) => r.cow !== entry.cow)].slice(0, MAX_RECENT);
    try {
      fs.mkdirSync(path.dirname(this.file), { recursive: true });
      fs.writeFileSync(this.file, `${JSON.stringify(next, null, 2)}\n`);
    } catch {
      /* a read-only home only loses the recent list */
    }
  }
}
