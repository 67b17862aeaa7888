import type { ReactNode, Ref } from 'react';

export function Card({ title, actions, children, className, labelledBy, ref }: { title?: ReactNode; actions?: ReactNode; children: ReactNode; className?: string; labelledBy?: string; ref?: Ref<HTMLElement> }) {
  return (
    <section ref={ref} className={`card ${className ?? ''}`} aria-labelledby={labelledBy}>
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
