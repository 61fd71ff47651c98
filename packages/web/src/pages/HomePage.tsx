// Home: the workspaces the user can see, a switcher that remembers the choice on this browser, and
// the datasets of the chosen workspace with their record and annotation counts, each linking to
// its labelling page. With datasets.manage: create a dataset (with its labels) and delete one.
import { useEffect, useState } from 'preact/hooks';
import type { PageProps } from '../app.js';
import { ConfirmDialog, DataTable, Field, formatDate, Notice, onSubmit, PageTitle, SelectField, useForm } from '../components.js';
import { describeError } from '../errors.js';
import { can } from '../permissions.js';
import { href } from '../router.js';
import { listDatasets, rememberedWorkspace, rememberWorkspace, type DatasetSummary } from '../session.js';
import { datasetPath } from './DatasetPage.js';

/** Workspaces shown as buttons; all of them are in the list. */
const MAX_CHIPS = 40;

/** The workspace to show: the one remembered here if still accessible, else the user's own, else the first. */
function initialWorkspace(username: string, workspaces: string[]): string | undefined {
  const remembered = rememberedWorkspace(username);
  if (remembered !== undefined && workspaces.includes(remembered)) return remembered;
  return workspaces.includes(username) ? username : workspaces[0];
}

export function HomePage(props: PageProps) {
  const { client, me } = props;
  const [workspace, setWorkspace] = useState(() => initialWorkspace(me.username, me.workspaces));
  const [datasets, setDatasets] = useState<DatasetSummary[] | undefined>();
  const [error, setError] = useState<string | undefined>();
  const [reload, setReload] = useState(0);
  const [status, setStatus] = useState<string | undefined>();
  const [deleting, setDeleting] = useState<DatasetSummary | undefined>();
  const manage = can(me, 'datasets.manage');

  // The list of workspaces may change (someone added or removed one): keep the choice valid. The
  // list stands in the dependencies as its joined names, since each refresh of the user brings a
  // new array even when the names are the same.
  const workspaceNames = me.workspaces.join('\n');
  useEffect(() => {
    if (workspace === undefined || !me.workspaces.includes(workspace)) setWorkspace(initialWorkspace(me.username, me.workspaces));
  }, [workspaceNames, workspace, me.username]);

  useEffect(() => {
    if (workspace === undefined) return;
    let current = true;
    setDatasets(undefined);
    setError(undefined);
    client
      .setWorkspace(workspace)
      .then(() => listDatasets(client, workspace))
      .then((items) => current && setDatasets(items))
      .catch((e) => current && setError(describeError(e).message));
    return () => {
      current = false;
    };
  }, [workspace, client, reload]);

  const choose = (name: string) => {
    rememberWorkspace(me.username, name);
    setStatus(undefined);
    setWorkspace(name);
  };

  return (
    <section>
      <PageTitle>Welcome, {me.full_name}</PageTitle>
      {me.workspaces.length === 0 ? (
        <Notice kind="info">You are not a member of any workspace yet. Ask someone who manages workspaces to add you to one.</Notice>
      ) : (
        <>
          <div class="toolbar">
            <SelectField
              label="Workspace"
              name="workspace"
              value={workspace ?? ''}
              onChange={choose}
              options={me.workspaces.map((name) => ({ value: name, label: name }))}
            />
          </div>
          <h2 id="home-title">
            Datasets in <span data-testid="current-workspace">{workspace}</span>
          </h2>
          {status ? <Notice kind="success">{status}</Notice> : null}
          {error ? <Notice kind="error">{error}</Notice> : null}
          {datasets === undefined && !error ? <p aria-live="polite">Loading datasets…</p> : null}
          {datasets && datasets.length === 0 ? (
            <p data-testid="no-datasets">
              No datasets in this workspace yet.{' '}
              {manage ? 'Create one below, or log records with the client library.' : 'An admin creates them; ask one if you expected some here.'}
            </p>
          ) : null}
          {datasets && datasets.length > 0 && workspace ? <DatasetTable datasets={datasets} workspace={workspace} onDelete={manage ? setDeleting : undefined} /> : null}
          {manage && workspace ? (
            <NewDataset
              {...props}
              workspace={workspace}
              onCreated={(name) => {
                setStatus(`Dataset ${name} created in ${workspace}.`);
                setReload((n) => n + 1);
              }}
            />
          ) : null}
          {manage && workspace ? (
            <DeleteDataset
              {...props}
              workspace={workspace}
              dataset={deleting}
              onClose={() => setDeleting(undefined)}
              onDeleted={(name) => {
                setStatus(`Dataset ${name} deleted.`);
                setReload((n) => n + 1);
              }}
            />
          ) : null}
          <h2>Your workspaces</h2>
          <p class="hint">
            {can(me, 'workspaces.read_all') ? 'You can see every workspace.' : 'The workspaces you are a member of.'} Choose one to see its datasets.
          </p>
          <ul class="chips" data-testid="workspace-list">
            {me.workspaces.slice(0, MAX_CHIPS).map((name) => (
              <li key={name}>
                <button type="button" class={name === workspace ? 'chip chip-current' : 'chip'} aria-pressed={name === workspace} onClick={() => choose(name)}>
                  {name}
                </button>
              </li>
            ))}
          </ul>
          {me.workspaces.length > MAX_CHIPS ? (
            <p class="hint">
              And {(me.workspaces.length - MAX_CHIPS).toLocaleString()} more: choose them in the Workspace list above.
            </p>
          ) : null}
        </>
      )}
    </section>
  );
}

function DatasetTable({ datasets, workspace, onDelete }: { datasets: DatasetSummary[]; workspace: string; onDelete?: (dataset: DatasetSummary) => void }) {
  return (
    <DataTable
      testId="datasets-table"
      columns={['Dataset', { name: 'Records', numeric: true }, { name: 'Annotated', numeric: true }, 'Progress', 'Created by', 'Updated']}
      actions={onDelete !== undefined}
    >
      {datasets.map((dataset) => {
        const records = dataset.records ?? 0;
        const annotated = dataset.annotated ?? 0;
        const percent = records > 0 ? Math.round((annotated / records) * 100) : 0;
        return (
          <tr key={dataset.id} data-dataset={dataset.name}>
            <th scope="row" data-label="Dataset">
              <a href={href(datasetPath(workspace, dataset.name))}>{dataset.name}</a>
            </th>
            <td data-label="Records" class="num">
              {records.toLocaleString()}
            </td>
            <td data-label="Annotated" class="num">
              {annotated.toLocaleString()}
            </td>
            <td data-label="Progress">
              <progress max={100} value={percent} aria-label={`${dataset.name}: ${percent}% annotated`} /> {percent}%
            </td>
            <td data-label="Created by">{dataset.created_by ?? '—'}</td>
            <td data-label="Updated">{formatDate(dataset.updated_at)}</td>
            {onDelete ? (
              <td data-label="Actions">
                <div class="row-actions">
                  <button type="button" class="danger" aria-label={`Delete dataset ${dataset.name}`} onClick={() => onDelete(dataset)}>
                    Delete
                  </button>
                </div>
              </td>
            ) : null}
          </tr>
        );
      })}
    </DataTable>
  );
}

/** Labels typed as "pos, neg, neutral": trimmed, empty ones dropped. */
function labelList(text: string): string[] {
  return text
    .split(',')
    .map((label) => label.trim())
    .filter(Boolean);
}

function NewDataset({ client, workspace, onCreated }: PageProps & { workspace: string; onCreated: (name: string) => void }) {
  const form = useForm({ name: '', labels: '' });
  const [multi, setMulti] = useState(false);
  const create = async () => {
    const name = form.values.name.trim();
    const ok = await form.submit(
      async () => {
        await client.createDataset(name, { workspace, settings: { labels: labelList(form.values.labels), multi_label: multi } });
      },
      { dataset_already_exists: { field: 'name', message: `${workspace} already has a dataset named ${name}.` } },
    );
    if (ok) {
      form.reset({ name: '', labels: '' });
      setMulti(false);
      onCreated(name);
    }
  };
  return (
    <section class="panel" aria-labelledby="new-dataset-title">
      <h2 id="new-dataset-title">New dataset in {workspace}</h2>
      {form.message ? <Notice kind="error">{form.message}</Notice> : null}
      <form onSubmit={onSubmit(create)} noValidate aria-labelledby="new-dataset-title" class="grid-form">
        <Field label="Name" {...form.field('name')} hint="Lowercase letters, digits, - and _." autoComplete="off" required />
        <Field label="Labels" {...form.field('labels', 'settings')} hint="Separated by commas, e.g. positive, negative. You can change them later." autoComplete="off" />
        <div class="field checkbox-field">
          <label>
            <input type="checkbox" checked={multi} onChange={(event) => setMulti((event.currentTarget as HTMLInputElement).checked)} /> Several labels per record
            (multi-label)
          </label>
        </div>
        <div class="form-actions">
          <button type="submit" disabled={form.busy}>
            Create dataset
          </button>
        </div>
      </form>
    </section>
  );
}

function DeleteDataset({
  client,
  workspace,
  dataset,
  onClose,
  onDeleted,
}: PageProps & { workspace: string; dataset: DatasetSummary | undefined; onClose: () => void; onDeleted: (name: string) => void }) {
  const form = useForm({});
  // An error about one dataset is not shown when the dialog opens on another (`form` changes every render).
  useEffect(() => form.setMessage(undefined), [dataset?.id]);
  const confirm = async () => {
    if (!dataset) return;
    const target = dataset;
    const ok = await form.submit(async () => {
      await client.deleteDataset(target.name, { workspace });
    });
    if (ok) {
      onClose();
      onDeleted(target.name);
    }
  };
  const records = dataset?.records ?? 0;
  return (
    <ConfirmDialog
      title={`Delete dataset ${dataset?.name ?? ''}?`}
      open={dataset !== undefined}
      onClose={onClose}
      confirmLabel="Delete dataset"
      onConfirm={confirm}
      busy={form.busy}
      error={form.message}
    >
      <p>
        Its {records.toLocaleString()} record{records === 1 ? '' : 's'} and all their annotations are deleted with it. This cannot be undone.
      </p>
    </ConfirmDialog>
  );
}
