// Workspaces (open with workspaces.manage or memberships.manage): with workspaces.manage, create
// and delete (refused with a 409 while datasets remain: explained); with memberships.manage, the
// members of one workspace: add by username, remove.
import { AlreadyExistsError, type User, type Workspace } from '@argilla-ts/client';
import { useEffect, useState } from 'preact/hooks';
import type { PageProps } from '../app.js';
import { ConfirmDialog, DataTable, Field, formatDate, Notice, onSubmit, PageTitle, Pager, useForm } from '../components.js';
import { describeError, FieldMessage } from '../errors.js';
import { can } from '../permissions.js';
import { navigate } from '../router.js';

const PAGE_SIZE = 50;

export function WorkspacesPage(props: PageProps) {
  const { client, me, route, refreshMe } = props;
  const manageWorkspaces = can(me, 'workspaces.manage');
  const manageMembers = can(me, 'memberships.manage');
  const offset = Math.max(0, Number(route.params.get('offset') ?? 0) || 0);
  const selectedName = route.params.get('members') ?? '';
  const [page, setPage] = useState<{ items: Workspace[]; total: number } | undefined>();
  const [loadError, setLoadError] = useState<string | undefined>();
  const [status, setStatus] = useState<{ kind: 'success' | 'error'; text: string } | undefined>();
  const [reload, setReload] = useState(0);
  const [deleting, setDeleting] = useState<Workspace | undefined>();
  const form = useForm({ name: '' });

  useEffect(() => {
    let current = true;
    client
      .listWorkspaces({ limit: PAGE_SIZE, offset })
      .then((answer) => current && setPage(answer))
      .catch((error) => current && setLoadError(describeError(error).message));
    return () => {
      current = false;
    };
  }, [offset, reload, client]);

  const create = async () => {
    setStatus(undefined);
    const name = form.values.name.trim();
    const ok = await form.submit(
      async () => {
        await client.createWorkspace(name);
      },
      { workspace_already_exists: { field: 'name', message: 'A workspace with this name already exists.' } },
    );
    if (ok) {
      form.setValues({ name: '' });
      setStatus({ kind: 'success', text: `Workspace ${name} created.` });
      setReload((n) => n + 1);
      await refreshMe().catch(() => {});
    }
  };

  const selected = page?.items.find((workspace) => workspace.name === selectedName);

  return (
    <section>
      <PageTitle>Workspaces</PageTitle>
      {manageWorkspaces ? (
        <section class="panel" aria-labelledby="new-workspace-title">
          <h2 id="new-workspace-title">New workspace</h2>
          {form.message ? <Notice kind="error">{form.message}</Notice> : null}
          <form onSubmit={onSubmit(create)} noValidate aria-labelledby="new-workspace-title" class="inline-form">
            <Field label="Name" {...form.field('name')} hint="Lowercase letters, digits, - and _." autoComplete="off" required />
            <button type="submit" disabled={form.busy}>
              Create workspace
            </button>
          </form>
        </section>
      ) : null}

      {status ? <Notice kind={status.kind}>{status.text}</Notice> : null}
      {loadError ? <Notice kind="error">{loadError}</Notice> : null}
      {page ? (
        <>
          <p class="count">{page.total === 0 ? 'No workspaces yet.' : `${page.total.toLocaleString()} workspace${page.total === 1 ? '' : 's'}`}</p>
          <DataTable testId="workspaces-table" columns={['Name', 'Created']} actions>
            {page.items.map((workspace) => (
              <tr key={workspace.id} data-workspace={workspace.name}>
                <th scope="row" data-label="Name">
                  {workspace.name}
                </th>
                <td data-label="Created">{formatDate(workspace.inserted_at)}</td>
                <td data-label="Actions">
                  <div class="row-actions">
                    {manageMembers ? (
                      <button
                        type="button"
                        class="secondary"
                        aria-label={`Members of ${workspace.name}`}
                        aria-pressed={workspace.name === selectedName}
                        onClick={() => navigate('/workspaces', { offset, members: workspace.name })}
                      >
                        Members
                      </button>
                    ) : null}
                    {manageWorkspaces ? (
                      <button type="button" class="danger" aria-label={`Delete workspace ${workspace.name}`} onClick={() => setDeleting(workspace)}>
                        Delete
                      </button>
                    ) : null}
                  </div>
                </td>
              </tr>
            ))}
          </DataTable>
          {page.total > PAGE_SIZE ? (
            <Pager
              label="Pages of workspaces"
              offset={offset}
              pageSize={PAGE_SIZE}
              shown={page.items.length}
              total={page.total}
              onPage={(next) => navigate('/workspaces', { offset: next })}
            />
          ) : null}
        </>
      ) : loadError ? null : (
        <p>Loading workspaces…</p>
      )}

      {selected && manageMembers ? <Members {...props} workspace={selected} key={selected.id} /> : null}

      {manageWorkspaces ? (
        <DeleteWorkspace
          {...props}
          workspace={deleting}
          onClose={() => setDeleting(undefined)}
          onDeleted={async (workspace) => {
            setStatus({ kind: 'success', text: `Workspace ${workspace.name} deleted.` });
            if (selectedName === workspace.name) navigate('/workspaces', { offset });
            setReload((n) => n + 1);
            await refreshMe().catch(() => {});
          }}
        />
      ) : null}
    </section>
  );
}

function Members({ client, workspace }: PageProps & { workspace: Workspace }) {
  const [members, setMembers] = useState<User[] | undefined>();
  const [status, setStatus] = useState<{ kind: 'success' | 'error'; text: string } | undefined>();
  const [reload, setReload] = useState(0);
  const form = useForm({ username: '' });

  useEffect(() => {
    client
      .listWorkspaceMembers(workspace.id)
      .then(setMembers)
      .catch((error) => setStatus({ kind: 'error', text: describeError(error).message ?? 'Could not load the members.' }));
  }, [reload, client, workspace.id]);

  const add = async () => {
    setStatus(undefined);
    const username = form.values.username.trim();
    if (username === '') {
      form.setErrors({ username: 'Enter a username.' });
      return;
    }
    const ok = await form.submit(
      async () => {
        const user = await client.getUserByUsername(username);
        try {
          await client.addWorkspaceMember(workspace.id, user.id);
        } catch (error) {
          if (error instanceof AlreadyExistsError) throw new FieldMessage('username', `${username} is already a member of ${workspace.name}.`);
          throw error;
        }
      },
      { user_not_found: { field: 'username', message: `There is no user named ${username}.` } },
    );
    if (ok) {
      form.setValues({ username: '' });
      setStatus({ kind: 'success', text: `${username} added to ${workspace.name}.` });
      setReload((n) => n + 1);
    }
  };

  const remove = async (user: User) => {
    setStatus(undefined);
    try {
      await client.removeWorkspaceMember(workspace.id, user.id);
      setStatus({ kind: 'success', text: `${user.username} removed from ${workspace.name}.` });
      setReload((n) => n + 1);
    } catch (error) {
      setStatus({ kind: 'error', text: describeError(error).message ?? 'Could not remove the member.' });
    }
  };

  return (
    <section class="panel" aria-labelledby="members-title" data-testid="members">
      <h2 id="members-title">Members of {workspace.name}</h2>
      {status ? <Notice kind={status.kind}>{status.text}</Notice> : null}
      {members && members.length === 0 ? <p>No members yet. Users whose role sees every workspace see it anyway.</p> : null}
      {members && members.length > 0 ? (
        <ul class="member-list">
          {members.map((user) => (
            <li key={user.id}>
              <span>
                <strong>{user.username}</strong> {user.full_name} · {user.role}
              </span>
              <button type="button" class="secondary" onClick={() => remove(user)} aria-label={`Remove ${user.username} from ${workspace.name}`}>
                Remove
              </button>
            </li>
          ))}
        </ul>
      ) : null}
      {form.message ? <Notice kind="error">{form.message}</Notice> : null}
      <form onSubmit={onSubmit(add)} noValidate class="inline-form" aria-label={`Add a member to ${workspace.name}`}>
        <Field label="Username to add" {...form.field('username')} autoComplete="off" />
        <button type="submit" disabled={form.busy}>
          Add member
        </button>
      </form>
    </section>
  );
}

function DeleteWorkspace({
  client,
  workspace,
  onClose,
  onDeleted,
}: PageProps & { workspace: Workspace | undefined; onClose: () => void; onDeleted: (workspace: Workspace) => void }) {
  const form = useForm({});
  const [notEmpty, setNotEmpty] = useState<string | undefined>();
  // Run when the dialog turns to another workspace; `form` is left out, being new on every render.
  useEffect(() => {
    form.setMessage(undefined);
    setNotEmpty(undefined);
  }, [workspace?.id]);
  const confirm = async () => {
    if (!workspace) return;
    const target = workspace;
    setNotEmpty(undefined);
    const ok = await form.submit(async () => {
      try {
        await client.deleteWorkspace(target.id);
      } catch (error) {
        if (error instanceof AlreadyExistsError && error.code === 'workspace_not_empty') {
          const count = typeof error.params.datasets === 'number' ? error.params.datasets : undefined;
          setNotEmpty(
            `${target.name} still holds ${count ?? 'some'} dataset${count === 1 ? '' : 's'}, so it cannot be deleted: that would lose their records and annotations. Delete those datasets or copy them to another workspace first, then try again.`,
          );
        }
        throw error;
      }
    });
    if (ok) {
      onClose();
      onDeleted(target);
    }
  };
  return (
    <ConfirmDialog
      title={`Delete workspace ${workspace?.name ?? ''}?`}
      open={workspace !== undefined}
      onClose={onClose}
      confirmLabel="Delete workspace"
      onConfirm={confirm}
      busy={form.busy}
      error={notEmpty ? <span data-testid="workspace-not-empty">{notEmpty}</span> : form.message}
      cancelLabel={notEmpty ? 'Close' : 'Cancel'}
    >
      <p>Its members lose access to it. Only an empty workspace (no datasets) can be deleted. This cannot be undone.</p>
    </ConfirmDialog>
  );
}
