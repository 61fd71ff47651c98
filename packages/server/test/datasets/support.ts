// Shared helpers for the dataset suites: building request paths with the
// workspace, creating datasets and records through the API, paging through records, and reading
// the dataset tables directly to prove what a request wrote (or did not write).
import assert from 'node:assert/strict';
import { call, type Reply, type TestServer } from '../helpers/http.js';
import { createWorkspace, uniqueName } from '../http/support.js';

export { createWorkspace, uniqueName };

/** The keys of a dataset object as POST /api/datasets returns it. */
export const DATASET_KEYS = ['created_by', 'id', 'inserted_at', 'name', 'settings', 'updated_at', 'workspace'];

export interface Settings {
  task: 'text_classification';
  labels: string[];
  multi_label: boolean;
}

export const SENTIMENT: Settings = { task: 'text_classification', labels: ['pos', 'neg'], multi_label: false };

type QueryValue = string | number | boolean | undefined;

/** `path?k=v&...`, skipping undefined values, every value URL-encoded. */
export function withQuery(path: string, query: Record<string, QueryValue> = {}): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) if (value !== undefined) params.append(key, String(value));
  const text = params.toString();
  return text ? `${path}?${text}` : path;
}

/** The path of a dataset (or one of its sub-resources) in a workspace, given by `?workspace=`. */
export function dsPath(workspace: string | undefined, dataset?: string, suffix = '', query: Record<string, QueryValue> = {}): string {
  const base = dataset === undefined ? '/api/datasets' : `/api/datasets/${encodeURIComponent(dataset)}${suffix}`;
  return withQuery(base, { workspace, ...query });
}

export function annotationPath(workspace: string | undefined, dataset: string, recordId: string): string {
  return dsPath(workspace, dataset, `/records/${encodeURIComponent(recordId)}/annotation`);
}

function show(reply: Reply): string {
  return `${reply.status} ${JSON.stringify(reply.body)}`;
}

export function assertOk(reply: Reply, what = 'request'): any {
  assert.equal(reply.status, 200, `${what}: ${show(reply)}`);
  return reply.body;
}

/** Creates a dataset as the given caller (default: the default admin); returns its object. */
export async function newDataset(
  server: TestServer,
  workspace: string,
  options: { name?: string; settings?: Partial<Settings>; key?: string } = {},
): Promise<any> {
  const name = options.name ?? uniqueName('ds');
  const json: Record<string, unknown> = { name };
  if (options.settings !== undefined) json.settings = options.settings;
  const reply = await call(server, 'POST', dsPath(workspace), { key: options.key ?? server.adminKey, json });
  return assertOk(reply, `create dataset ${workspace}/${name}`);
}

export interface NewRecord {
  id?: unknown;
  fields: Record<string, unknown>;
  metadata?: Record<string, unknown>;
}

/** Logs records (asserting that none failed); returns {processed, failed, errors}. */
export async function logRecords(server: TestServer, workspace: string, dataset: string, records: unknown[], key = server.adminKey): Promise<any> {
  const reply = await call(server, 'POST', dsPath(workspace, dataset, '/records:bulk'), { key, json: { records } });
  const body = assertOk(reply, `log ${records.length} records into ${workspace}/${dataset}`);
  assert.equal(body.failed, 0, JSON.stringify(body));
  assert.equal(body.processed, records.length, JSON.stringify(body));
  return body;
}

/** Logs any number of records in batches of at most 500. */
export async function logMany(server: TestServer, workspace: string, dataset: string, records: unknown[], key = server.adminKey): Promise<void> {
  for (let i = 0; i < records.length; i += 500) await logRecords(server, workspace, dataset, records.slice(i, i + 500), key);
}

export function annotate(
  server: TestServer,
  key: string,
  workspace: string,
  dataset: string,
  recordId: string,
  labels: string[],
  status: 'submitted' | 'discarded' = 'submitted',
): Promise<Reply> {
  return call(server, 'PUT', annotationPath(workspace, dataset, recordId), { key, json: { value: { labels }, status } });
}

export async function annotateOk(
  server: TestServer,
  key: string,
  workspace: string,
  dataset: string,
  recordId: string,
  labels: string[],
  status: 'submitted' | 'discarded' = 'submitted',
): Promise<any> {
  return assertOk(await annotate(server, key, workspace, dataset, recordId, labels, status), `annotate ${recordId} with ${labels}`);
}

/** Follows next_cursor until the end; returns every item and the pages as they came. */
export async function loadAll(
  server: TestServer,
  workspace: string,
  dataset: string,
  options: { key?: string; limit?: number; filters?: Record<string, QueryValue>; maxPages?: number } = {},
): Promise<{ items: any[]; pages: any[][] }> {
  const items: any[] = [];
  const pages: any[][] = [];
  let cursor: string | undefined;
  const maxPages = options.maxPages ?? 10_000;
  for (;;) {
    const reply = await call(server, 'GET', dsPath(workspace, dataset, '/records', { limit: options.limit, cursor, ...options.filters }), {
      key: options.key ?? server.adminKey,
    });
    const body = assertOk(reply, `load ${workspace}/${dataset}`);
    assert.ok(Array.isArray(body.items), JSON.stringify(body));
    assert.ok(body.next_cursor === null || (typeof body.next_cursor === 'string' && body.next_cursor.length > 0), JSON.stringify(body.next_cursor));
    items.push(...body.items);
    pages.push(body.items);
    assert.ok(pages.length <= maxPages, `more than ${maxPages} pages: the cursor does not end`);
    if (body.next_cursor === null) return { items, pages };
    cursor = body.next_cursor;
  }
}

/** The ids of the records a filtered load returns (every page). */
export async function idsWhere(server: TestServer, workspace: string, dataset: string, filters: Record<string, QueryValue>, key?: string): Promise<string[]> {
  return (await loadAll(server, workspace, dataset, { filters, key })).items.map((r) => r.id);
}

/** Every row of the tables a dataset call can touch, in a stable order. */
export async function snapshot(server: TestServer): Promise<Record<string, unknown[]>> {
  const db = server.database.db;
  return {
    workspaces: await db.selectFrom('workspaces').selectAll().orderBy('id').execute(),
    memberships: await db.selectFrom('memberships').selectAll().orderBy('id').execute(),
    datasets: await db.selectFrom('datasets').selectAll().orderBy('id').execute(),
    records: await db.selectFrom('records').selectAll().orderBy('dataset_id').orderBy('id').execute(),
    annotations: await db.selectFrom('annotations').selectAll().orderBy('dataset_id').orderBy('record_id').orderBy('username').execute(),
  };
}

export async function datasetRow(server: TestServer, workspace: string, name: string) {
  return server.database.db
    .selectFrom('datasets')
    .innerJoin('workspaces', 'workspaces.id', 'datasets.workspace_id')
    .selectAll('datasets')
    .where('workspaces.name', '=', workspace)
    .where('datasets.name', '=', name)
    .executeTakeFirst();
}

export async function countWhere(server: TestServer, table: 'datasets' | 'records' | 'annotations', datasetId?: string): Promise<number> {
  let query = server.database.db.selectFrom(table).select((eb) => eb.fn.countAll().as('n'));
  if (datasetId !== undefined) query = query.where(table === 'datasets' ? 'id' : 'dataset_id', '=', datasetId);
  const row = await query.executeTakeFirstOrThrow();
  return Number(row.n);
}

export async function annotationRows(server: TestServer, datasetId: string, recordId?: string) {
  let query = server.database.db.selectFrom('annotations').selectAll().where('dataset_id', '=', datasetId);
  if (recordId !== undefined) query = query.where('record_id', '=', recordId);
  return query.orderBy('record_id').orderBy('username').execute();
}

/** A record's annotations reduced to what attribution is about, sorted by username. */
export function attribution(record: any): Array<{ user_id: string | null; username: string; labels: string[]; status: string }> {
  return [...record.annotations]
    .map((a: any) => ({ user_id: a.user_id, username: a.username, labels: a.value.labels, status: a.status }))
    .sort((a, b) => a.username.localeCompare(b.username));
}
