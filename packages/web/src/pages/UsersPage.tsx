// Users (open with users.read): search and filters kept in the address
// (#/users?q=&role=&workspace=&offset=), a page of 50 at a time with the total from X-Total-Count.
// With users.manage, per user: edit role and names, disable/enable, reset the password, delete
// (after confirmation); plus creating a user. The role choices are the roles the client library
// lists, so a role added on the server shows up here without a change.
import type { Role, User } from '@argilla-ts/client';
import { useEffect, useState } from 'preact/hooks';
import type { PageProps } from '../app.js';
import {
  ConfirmDialog,
  DataTable,
  Dialog,
  DialogActions,
  Field,
  NewPasswordField,
  Notice,
  onSubmit,
  PageTitle,
  Pager,
  SecretOnce,
  SelectField,
  useForm,
} from '../components.js';
import { describeError, FieldMessage, type CodeFields } from '../errors.js';
import { can, isRole, ROLE_OPTIONS } from '../permissions.js';
import { navigate } from '../router.js';

export const PAGE_SIZE = 50;

/** The role chosen in a form, checked against the known roles (the select offers only those). */
function chosenRole(value: string): Role {
  if (!isRole(value)) throw new FieldMessage('role', 'Choose one of the roles offered.');
  return value;
}

const USER_CODES: CodeFields = {
  user_already_exists: { field: 'username', message: 'This username is taken: choose another one.' },
};

export function UsersPage(props: PageProps) {
  const { client, me, route } = props;
  const q = route.params.get('q') ?? '';
  const role = route.params.get('role') ?? '';
  const workspace = route.params.get('workspace') ?? '';
  const offset = Math.max(0, Number(route.params.get('offset') ?? 0) || 0);

  const [page, setPage] = useState<{ items: User[]; total: number } | undefined>();
  const [loadError, setLoadError] = useState<string | undefined>();
  const [status, setStatus] = useState<{ kind: 'success' | 'error'; text: string } | undefined>();
  const [reload, setReload] = useState(0);
  const [search, setSearch] = useState(q);
  const [creating, setCreating] = useState(false);
  const [editing, setEditing] = useState<User | undefined>();
  const [resetting, setResetting] = useState<User | undefined>();
  const [deleting, setDeleting] = useState<User | undefined>();
  const manage = can(me, 'users.manage');

  useEffect(() => setSearch(q), [q]);

  useEffect(() => {
    let current = true;
    setLoadError(undefined);
    client
      .listUsers({ q: q || undefined, role: isRole(role) ? role : undefined, workspace: workspace || undefined, limit: PAGE_SIZE, offset })
      .then((answer) => current && setPage(answer))
      .catch((error) => current && setLoadError(describeError(error).message));
    return () => {
      current = false;
    };
  }, [q, role, workspace, offset, reload, client]);

  const filter = (changes: Record<string, string | number | undefined>) => navigate('/users', { q, role, workspace, offset: 0, ...changes });
  const done = (text: string) => {
    setStatus({ kind: 'success', text });
    setReload((n) => n + 1);
  };

  const toggleDisabled = async (user: User) => {
    setStatus(undefined);
    try {
      if (user.disabled) await client.enableUser(user.id);
      else await client.disableUser(user.id);
      done(user.disabled ? `${user.username} is enabled again.` : `${user.username} is disabled: it can no longer log in, and its keys and sessions stop working.`);
    } catch (error) {
      setStatus({ kind: 'error', text: describeError(error).message ?? 'Could not change the user.' });
    }
  };

  const first = page && page.total > 0 ? offset + 1 : 0;
  const last = page ? offset + page.items.length : 0;

  return (
    <section>
      <PageTitle>Users</PageTitle>
      {manage ? (
        <div class="toolbar">
          <button type="button" onClick={() => setCreating((open) => !open)} aria-expanded={creating} aria-controls="create-user">
            {creating ? 'Close the new user form' : 'New user'}
          </button>
        </div>
      ) : null}
      {manage && creating ? (
        <CreateUser
          {...props}
          onCreated={(user) => {
            setStatus({ kind: 'success', text: `User ${user.username} created.` });
            setReload((n) => n + 1);
          }}
        />
      ) : null}

      <form class="filters" role="search" aria-label="Find users" onSubmit={onSubmit(() => filter({ q: search.trim() }))}>
        <Field label="Search" name="q" value={search} onInput={setSearch} hint="Username, name or email." inputMode="search" />
        <SelectField
          label="Role"
          name="role"
          value={role}
          onChange={(value) => filter({ role: value })}
          options={[{ value: '', label: 'any role' }, ...ROLE_OPTIONS]}
        />
        <SelectField
          label="Workspace"
          name="workspace"
          value={workspace}
          onChange={(value) => filter({ workspace: value })}
          options={[{ value: '', label: 'any workspace' }, ...me.workspaces.map((name) => ({ value: name, label: name }))]}
        />
        <button type="submit">Search</button>
        {q || role || workspace ? (
          <button type="button" class="secondary" onClick={() => navigate('/users')}>
            Clear filters
          </button>
        ) : null}
      </form>

      {status ? <Notice kind={status.kind}>{status.text}</Notice> : null}
      {loadError ? <Notice kind="error">{loadError}</Notice> : null}
      {page === undefined && !loadError ? <p>Loading users…</p> : null}
      {page ? (
        <>
          <p class="count" aria-live="polite" data-testid="users-count">
            {page.total === 0 ? 'No user matches.' : `Users ${first.toLocaleString()}–${last.toLocaleString()} of ${page.total.toLocaleString()}`}
          </p>
          {page.items.length > 0 ? (
            <DataTable testId="users-table" columns={['Username', 'Name', 'Email', 'Role', 'Workspaces', 'Status']} actions={manage}>
              {page.items.map((user) => (
                <tr key={user.id} data-username={user.username}>
                  <th scope="row" data-label="Username">
                    {user.username}
                  </th>
                  <td data-label="Name">{user.full_name}</td>
                  <td data-label="Email">{user.email ?? '—'}</td>
                  <td data-label="Role">{user.role}</td>
                  <td data-label="Workspaces">{user.workspaces.join(', ') || '—'}</td>
                  <td data-label="Status">{user.disabled ? <span class="tag tag-off">disabled</span> : 'active'}</td>
                  {manage ? (
                    <td data-label="Actions">
                      <div class="row-actions">
                        <button type="button" class="secondary" onClick={() => setEditing(user)} aria-label={`Edit ${user.username}`}>
                          Edit
                        </button>
                        <button
                          type="button"
                          class="secondary"
                          onClick={() => toggleDisabled(user)}
                          aria-label={`${user.disabled ? 'Enable' : 'Disable'} ${user.username}`}
                        >
                          {user.disabled ? 'Enable' : 'Disable'}
                        </button>
                        <button type="button" class="secondary" onClick={() => setResetting(user)} aria-label={`Reset the password of ${user.username}`}>
                          Reset password
                        </button>
                        <button type="button" class="danger" onClick={() => setDeleting(user)} aria-label={`Delete ${user.username}`}>
                          Delete
                        </button>
                      </div>
                    </td>
                  ) : null}
                </tr>
              ))}
            </DataTable>
          ) : null}
          <Pager label="Pages of users" offset={offset} pageSize={PAGE_SIZE} shown={page.items.length} total={page.total} onPage={(next) => filter({ offset: next })} />
        </>
      ) : null}

      {manage ? (
        <>
          <EditUser {...props} user={editing} onClose={() => setEditing(undefined)} onSaved={(user) => done(`${user.username} saved.`)} />
          <ResetPassword
            {...props}
            user={resetting}
            onClose={() => setResetting(undefined)}
            onSaved={(user) => done(`New password set for ${user.username}; its sessions were ended.`)}
          />
          <DeleteUser {...props} user={deleting} onClose={() => setDeleting(undefined)} onDeleted={(user) => done(`${user.username} deleted.`)} />
        </>
      ) : null}
    </section>
  );
}

function CreateUser({ client, me, onCreated }: PageProps & { onCreated: (user: User) => void }) {
  // No role chosen means none is sent: the server gives its default role.
  const blank = { username: '', first_name: '', last_name: '', email: '', role: '', password: '', workspaces: '' };
  const form = useForm(blank);
  const { values, errors } = form;
  const [created, setCreated] = useState<User | undefined>();
  const submit = async () => {
    setCreated(undefined);
    let user: User | undefined;
    await form.submit(async () => {
      const workspaces = values.workspaces
        .split(',')
        .map((name) => name.trim())
        .filter(Boolean);
      user = await client.createUser({
        username: values.username.trim(),
        first_name: values.first_name,
        last_name: values.last_name.trim() || undefined,
        email: values.email.trim() || undefined,
        role: values.role === '' ? undefined : chosenRole(values.role),
        password: values.password,
        workspaces,
      });
    }, USER_CODES);
    if (user) {
      setCreated(user);
      form.setValues(blank);
      onCreated(user);
    }
  };
  return (
    <section class="panel" id="create-user" aria-labelledby="create-user-title">
      <h2 id="create-user-title">New user</h2>
      {created ? (
        <Notice kind="success">
          <p>
            {created.username} ({created.role}) created{created.workspaces.length ? ` in ${created.workspaces.join(', ')}` : ''}.
          </p>
          {created.api_key ? <SecretOnce label={`API key of ${created.username}`} secret={created.api_key} /> : null}
        </Notice>
      ) : null}
      {form.message ? <Notice kind="error">{form.message}</Notice> : null}
      <form onSubmit={onSubmit(submit)} noValidate aria-labelledby="create-user-title" class="grid-form">
        <Field label="Username" {...form.field('username')} hint="Lowercase letters, digits, - and _." autoComplete="off" required />
        <Field label="First name" {...form.field('first_name')} required />
        <Field label="Last name" {...form.field('last_name')} />
        <Field label="Email" type="email" {...form.field('email')} inputMode="email" />
        <SelectField
          label="Role"
          name="role"
          value={values.role}
          onChange={form.set('role')}
          options={[{ value: '', label: "the server's default" }, ...ROLE_OPTIONS]}
          error={errors.role}
        />
        <NewPasswordField label="Password" {...form.field('password')} />
        <Field label="Workspaces" {...form.field('workspaces')} hint="Names separated by commas; missing ones are created." list="known-workspaces" />
        <datalist id="known-workspaces">
          {me.workspaces.map((name) => (
            <option key={name} value={name} />
          ))}
        </datalist>
        <div class="form-actions">
          <button type="submit" disabled={form.busy}>
            Create user
          </button>
        </div>
      </form>
    </section>
  );
}

interface UserDialogProps extends PageProps {
  user: User | undefined;
  onClose: () => void;
}

function EditUser({ client, user, onClose, onSaved }: UserDialogProps & { onSaved: (user: User) => void }) {
  const form = useForm({ first_name: '', last_name: '', email: '', role: '' });
  // Filled from the user each time the dialog opens on one. Keyed on the id only: `form` is new on
  // every render, and the same user fetched again must not wipe what is being typed.
  useEffect(() => {
    if (user) form.reset({ first_name: user.first_name, last_name: user.last_name ?? '', email: user.email ?? '', role: user.role });
  }, [user?.id]);
  const save = async () => {
    if (!user) return;
    let saved: User | undefined;
    await form.submit(async () => {
      const { values } = form;
      saved = await client.updateUser(user.id, {
        first_name: values.first_name,
        last_name: values.last_name.trim() === '' ? null : values.last_name,
        email: values.email.trim() === '' ? null : values.email.trim(),
        role: chosenRole(values.role),
      });
    });
    if (saved) {
      onClose();
      onSaved(saved);
    }
  };
  return (
    <Dialog title={`Edit ${user?.username ?? ''}`} open={user !== undefined} onClose={onClose}>
      {form.message ? <Notice kind="error">{form.message}</Notice> : null}
      <form onSubmit={onSubmit(save)} noValidate>
        <Field label="First name" {...form.field('first_name')} required />
        <Field label="Last name" {...form.field('last_name')} />
        <Field label="Email" type="email" {...form.field('email')} />
        <SelectField label="Role" name="role" value={form.values.role} onChange={form.set('role')} options={ROLE_OPTIONS} error={form.errors.role} />
        <p class="hint">Changing the role ends the user's sessions.</p>
        <DialogActions onCancel={onClose}>
          <button type="submit" disabled={form.busy}>
            Save
          </button>
        </DialogActions>
      </form>
    </Dialog>
  );
}

function ResetPassword({ client, user, onClose, onSaved }: UserDialogProps & { onSaved: (user: User) => void }) {
  const form = useForm({ password: '' });
  // Emptied whenever the dialog turns to another user (`form` itself changes on every render).
  useEffect(() => form.reset({ password: '' }), [user?.id]);
  const save = async () => {
    if (!user) return;
    let saved: User | undefined;
    await form.submit(async () => {
      saved = await client.updateUser(user.id, { password: form.values.password });
    });
    if (saved) {
      onClose();
      onSaved(saved);
    }
  };
  return (
    <Dialog title={`Reset the password of ${user?.username ?? ''}`} open={user !== undefined} onClose={onClose}>
      <p>The user's sessions end; give them the new password in a safe way.</p>
      {form.message ? <Notice kind="error">{form.message}</Notice> : null}
      <form onSubmit={onSubmit(save)} noValidate>
        <NewPasswordField label="New password" {...form.field('password')} />
        <DialogActions onCancel={onClose}>
          <button type="submit" disabled={form.busy}>
            Set password
          </button>
        </DialogActions>
      </form>
    </Dialog>
  );
}

function DeleteUser({ client, user, onClose, onDeleted }: UserDialogProps & { onDeleted: (user: User) => void }) {
  const form = useForm({});
  // An error about one user is not shown when the dialog opens on another (`form` changes every render).
  useEffect(() => form.setMessage(undefined), [user?.id]);
  const confirm = async () => {
    if (!user) return;
    const target = user;
    const ok = await form.submit(async () => {
      await client.deleteUser(target.id);
    });
    if (ok) {
      onClose();
      onDeleted(target);
    }
  };
  return (
    <ConfirmDialog
      title={`Delete ${user?.username ?? ''}?`}
      open={user !== undefined}
      onClose={onClose}
      confirmLabel="Delete user"
      onConfirm={confirm}
      busy={form.busy}
      error={form.message}
    >
      <p>
        The user <strong>{user?.username}</strong> ({user?.full_name}) is deleted with its memberships, API keys and sessions. Its annotations keep
        its name. This cannot be undone.
      </p>
    </ConfirmDialog>
  );
}
