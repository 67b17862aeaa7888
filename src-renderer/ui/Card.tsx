import type { ReactNode } from 'react';

export function Card({ title, actions, children, className, labelledBy }: { title?: ReactNode; actions?: ReactNode; children: ReactNode; className?: string; labelledBy?: string }) {
  return (
    <section className={`card ${className ?? ''}`} aria-labelledby={labelledBy}>
      {(title !== undefined || actions !== undefined) && (
        <div className="card-head">
          {title !== undefined && <h2 id={labelledBy}>{title}</h2>}
          <span className="spacer" />
          {actions}
        </div>
      )}
      {children}
    </section>
  );
}
