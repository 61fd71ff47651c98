// Profile: who you are, changing your password (which ends every session, this one included), and
// your API keys: listed masked, created or rotated (the new secret shown once, with a copy button),
// revoked.
import type { Operations } from '@argilla-ts/client';
import { useEffect, useState } from 'preact/hooks';
import type { PageProps } from '../app.js';
import { ConfirmDialog, DataTable, Field, formatDate, NewPasswordField, Notice, onSubmit, PageTitle, SecretOnce, useForm } from '../components.js';
import { describeError } from '../errors.js';

type ApiKey = Operations['GET /api/me/api-keys']['response'][number];

/** A secret the server just issued, which this page shows once. */
interface IssuedSecret {
  /** the id of the key that holds it */
  id: string;
  name: string;
  secret: string;
  /** for a rotation: the key it replaces, and when that one stops (undefined until the list says) */
  replaces?: { preview: string; until?: string | null };
}

export function ProfilePage(props: PageProps) {
  const { me } = props;
  return (
    <section>
      <PageTitle>Your profile</PageTitle>
      <dl class="details" data-testid="profile-details">
        <dt>Username</dt>
        <dd>{me.username}</dd>
        <dt>Name</dt>
        <dd>{me.full_name}</dd>
        <dt>Email</dt>
        <dd>{me.email ?? '—'}</dd>
        <dt>Role</dt>
        <dd>{me.role}</dd>
        <dt>Workspaces</dt>
        <dd>{me.workspaces.length > 0 ? me.workspaces.join(', ') : 'none'}</dd>
      </dl>
      <ChangePassword {...props} />
      <ApiKeys {...props} />
    </section>
  );
}

function ChangePassword({ client, endSession }: PageProps) {
  const form = useForm({ current_password: '', new_password: '', confirm: '' });
  const { values } = form;
  const submit = async () => {
    if (values.new_password !== values.confirm) {
      form.setErrors({ confirm: 'The two new passwords differ.' });
      return;
    }
    if (values.current_password === '') {
      form.setErrors({ current_password: 'Enter your current password.' });
      return;
    }
    const done = await form.submit(async () => {
      await client.request('PATCH /api/me/password', {
        body: { current_password: values.current_password, new_password: values.new_password },
      });
    });
    // The change ended every session of this user, this one too.
    if (done) endSession('Your password was changed and all your sessions were ended: log in again with the new password.');
  };
  return (
    <section class="panel" aria-labelledby="password-title">
      <h2 id="password-title">Change your password</h2>
      <p class="hint">This logs you out everywhere, here too: you will log in again with the new password.</p>
      {form.message ? <Notice kind="error">{form.message}</Notice> : null}
      <form onSubmit={onSubmit(submit)} noValidate aria-labelledby="password-title">
        <Field label="Current password" type="password" {...form.field('current_password')} autoComplete="current-password" required />
        <NewPasswordField label="New password" {...form.field('new_password')} />
        <Field label="New password again" type="password" {...form.field('confirm')} autoComplete="new-password" required />
        <button type="submit" disabled={form.busy}>
          Change password
        </button>
      </form>
    </section>
  );
}

function ApiKeys({ client, refreshMe }: PageProps) {
  const [keys, setKeys] = useState<ApiKey[] | undefined>();
  const [loadError, setLoadError] = useState<string | undefined>();
  const [created, setCreated] = useState<IssuedSecret | undefined>();
  const [revoking, setRevoking] = useState<ApiKey | undefined>();
  const [rotating, setRotating] = useState<ApiKey | undefined>();
  const [status, setStatus] = useState<string | undefined>();
  const form = useForm({ name: '', expires: '' });
  const revokeForm = useForm({});
  const rotateForm = useForm({});

  /** Fetches the keys again; resolves to them, or to undefined when that failed (the error is shown). */
  const load = async (): Promise<ApiKey[] | undefined> => {
    try {
      const list = (await client.request('GET /api/me/api-keys')).body;
      setKeys(list);
      setLoadError(undefined);
      return list;
    } catch (error) {
      setLoadError(describeError(error).message);
      return undefined;
    }
  };
  // Once, when the page opens; later loads follow the changes made here. (`load` is a new function
  // on every render, so listing it would fetch again each time.)
  useEffect(() => {
    load();
  }, []);

  const create = async () => {
    setStatus(undefined);
    const done = await form.submit(async () => {
      // A date means "until the end of that day", in the browser's time zone.
      const expiresAt = form.values.expires ? new Date(`${form.values.expires}T23:59:59`).toISOString() : undefined;
      const answer = await client.request('POST /api/me/api-keys', { body: { name: form.values.name.trim(), expires_at: expiresAt } });
      setCreated({ id: answer.body.id, name: answer.body.name, secret: answer.body.api_key });
    });
    if (done) {
      form.setValues({ name: '', expires: '' });
      await load();
    }
  };

  const revoke = async () => {
    if (!revoking) return;
    const key = revoking;
    const done = await revokeForm.submit(async () => {
      await client.request('DELETE /api/me/api-keys/{key_id}', { path: { key_id: key.id } });
    });
    if (done) {
      setRevoking(undefined);
      setStatus(`Key "${key.name}" revoked: it no longer works.`);
      if (created && created.id === key.id) setCreated(undefined);
      await load();
      await refreshMe().catch(() => {});
    }
  };

  const askRotate = (key: ApiKey) => {
    rotateForm.setMessage(undefined);
    setRotating(key);
  };

  const rotate = async () => {
    if (!rotating) return;
    const old = rotating;
    let issued: IssuedSecret | undefined;
    const done = await rotateForm.submit(async () => {
      const answer = await client.request('POST /api/me/api-keys/{key_id}/rotate', { path: { key_id: old.id } });
      issued = { id: answer.body.id, name: answer.body.name, secret: answer.body.api_key, replaces: { preview: old.preview } };
    });
    if (!done || !issued) return;
    const fresh = issued;
    setRotating(undefined);
    setStatus(undefined);
    // The secret is shown at once; the old key's end of grace comes with the reloaded list.
    setCreated(fresh);
    const list = await load();
    const until = list ? (list.find((key) => key.id === old.id)?.expires_at ?? null) : undefined;
    setCreated((shown) => (shown?.id === fresh.id ? { ...shown, replaces: { preview: old.preview, until } } : shown));
  };

  return (
    <section class="panel" aria-labelledby="keys-title">
      <h2 id="keys-title">Your API keys</h2>
      <p class="hint">
        For scripts and the Python or TypeScript client (header X-Argilla-Api-Key). Only a masked preview is kept visible. Rotating a key gives it a
        new secret while the old one still works for a while, so scripts can switch without an outage.
      </p>
      {status ? <Notice kind="success">{status}</Notice> : null}
      {loadError ? <Notice kind="error">{loadError}</Notice> : null}
      {keys && keys.length === 0 ? <p>You have no API keys.</p> : null}
      {keys && keys.length > 0 ? (
        <DataTable testId="api-keys" columns={['Name', 'Key', 'Created', 'Last used', 'Expires']} actions>
          {keys.map((key) => (
            <tr key={key.id} data-preview={key.preview}>
              <th scope="row" data-label="Name">
                {key.name}
              </th>
              <td data-label="Key" class="mono">
                {key.preview}
              </td>
              <td data-label="Created">{formatDate(key.created_at)}</td>
              <td data-label="Last used">{key.last_used_at ? formatDate(key.last_used_at) : 'never'}</td>
              <td data-label="Expires">{key.expires_at ? formatDate(key.expires_at) : 'never'}</td>
              <td data-label="Actions">
                {/* The preview in the names tells apart a rotated key from its replacement (same name). */}
                <div class="row-actions">
                  <button type="button" class="secondary" onClick={() => askRotate(key)} aria-label={`Rotate key ${key.name} (${key.preview})`}>
                    Rotate
                  </button>
                  <button type="button" class="danger" onClick={() => setRevoking(key)} aria-label={`Revoke key ${key.name} (${key.preview})`}>
                    Revoke
                  </button>
                </div>
              </td>
            </tr>
          ))}
        </DataTable>
      ) : null}
      {created ? (
        <Notice kind="success">
          {created.replaces ? (
            <p data-testid="rotated-key">
              Key "{created.name}" rotated: below is its new secret. The old one ({created.replaces.preview}) keeps working{' '}
              {created.replaces.until ? `until ${formatDate(created.replaces.until)}` : 'for the grace period'}, then stops: switch your scripts to the
              new one before then.
            </p>
          ) : (
            <p>Key "{created.name}" created.</p>
          )}
          <SecretOnce label="Your new API key" secret={created.secret} />
        </Notice>
      ) : null}
      <h3 id="new-key-title">Create a key</h3>
      {form.message ? <Notice kind="error">{form.message}</Notice> : null}
      <form onSubmit={onSubmit(create)} noValidate aria-labelledby="new-key-title" class="inline-form">
        <Field label="Name" {...form.field('name')} hint="What it is for, e.g. ci." required />
        <Field label="Expires on (optional)" type="date" {...form.field('expires', 'expires_at')} />
        <button type="submit" disabled={form.busy}>
          Create key
        </button>
      </form>
      <ConfirmDialog
        title="Revoke this API key?"
        open={revoking !== undefined}
        onClose={() => setRevoking(undefined)}
        confirmLabel="Revoke key"
        onConfirm={revoke}
        busy={revokeForm.busy}
        error={revokeForm.message}
      >
        <p>
          Key "{revoking?.name}" ({revoking?.preview}) stops working at once for every script that uses it. This cannot be undone.
        </p>
      </ConfirmDialog>
      <ConfirmDialog
        title="Rotate this API key?"
        open={rotating !== undefined}
        onClose={() => setRotating(undefined)}
        confirmLabel="Rotate key"
        onConfirm={rotate}
        busy={rotateForm.busy}
        error={rotateForm.message}
      >
        <p>
          Key "{rotating?.name}" ({rotating?.preview}) is replaced by a new key with the same name and expiry. Its new secret is shown once, on
          this page, right after.
        </p>
        <p>
          The old secret keeps working for a grace period (one hour, unless the server sets another with{' '}
          <code>ARGILLA_API_KEY_ROTATION_GRACE_SECONDS</code>), so that scripts already running with it can switch to the new one. After that it
          stops working.
        </p>
      </ConfirmDialog>
    </section>
  );
}
