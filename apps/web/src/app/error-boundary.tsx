import { Component, type ReactNode } from 'react';
import { toApiError } from '../api/client';
import { ErrorNotice } from '../components/ui';

// A bug in a screen shows a message instead of a blank page.
export class ErrorBoundary extends Component<{ children: ReactNode }, { error: unknown }> {
  state: { error: unknown } = { error: null };

  static getDerivedStateFromError(error: unknown): { error: unknown } {
    return { error };
  }

  render(): ReactNode {
    if (this.state.error)
      return (
        <main id="main">
          <ErrorNotice error={toApiError(this.state.error)}>
            <button type="button" onClick={() => window.location.reload()}>
              Reload
            </button>
          </ErrorNotice>
        </main>
      );
    return this.props.children;
  }
}
