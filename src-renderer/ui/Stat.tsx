import type { ReactNode } from 'react';

/** One figure with its label; `testId` and `raw` let e2e tests compare the exact number behind the shown one. */
export function Stat({ label, value, sub, testId, raw }: { label: string; value: ReactNode; sub?: ReactNode; testId?: string; raw?: string | number | boolean }) {
  return (
    <div className="stat">
      <dt>{label}</dt>
      <dd data-testid={testId} data-value={raw === undefined ? undefined : String(raw)}>
        {value}
        {sub !== undefined && <small> {sub}</small>}
      </dd>
    </div>
  );
}
