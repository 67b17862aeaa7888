import { useEffect, useState } from 'react';
import type { ActivityEntry } from '../store/activity-slice.ts';
import { useAppStore } from './store-context.tsx';

const ENDED: Record<string, string> = { ok: 'done', error: 'failed', cancelled: 'cancelled' };

/** "create snapshot 'weekly': done", "check: failed, <why>": an Activity entry as it ends. */
function said(e: ActivityEntry): string {
  // An error's detail starts with its code, which is for the log, not for the ear.
  const detail = e.detail?.replace(/^[a-z][a-z-]*: /, '');
  return `${e.label}: ${ENDED[e.status]}${detail ? `, ${detail}` : ''}`;
}

/**
 * A polite live region saying what ended — a write, a job — as Activity logs it, and what a view
 * asks to say (`announce`: an answer drawn away from the keyboard), so a screen reader hears what
 * the eye sees appear. Entries that were over before the page looked are not said.
 */
export function Announcer() {
  const store = useAppStore();
  const [text, setText] = useState('');
  useEffect(() => {
    const heard = new Map<number, string>(store.getState().activity.map((e) => [e.id, `${e.status}|${e.detail}`]));
    return store.subscribe((s, prev) => {
      if (s.announcement !== prev.announcement && s.announcement) setText(s.announcement.text);
      if (s.activity === prev.activity) return;
      for (const e of s.activity) {
        const now = `${e.status}|${e.detail}`;
        const before = heard.get(e.id);
        if (before === now) continue;
        heard.set(e.id, now);
        // An entry ending, or an ended job's result arriving; not log events, not what was over before the page looked.
        if (e.status !== 'running' && e.kind !== 'event' && (before !== undefined || e.kind === 'job')) setText(said(e));
      }
    });
  }, [store]);
  return (
    <div className="sr-only" role="status" aria-live="polite" data-testid="announcer">
      {text}
    </div>
  );
}
