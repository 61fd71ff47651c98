// The module-level functions, mirroring the Python client's `rg.init(...)`, `rg.set_workspace(...)`:
// they act on one default client per program, replaced by each successful `init`.
import { Argilla } from './client.js';
import type {
  AnnotateOptions,
  AnnotationValue,
  ArgillaOptions,
  CopyOptions,
  CreateDatasetOptions,
  Dataset,
  DatasetRecord,
  DatasetSettings,
  IterRecordsOptions,
  LoadOptions,
  LogOptions,
  LogResult,
  RecordInput,
  SettingsInput,
  User,
  WorkspaceOption,
} from './types.js';

let active: Argilla | undefined;

/**
 * The client the module-level functions use: the one from the last successful `init`, else one
 * made from the environment (`ARGILLA_API_URL`, `ARGILLA_API_KEY`, `ARGILLA_WORKSPACE`).
 *
 * @example
 * const { items } = await defaultClient().listUsers();
 */
export function defaultClient(): Argilla {
  return (active ??= new Argilla());
}

/**
 * Connects the default client: checks the credentials (GET /api/me) and picks the workspace (the
 * given one, else the user's own, else the first accessible). The previous default client stays
 * in place if this rejects. Resolves to the new default client.
 *
 * @example
 * await init({ apiUrl: 'http://localhost:6900', apiKey: 'argilla.apikey', workspace: 'team' });
 */
export async function init(options: ArgillaOptions = {}): Promise<Argilla> {
  const client = await new Argilla(options).init();
  active = client;
  return client;
}

/**
 * Switches the default client's workspace, after checking the name and the user's access to it on
 * the server. Rejects with a `WorkspaceError`.
 *
 * @example
 * await setWorkspace('team');
 */
export function setWorkspace(name: string): Promise<string> {
  return defaultClient().setWorkspace(name);
}

/**
 * The default client's current workspace (`undefined` before `init`).
 *
 * @example
 * console.log(getWorkspace());
 */
export function getWorkspace(): string | undefined {
  return defaultClient().getWorkspace();
}

/**
 * The default client's user, fresh from the server (GET /api/me).
 *
 * @example
 * const { username, role } = await whoami();
 */
export function whoami(): Promise<User> {
  return defaultClient().whoami();
}

// ---- datasets, on the default client (Python: rg.log, rg.load, rg.copy, rg.delete) ---------------
// Each takes an optional `{ workspace }` last; without it, the default client's current workspace.

/**
 * Logs records into an existing dataset, in batches of at most 500 sent one after the other; takes
 * an array or an (async) iterable. See `Argilla.log`.
 *
 * @example
 * const { processed, failed, errors } = await log([{ id: 1, fields: { text: 'I love it' } }], 'reviews');
 */
export function log(records: Iterable<RecordInput> | AsyncIterable<RecordInput>, name: string, options?: LogOptions): Promise<LogResult> {
  return defaultClient().log(records, name, options);
}

/**
 * The records of a dataset as an array (the first `limit`, or all), optionally filtered. See `Argilla.load`.
 *
 * @example
 * const records = await load('reviews', { limit: 100, annotated: true });
 */
export function load(name: string, options?: LoadOptions): Promise<DatasetRecord[]> {
  return defaultClient().load(name, options);
}

/**
 * Every record of a dataset, page by page. See `Argilla.iterRecords`.
 *
 * @example
 * for await (const record of iterRecords('reviews')) console.log(record.id);
 */
export function iterRecords(name: string, options?: IterRecordsOptions): AsyncGenerator<DatasetRecord, void, undefined> {
  return defaultClient().iterRecords(name, options);
}

/**
 * Copies a dataset from the current workspace to `workspace` (the target), with its records and
 * annotations (admin). See `Argilla.copy`.
 *
 * @example
 * await copy('reviews', 'reviews-2023', { workspace: 'archive' });
 */
export function copy(name: string, nameOfCopy: string, options?: CopyOptions): Promise<Dataset> {
  return defaultClient().copy(name, nameOfCopy, options);
}

/**
 * Deletes a dataset with its records and annotations (admin). Also exported as `delete`
 * (`import * as rg from '@argilla-ts/client'; await rg.delete('reviews')`).
 *
 * @example
 * await deleteDataset('reviews', { workspace: 'team' });
 */
export function deleteDataset(name: string, options?: WorkspaceOption): Promise<Dataset> {
  return defaultClient().deleteDataset(name, options);
}

/**
 * Records the caller's annotation of one record: a label, a list of labels or `{ labels }`.
 *
 * @example
 * await annotate('reviews', 'r1', ['pos']);
 */
export function annotate(name: string, recordId: string | number, value: AnnotationValue, options?: AnnotateOptions): Promise<DatasetRecord> {
  return defaultClient().annotate(name, recordId, value, options);
}

/**
 * The datasets of a workspace, with their counts.
 *
 * @example
 * const datasets = await listDatasets();
 */
export function listDatasets(options?: WorkspaceOption): Promise<Dataset[]> {
  return defaultClient().listDatasets(options);
}

/**
 * One dataset by name, with its counts.
 *
 * @example
 * const { records, annotated } = await getDataset('reviews');
 */
export function getDataset(name: string, options?: WorkspaceOption): Promise<Dataset> {
  return defaultClient().getDataset(name, options);
}

/**
 * Creates a dataset with its labelling schema (admin).
 *
 * @example
 * await createDataset('reviews', { settings: { labels: ['pos', 'neg'] } });
 */
export function createDataset(name: string, options?: CreateDatasetOptions): Promise<Dataset> {
  return defaultClient().createDataset(name, options);
}

/**
 * A dataset's labelling schema.
 *
 * @example
 * const { labels, multi_label } = await getSettings('reviews');
 */
export function getSettings(name: string, options?: WorkspaceOption): Promise<DatasetSettings> {
  return defaultClient().getSettings(name, options);
}

/**
 * Replaces a dataset's labelling schema (admin).
 *
 * @example
 * await updateSettings('reviews', { labels: ['pos', 'neg', 'neutral'] });
 */
export function updateSettings(name: string, settings: SettingsInput, options?: WorkspaceOption): Promise<DatasetSettings> {
  return defaultClient().updateSettings(name, settings, options);
}
