import { type Schemas } from '../../api/client';

type LinkConfig = Schemas['LinkConfigDto'];

// Opens Link and resolves with its outcome, whichever Link the gateway says is in use (GET /v1/config): Plaid's
// own (real keys) or the emulator's stand-in page, which answers the same way through window.postMessage.
export type LinkOutcome =
  | { kind: 'success'; publicToken: string; institutionName: string | null }
  | { kind: 'exit'; message: string | null };

interface PlaidHandler {
  open(): void;
  destroy(): void;
}

declare global {
  interface Window {
    Plaid?: {
      create(options: {
        token: string;
        onSuccess(publicToken: string, metadata: { institution: { name: string } | null }): void;
        onExit(error: { display_message: string | null; error_message: string } | null): void;
      }): PlaidHandler;
    };
  }
}

const PLAID_SCRIPT = 'https://cdn.plaid.com/link/v2/stable/link-initialize.js';

export function openLink(config: LinkConfig, linkToken: string, update: boolean): Promise<LinkOutcome> {
  return config.mode === 'emulator' && config.url
    ? openEmulatorLink(config.url, linkToken, update)
    : openPlaidLink(linkToken);
}

interface EmulatorMessage {
  source?: string;
  event?: 'success' | 'exit';
  publicToken?: string;
  metadata?: { institution: { name: string } | null };
  error?: { display_message?: string | null; error_code?: string } | null;
}

function openEmulatorLink(emulatorUrl: string, linkToken: string, update: boolean): Promise<LinkOutcome> {
  const emulatorOrigin = new URL(emulatorUrl).origin;
  const url = new URL('/link', emulatorUrl);
  url.searchParams.set('token', linkToken);
  url.searchParams.set('origin', window.location.origin);
  if (update) url.searchParams.set('update', '1');
  const popup = window.open(url, 'plaid-link', 'popup,width=460,height=680');
  if (!popup)
    return Promise.resolve({ kind: 'exit', message: 'Allow pop-ups for this site to connect a bank.' });
  return new Promise((resolve) => {
    const finish = (outcome: LinkOutcome): void => {
      window.removeEventListener('message', onMessage);
      window.clearInterval(closedPoll);
      resolve(outcome);
    };
    const onMessage = (e: MessageEvent<EmulatorMessage>): void => {
      if (e.origin !== emulatorOrigin || e.data?.source !== 'plaid-sandbox-link') return;
      if (e.data.event === 'success' && e.data.publicToken)
        finish({
          kind: 'success',
          publicToken: e.data.publicToken,
          institutionName: e.data.metadata?.institution?.name ?? null,
        });
      else
        finish({ kind: 'exit', message: e.data.error?.display_message ?? e.data.error?.error_code ?? null });
    };
    window.addEventListener('message', onMessage);
    // Closed with the window's own button: Link's onExit without an error.
    const closedPoll = window.setInterval(() => {
      if (popup.closed) window.setTimeout(() => finish({ kind: 'exit', message: null }), 300);
    }, 500);
  });
}

let plaidScript: Promise<void> | null = null;

function loadPlaid(): Promise<void> {
  plaidScript ??= new Promise<void>((resolve, reject) => {
    const script = document.createElement('script');
    script.src = PLAID_SCRIPT;
    script.onload = () => resolve();
    script.onerror = () => {
      plaidScript = null;
      reject(new Error('Plaid Link could not be loaded'));
    };
    document.head.appendChild(script);
  });
  return plaidScript;
}

async function openPlaidLink(linkToken: string): Promise<LinkOutcome> {
  await loadPlaid();
  const Plaid = window.Plaid;
  if (!Plaid) return { kind: 'exit', message: 'Plaid Link could not be loaded' };
  return new Promise((resolve) => {
    const handler = Plaid.create({
      token: linkToken,
      onSuccess: (publicToken, metadata) => {
        handler.destroy();
        resolve({ kind: 'success', publicToken, institutionName: metadata.institution?.name ?? null });
      },
      onExit: (error) => {
        handler.destroy();
        resolve({ kind: 'exit', message: error ? (error.display_message ?? error.error_message) : null });
      },
    });
    handler.open();
  });
}
