// Home: the workspaces the user can see, a switcher that remembers the choice on this browser, and
// the datasets of the chosen workspace with their record and annotation counts.
import { useEffect, useState } from 'preact/hooks';
import type { PageProps } from '../app.js';
import { DataTable, formatDate, Notice, PageTitle, SelectField } from '../components.js';
import { describeError } from '../errors.js';
import { can } from '../permissions.js';
import { listDatasets, rememberedWorkspace, rememberWorkspace, type DatasetSummary } from '../session.js';

/** Workspaces shown as buttons; all of them are in the list. */
const MAX_CHIPS = 40;

/** The workspace to show: the one remembered here if still accessible, else the user's own, else the first. */
function initialWorkspace(username: string, workspaces: string[]): string | undefined {
  const remembered = rememberedWorkspace(username);
  if (remembered !== undefined && workspaces.includes(remembered)) return remembered;
  return workspaces.includes(username) ? username : workspaces[0];
}

export function HomePage({ client, me }: PageProps) {
  const [workspace, setWorkspace] = useState(() => initialWorkspace(me.username, me.workspaces));
  const [datasets, setDatasets] = useState<DatasetSummary[] | undefined>();
  const [error, setError] = useState<string | undefined>();

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
  }, [workspace, client]);

  const choose = (name: string) => {
    rememberWorkspace(me.username, name);
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
          {error ? <Notice kind="error">{error}</Notice> : null}
          {datasets === undefined && !error ? <p aria-live="polite">Loading datasets…</p> : null}
          {datasets && datasets.length === 0 ? <p>No datasets in this workspace yet.</p> : null}
          {datasets && datasets.length > 0 ? <DatasetTable datasets={datasets} /> : null}
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

function DatasetTable({ datasets }: { datasets: DatasetSummary[] }) {
  return (
    <DataTable columns={['Dataset', { name: 'Records', numeric: true }, { name: 'Annotated', numeric: true }, 'Progress', 'Created by', 'Updated']}>
      {datasets.map((dataset) => {
        const records = dataset.records ?? 0;
        const annotated = dataset.annotated ?? 0;
        const percent = records > 0 ? Math.round((annotated / records) * 100) : 0;
        return (
          <tr key={dataset.id}>
            <th scope="row" data-label="Dataset">
              {dataset.name}
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
          </tr>
        );
      })}
    </DataTable>
  );
}
