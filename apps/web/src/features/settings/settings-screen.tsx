import './settings.css';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useId, useRef, useState } from 'react';
import { type ApiError, endSession, toApiError } from '../../api/client';
import { Dialog } from '../../components/dialog';
import { ErrorNotice, Loading, Page } from '../../components/ui';
import { formatDate, formatDateTime } from '../../lib/format';
import {
  changePassword,
  deleteAccount,
  downloadExport,
  type ExportFormat,
  meQuery,
  revokeSession,
  type Session,
  sessionsQuery,
} from './api';
import { startDeletionProgress } from './deletion';

export function SettingsScreen() {
  return (
    <Page title="Settings">
      <Profile />
      <PasswordChange />
      <Sessions />
      <Export />
      <DeleteAccount />
    </Page>
  );
}

function Profile() {
  const me = useQuery(meQuery);
  return (
    <section className="card" aria-labelledby="profile-title">
      <h2 id="profile-title">Profile</h2>
      <ErrorNotice error={me.error} />
      {me.isPending && <Loading label="Loading your profile…" />}
      {me.data && (
        <dl className="facts">
          <dt>Email</dt>
          <dd>{me.data.email}</dd>
          <dt>Member since</dt>
          <dd>{formatDate(me.data.createdAt.slice(0, 10))}</dd>
        </dl>
      )}
    </section>
  );
}

function PasswordField({
  label,
  value,
  onChange,
  errors,
  autoComplete,
  focusFirst,
}: {
  focusFirst?: boolean;
  label: string;
  value: string;
  onChange: (v: string) => void;
  errors: string[];
  autoComplete: string;
}) {
  const id = useId();
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <input
        id={id}
        type="password"
        value={value}
        autoComplete={autoComplete}
        data-autofocus={focusFirst || undefined}
        required
        aria-invalid={errors.length > 0 || undefined}
        aria-describedby={errors.length > 0 ? `${id}-err` : undefined}
        onChange={(e) => onChange(e.target.value)}
      />
      {errors.length > 0 && (
        <p id={`${id}-err`} className="field-error">
          {errors.join(' ')}
        </p>
      )}
    </div>
  );
}

function PasswordChange() {
  const queryClient = useQueryClient();
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError>();
  const [done, setDone] = useState(false);
  const submit = async (e: FormEvent): Promise<void> => {
    e.preventDefault();
    if (busy) return;
    setError(undefined);
    setDone(false);
    if (next.length < 8) {
      setError(toApiError(new Error('The new password needs at least 8 characters.')));
      return;
    }
    setBusy(true);
    try {
      await changePassword(current, next);
      setCurrent('');
      setNext('');
      setDone(true);
      await queryClient.invalidateQueries({ queryKey: ['sessions'] });
    } catch (err) {
      setError(toApiError(err));
    } finally {
      setBusy(false);
    }
  };
  const wrong = error?.code === 'INVALID_CREDENTIALS' ? ['This is not your current password.'] : [];
  return (
    <section className="card" aria-labelledby="password-title">
      <h2 id="password-title">Password</h2>
      <form onSubmit={(e) => void submit(e)} noValidate>
        <PasswordField
          label="Current password"
          value={current}
          onChange={setCurrent}
          errors={wrong}
          autoComplete="current-password"
        />
        <PasswordField
          label="New password"
          value={next}
          onChange={setNext}
          errors={error?.fieldErrors('newPassword') ?? []}
          autoComplete="new-password"
        />
        <p className="muted small">
          At least 8 characters. Every other device is signed out; this one stays.
        </p>
        {error && wrong.length === 0 && error.fieldErrors('newPassword').length === 0 && (
          <ErrorNotice error={error} />
        )}
        {done && (
          <p className="notice info" role="status">
            Password changed. Your other devices are signed out.
          </p>
        )}
        <button type="submit" className="primary" aria-disabled={busy}>
          {busy ? 'Changing…' : 'Change password'}
        </button>
      </form>
    </section>
  );
}

// "Chrome on Linux" from a user agent, good enough to recognise one's own devices.
export function deviceName(userAgent: string | null): string {
  if (!userAgent) return 'Unknown device';
  const browser = /Edg\//.test(userAgent)
    ? 'Edge'
    : /Firefox\//.test(userAgent)
      ? 'Firefox'
      : /Chrome\/|Chromium\//.test(userAgent)
        ? 'Chrome'
        : /Safari\//.test(userAgent)
          ? 'Safari'
          : null;
  const os = /Android/.test(userAgent)
    ? 'Android'
    : /iPhone|iPad/.test(userAgent)
      ? 'iOS'
      : /Mac OS X/.test(userAgent)
        ? 'macOS'
        : /Windows/.test(userAgent)
          ? 'Windows'
          : /Linux/.test(userAgent)
            ? 'Linux'
            : null;
  if (browser && os) return `${browser} on ${os}`;
  return browser ?? os ?? 'Another app';
}

function Sessions() {
  const queryClient = useQueryClient();
  const res = useQuery(sessionsQuery);
  const [error, setError] = useState<ApiError>();
  const heading = useRef<HTMLHeadingElement>(null);
  const revoke = async (s: Session): Promise<void> => {
    setError(undefined);
    try {
      await revokeSession(s.id);
      await queryClient.invalidateQueries({ queryKey: ['sessions'] });
      heading.current?.focus();
    } catch (err) {
      setError(toApiError(err));
    }
  };
  const sessions = [...(res.data?.data ?? [])].sort((a, b) => Number(b.current) - Number(a.current));
  return (
    <section className="card" aria-labelledby="sessions-title">
      <h2 id="sessions-title" tabIndex={-1} ref={heading}>
        Signed-in devices
      </h2>
      <ErrorNotice error={res.error ?? error} />
      {res.isPending && <Loading label="Loading your devices…" />}
      <ul className="plain sessions">
        {sessions.map((s) => (
          <li key={s.id} className="session">
            <div>
              <p>
                <strong>{deviceName(s.userAgent)}</strong>
                {s.current && <span className="badge badge-healthy">This device</span>}
              </p>
              <p className="muted small">
                Last active {formatDateTime(s.lastUsedAt)}
                {s.ip ? ` · ${s.ip}` : ''} · signed in {formatDate(s.createdAt.slice(0, 10))}
              </p>
            </div>
            {!s.current && (
              <button type="button" onClick={() => void revoke(s)}>
                Sign out
                <span className="sr-only">
                  {' '}
                  {deviceName(s.userAgent)}, last active {formatDateTime(s.lastUsedAt)}
                </span>
              </button>
            )}
          </li>
        ))}
      </ul>
    </section>
  );
}

const KB = 1024;
const size = (bytes: number): string =>
  bytes < KB
    ? `${bytes} bytes`
    : bytes < KB * KB
      ? `${Math.round(bytes / KB)} KB`
      : `${(bytes / KB / KB).toFixed(1)} MB`;

function Export() {
  const [format, setFormat] = useState<ExportFormat | null>(null);
  const [bytes, setBytes] = useState(0);
  const [saved, setSaved] = useState<string | null>(null);
  const [error, setError] = useState<ApiError>();
  const run = async (f: ExportFormat): Promise<void> => {
    if (format) return;
    setFormat(f);
    setBytes(0);
    setSaved(null);
    setError(undefined);
    try {
      const file = await downloadExport(f, setBytes);
      const url = URL.createObjectURL(file.blob);
      const a = document.createElement('a');
      a.href = url;
      a.download = file.filename;
      document.body.appendChild(a);
      a.click();
      a.remove();
      window.setTimeout(() => URL.revokeObjectURL(url), 60_000);
      setSaved(`${file.filename} (${size(file.blob.size)}) is in your downloads.`);
    } catch (err) {
      setError(toApiError(err));
    } finally {
      setFormat(null);
    }
  };
  return (
    <section className="card" aria-labelledby="export-title">
      <h2 id="export-title">Export your data</h2>
      <p>Everything we hold about you: profile, devices, connections, accounts, balances and transactions.</p>
      <div className="actions">
        <button type="button" onClick={() => void run('json')} aria-disabled={format !== null}>
          Download JSON
        </button>
        <button type="button" onClick={() => void run('csv')} aria-disabled={format !== null}>
          Download CSV (zip)
        </button>
      </div>
      {format && (
        <p role="status" className="export-progress">
          <progress aria-label="Export download" />
          Preparing your {format === 'csv' ? 'CSV files' : 'JSON file'}…{' '}
          {bytes > 0 && `${size(bytes)} received`}
        </p>
      )}
      {saved && (
        <p className="notice info" role="status">
          {saved}
        </p>
      )}
      <ErrorNotice error={error} />
    </section>
  );
}

function DeleteAccount() {
  const [open, setOpen] = useState(false);
  return (
    <section className="card danger-zone" aria-labelledby="delete-title">
      <h2 id="delete-title">Delete your account</h2>
      <p>
        Your bank connections are closed, and your accounts, transactions, rules and settings are deleted for
        good. Export your data first if you want to keep it.
      </p>
      <button type="button" className="danger" onClick={() => setOpen(true)}>
        Delete my account…
      </button>
      {open && <ConfirmDelete onCancel={() => setOpen(false)} />}
    </section>
  );
}

function ConfirmDelete({ onCancel }: { onCancel: () => void }) {
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError>();
  const submit = async (e: FormEvent): Promise<void> => {
    e.preventDefault();
    if (busy) return;
    setBusy(true);
    setError(undefined);
    try {
      const accepted = await deleteAccount(password);
      startDeletionProgress(accepted.statusUrl);
      // Every session of the account has ended on the server: this page's too.
      endSession();
    } catch (err) {
      setError(toApiError(err));
      setBusy(false);
    }
  };
  const wrong = error?.code === 'INVALID_CREDENTIALS' ? ['This is not your password.'] : [];
  return (
    <Dialog title="Delete your account for good?" onClose={onCancel}>
      <form onSubmit={(e) => void submit(e)} noValidate>
        <p>This cannot be undone. Enter your password to confirm.</p>
        <PasswordField
          label="Your password"
          value={password}
          onChange={setPassword}
          errors={wrong}
          autoComplete="current-password"
          focusFirst
        />
        {error && wrong.length === 0 && <ErrorNotice error={error} />}
        <div className="actions">
          <button type="button" onClick={onCancel}>
            Keep my account
          </button>
          <button type="submit" className="danger" aria-disabled={busy}>
            {busy ? 'Deleting…' : 'Delete my account'}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
