import { Component, type ReactNode } from 'react';

/** A view that throws shows what happened and how to go on, not a blank page. */
export class ErrorBoundary extends Component<{ children: ReactNode; resetKey: string }, { error: Error | null; key: string }> {
  override state = { error: null as Error | null, key: this.props.resetKey };

  static getDerivedStateFromError(error: Error) {
    return { error };
  }

  static getDerivedStateFromProps(props: { resetKey: string }, state: { key: string }) {
    return props.resetKey === state.key ? null : { error: null, key: props.resetKey };
  }

  override render() {
    if (!this.state.error) return this.props.children;
    return (
      <div className="alert error" role="alert">
        <div>
          <strong>This view failed to draw</strong>
          <p>{this.state.error.message}</p>
          <p className="muted">Other views still work. Pick another view, or reload the window; please report the message.</p>
        </div>
      </div>
    );
  }
}
