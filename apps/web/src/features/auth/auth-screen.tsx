import { type FormEvent, useId, useRef, useState } from 'react';
import { type ApiError, login, signup, toApiError } from '../../api/client';
import { Link } from '../../app/router';
import { ErrorNotice } from '../../components/ui';
import { useCountdown } from '../../lib/use-countdown';
import { formatWait } from '../../lib/format';

// Sign up and log in: one form, the API's field errors under their fields, a throttled login's wait counted down.
export function AuthScreen({ mode, message }: { mode: 'login' | 'signup'; message?: string }) {
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<ApiError>();
  const [busy, setBusy] = useState(false);
  const [wait, startWait] = useCountdown();
  const signingUp = mode === 'signup';
  const title = signingUp ? 'Create your account' : 'Log in';

  const form = useRef<HTMLFormElement>(null);
  const submit = async (e: FormEvent): Promise<void> => {
    e.preventDefault();
    if (busy || wait > 0) return;
    setBusy(true);
    setError(undefined);
    try {
      await (signingUp ? signup(email, password) : login(email, password));
    } catch (err) {
      const apiError = toApiError(err);
      setError(apiError);
      if (apiError.retryAfterSeconds) startWait(apiError.retryAfterSeconds);
      // Focus goes to the first field the API refused, else stays on the form (never falls to <body>).
      const invalid = apiError.details[0]?.field;
      const target = invalid ? form.current?.querySelector<HTMLElement>(`[name="${invalid}"]`) : null;
      (target ?? form.current?.querySelector<HTMLElement>('input'))?.focus();
    } finally {
      setBusy(false);
    }
  };

  const fieldErrors = (field: string): string[] => error?.fieldErrors(field) ?? [];
  // Field problems show under their fields, a throttle as its wait; anything else above the form.
  const general = error && error.details.length === 0 && error.retryAfterSeconds === null ? error : undefined;

  return (
    <main className="auth" id="main">
      <h1>{title}</h1>
      {message && !error && (
        <p className="notice info" role="status">
          {message}
        </p>
      )}
      <ErrorNotice error={general} />
      {wait > 0 && (
        <p className="notice warn" role="status">
          Too many attempts. Try again in {formatWait(wait)}.
        </p>
      )}
      <form ref={form} onSubmit={(e) => void submit(e)} noValidate>
        <Field
          label="Email"
          type="email"
          autoComplete="email"
          value={email}
          onChange={setEmail}
          errors={fieldErrors('email')}
        />
        <Field
          label="Password"
          type="password"
          autoComplete={signingUp ? 'new-password' : 'current-password'}
          value={password}
          onChange={setPassword}
          errors={fieldErrors('password')}
          hint={signingUp ? '8 to 128 characters.' : undefined}
        />
        <button className="primary" type="submit" aria-disabled={busy || wait > 0}>
          {busy ? 'Please wait…' : signingUp ? 'Sign up' : 'Log in'}
        </button>
      </form>
      <p>
        {signingUp ? (
          <>
            Already have an account? <Link to="/login">Log in</Link>
          </>
        ) : (
          <>
            New here? <Link to="/signup">Create an account</Link>
          </>
        )}
      </p>
    </main>
  );
}

interface FieldProps {
  label: string;
  type: string;
  autoComplete: string;
  value: string;
  onChange: (value: string) => void;
  errors: string[];
  hint?: string;
}

function Field({ label, type, autoComplete, value, onChange, errors, hint }: FieldProps) {
  const id = useId();
  const describedBy = [hint ? `${id}-hint` : '', errors.length > 0 ? `${id}-errors` : ''].join(' ').trim();
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <input
        id={id}
        name={label.toLowerCase()}
        type={type}
        autoComplete={autoComplete}
        value={value}
        required
        aria-invalid={errors.length > 0}
        aria-describedby={describedBy || undefined}
        onChange={(e) => onChange(e.target.value)}
      />
      {hint && (
        <p className="hint" id={`${id}-hint`}>
          {hint}
        </p>
      )}
      {errors.length > 0 && (
        <ul className="field-errors" id={`${id}-errors`}>
          {errors.map((m) => (
            <li key={m}>{m}</li>
          ))}
        </ul>
      )}
    </div>
  );
}
