// Log in with username and password. A wrong pair says so without telling which one was wrong
// (the server answers both the same way). Beside the form, one button per single sign-on provider;
// when password login is off, the form is kept behind a disclosure for break-glass accounts. A
// failed single sign-on comes back here with its sentence in the address (#/login?sso_error=...).
import { ApiError, UnauthorizedError, type Argilla } from '@argilla-ts/client';
import { Field, Notice, onSubmit, useForm } from '../components.js';
import { describeError } from '../errors.js';
import { useEffect, useState } from 'preact/hooks';
import { parseHash } from '../router.js';
import { listSsoProviders, logIn, type Me, type SsoProvider } from '../session.js';

interface Props {
  notice?: string;
  onLogin: (client: Argilla, me: Me) => void;
  newClient: () => Argilla;
}

export function LoginPage({ notice, onLogin, newClient }: Props) {
  const form = useForm({ username: '', password: '' });
  const { values } = form;
  const [sso, setSso] = useState<{ items: SsoProvider[]; password_login: boolean } | undefined>();
  const route = parseHash(location.hash);
  const ssoError = route.params.get('sso_error');
  const next = route.params.get('next');
  useEffect(() => {
    listSsoProviders()
      .then(setSso)
      .catch(() => setSso({ items: [], password_login: true }));
  }, []);

  const submit = async () => {
    const fieldErrors: Record<string, string> = {};
    if (values.username.trim() === '') fieldErrors.username = 'Enter your username.';
    if (values.password === '') fieldErrors.password = 'Enter your password.';
    if (Object.keys(fieldErrors).length > 0) {
      form.setErrors(fieldErrors);
      form.setMessage(undefined);
      return;
    }
    const client = newClient();
    let me: Me | undefined;
    await form.submit(async () => {
      try {
        me = await logIn(client, values.username.trim(), values.password);
      } catch (error) {
        if (error instanceof UnauthorizedError) throw new LoginFailed('Wrong username or password.');
        if (error instanceof ApiError && error.status === 429) throw new LoginFailed(describeError(error).message ?? 'Too many failed logins: wait a while.');
        if (error instanceof ApiError && error.status === 403) throw new LoginFailed(describeError(error).message ?? 'Password login is turned off.');
        throw error;
      }
    });
    if (me) onLogin(client, me);
  };

  const passwordForm = (
    <form onSubmit={onSubmit(submit)} noValidate aria-label="Log in">
      <Field label="Username" {...form.field('username')} autoComplete="username" autoFocus required />
      <Field label="Password" type="password" {...form.field('password')} autoComplete="current-password" required />
      <button type="submit" disabled={form.busy}>
        {form.busy ? 'Logging in…' : 'Log in'}
      </button>
    </form>
  );

  return (
    <div class="login-page">
      <main id="main" class="login-card">
        <p class="brand brand-large" aria-hidden="true">
          Argilla
        </p>
        <h1>Log in</h1>
        {notice ? <Notice kind="info">{notice}</Notice> : null}
        {ssoError ? (
          <Notice kind="error">
            <span data-testid="sso-error">{ssoError}</span>
          </Notice>
        ) : null}
        {sso && sso.items.length > 0 ? (
          <div class="sso-providers" data-testid="sso-providers">
            {sso.items.map((provider) => (
              <button
                type="button"
                class={sso.password_login ? 'secondary' : undefined}
                key={provider.name}
                onClick={() => location.assign(`${provider.authorize_url}${next ? `?next=${encodeURIComponent(next)}` : ''}`)}
              >
                {`Log in with ${provider.display_name}`}
              </button>
            ))}
          </div>
        ) : null}
        {form.message ? (
          <Notice kind="error">
            <span data-testid="login-error">{form.message}</span>
          </Notice>
        ) : null}
        {sso && !sso.password_login ? (
          <details class="break-glass">
            <summary>Log in with a password (break-glass accounts only)</summary>
            {passwordForm}
          </details>
        ) : (
          passwordForm
        )}
      </main>
    </div>
  );
}

/** A login failure worded for the person (shown as the form's message). */
class LoginFailed extends Error {}
