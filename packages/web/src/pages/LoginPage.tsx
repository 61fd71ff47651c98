// Log in with username and password. A wrong pair says so without telling which one was wrong
// (the server answers both the same way).
import { ApiError, UnauthorizedError, type Argilla } from '@argilla-ts/client';
import { Field, Notice, onSubmit, useForm } from '../components.js';
import { describeError } from '../errors.js';
import { logIn, type Me } from '../session.js';

interface Props {
  notice?: string;
  onLogin: (client: Argilla, me: Me) => void;
  newClient: () => Argilla;
}

export function LoginPage({ notice, onLogin, newClient }: Props) {
  const form = useForm({ username: '', password: '' });
  const { values } = form;

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
        throw error;
      }
    });
    if (me) onLogin(client, me);
  };

  return (
    <div class="login-page">
      <main id="main" class="login-card">
        <p class="brand brand-large" aria-hidden="true">
          Argilla
        </p>
        <h1>Log in</h1>
        {notice ? <Notice kind="info">{notice}</Notice> : null}
        {form.message ? (
          <Notice kind="error">
            <span data-testid="login-error">{form.message}</span>
          </Notice>
        ) : null}
        <form onSubmit={onSubmit(submit)} noValidate aria-label="Log in">
          <Field label="Username" {...form.field('username')} autoComplete="username" autoFocus required />
          <Field label="Password" type="password" {...form.field('password')} autoComplete="current-password" required />
          <button type="submit" disabled={form.busy}>
            {form.busy ? 'Logging in…' : 'Log in'}
          </button>
        </form>
      </main>
    </div>
  );
}

/** A login failure worded for the person (shown as the form's message). */
class LoginFailed extends Error {}
