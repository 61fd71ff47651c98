// Workspace-scoped datasets: their labelling schema (settings), records and annotations.
//
// Access (SPEC section 6): a workspace is seen by admins and its members; to anyone else it does
// not exist (404). Within it, the role table decides: reading, logging and annotating for every
// member; creating, deleting, copying and changing settings for admins (403 for annotators).
import type { Database } from '../db/connect.js';
import { isUniqueViolation } from '../db/connect.js';
import type { AnnotationsTable, DatasetsTable, Db, RecordsTable } from '../db/schema.js';
import {
  annotationsOf,
  copyDatasetContents,
  datasetCounts,
  deleteDatasetRow,
  existingRecordIds,
  findDataset,
  findRecord,
  insertDataset,
  insertRecords,
  listDatasetRows,
  pageOfRecords,
  updateDatasetRow,
  updateRecord,
  upsertAnnotation,
  type RecordFilters,
} from '../db/repos/datasets.js';
import { findWorkspaceByName, isMember } from '../db/repos/workspaces.js';
import { newId } from '../lib/ids.js';
import { nowIso } from '../lib/time.js';
import { fail, type FieldError } from './errors.js';
import { decodeCursor, pageOf } from './cursor.js';
import { authorize, can, type Actor } from './policies.js';
import { check, rules } from './validation.js';
import type { Workspace } from './views.js';

export interface Settings {
  task: 'text_classification';
  labels: string[];
  multi_label: boolean;
}

export const DEFAULT_SETTINGS: Settings = { task: 'text_classification', labels: [], multi_label: false };

export interface DatasetView {
  id: string;
  name: string;
  workspace: string;
  settings: Settings;
  /** username of the creator (kept after that user is deleted) */
  created_by: string | null;
  inserted_at: string;
  updated_at: string;
}

export interface DatasetSummary extends DatasetView {
  records: number;
  annotated: number;
}

function view(row: DatasetsTable, workspace: string): DatasetView {
  return {
    id: row.id,
    name: row.name,
    workspace,
    settings: JSON.parse(row.settings) as Settings,
    created_by: row.created_by_username,
    inserted_at: row.inserted_at,
    updated_at: row.updated_at,
  };
}

/**
 * The workspace a dataset call names: 400 when none is given, 404 when it does not exist or the
 * caller is not allowed to see it (the same answer, so names do not leak).
 */
export async function resolveWorkspace(database: Database, actor: Actor, name: string | undefined): Promise<Workspace> {
  if (name === undefined || name === '') {
    throw fail.badRequest('workspace_required', 'A workspace must be provided: add ?workspace=<name> or the X-Argilla-Workspace header.');
  }
  const workspace = await findWorkspaceByName(database.db, name);
  const visible =
    workspace && (can(actor, 'workspaces.read_all') || (actor.kind === 'user' && (await isMember(database.db, actor.id, workspace.id))));
  if (!workspace || !visible) throw fail.notFound('Workspace', name);
  return workspace;
}

async function requireDataset(db: Db, workspace: Workspace, name: string): Promise<DatasetsTable> {
  const row = await findDataset(db, workspace.id, name);
  if (!row) throw fail.notFound('Dataset', name);
  return row;
}

/** Checks a labelling schema; returns it normalised. */
export function checkSettings(input: unknown, field = 'settings'): Settings {
  const errors: FieldError[] = [];
  const value = (input ?? {}) as Partial<Settings>;
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw fail.validation([{ field, message: 'must be an object: {task, labels, multi_label}' }]);
  }
  const task = value.task ?? 'text_classification';
  if (task !== 'text_classification') errors.push({ field: `${field}/task`, message: "must be 'text_classification'" });
  const labels = value.labels ?? [];
  if (!Array.isArray(labels)) errors.push({ field: `${field}/labels`, message: 'must be a list of label names' });
  else {
    labels.forEach((label, i) => {
      if (typeof label !== 'string' || label.trim() === '' || label.length > 100) {
        errors.push({ field: `${field}/labels/${i}`, message: 'must be a label name of 1 to 100 characters' });
      } else if (label.includes('|')) {
        // The label filter keeps an annotation's labels as |a|b|: a '|' inside one would be ambiguous.
        errors.push({ field: `${field}/labels/${i}`, message: "must not contain '|'" });
      } else if (labels.indexOf(label) !== i) errors.push({ field: `${field}/labels/${i}`, message: `'${label}' is listed twice` });
    });
    if (labels.length > 1000) errors.push({ field: `${field}/labels`, message: 'at most 1000 labels' });
  }
  const multi = value.multi_label ?? false;
  if (typeof multi !== 'boolean') errors.push({ field: `${field}/multi_label`, message: 'must be true or false' });
  if (errors.length) throw fail.validation(errors);
  return { task, labels: labels as string[], multi_label: multi };
}

export async function createDataset(
  database: Database,
  actor: Actor,
  workspaceName: string | undefined,
  input: { name: string; settings?: unknown },
): Promise<DatasetView> {
  check([['name', rules.name, input.name]]);
  const settings = input.settings === undefined ? DEFAULT_SETTINGS : checkSettings(input.settings);
  const workspace = await resolveWorkspace(database, actor, workspaceName);
  authorize(actor, 'datasets.manage', 'create datasets');
  const now = nowIso();
  const row: DatasetsTable = {
    id: newId(),
    workspace_id: workspace.id,
    name: input.name,
    settings: JSON.stringify(settings),
    created_by: actor.kind === 'user' ? actor.id : null,
    created_by_username: actor.kind === 'user' ? actor.username : 'system',
    inserted_at: now,
    updated_at: now,
  };
  try {
    await insertDataset(database.db, row);
  } catch (error) {
    if (isUniqueViolation(error)) throw fail.alreadyExists('Dataset', input.name);
    throw error;
  }
  return view(row, workspace.name);
}

export async function listDatasets(database: Database, actor: Actor, workspaceName: string | undefined): Promise<DatasetSummary[]> {
  const workspace = await resolveWorkspace(database, actor, workspaceName);
  authorize(actor, 'datasets.read', 'read datasets');
  const rows = await listDatasetRows(database.db, workspace.id);
  const counts = await datasetCounts(database.db, rows.map((r) => r.id));
  return rows.map((row) => ({ ...view(row, workspace.name), ...counts.get(row.id)! }));
}

export async function getDataset(database: Database, actor: Actor, workspaceName: string | undefined, name: string): Promise<DatasetSummary> {
  const workspace = await resolveWorkspace(database, actor, workspaceName);
  authorize(actor, 'datasets.read', 'read datasets');
  const row = await requireDataset(database.db, workspace, name);
  const counts = await datasetCounts(database.db, [row.id]);
  return { ...view(row, workspace.name), ...counts.get(row.id)! };
}

export async function deleteDataset(database: Database, actor: Actor, workspaceName: string | undefined, name: string): Promise<DatasetView> {
  const workspace = await resolveWorkspace(database, actor, workspaceName);
  authorize(actor, 'datasets.manage', 'delete datasets');
  return database.db.transaction().execute(async (trx) => {
    const row = await requireDataset(trx, workspace, name);
    if (!(await deleteDatasetRow(trx, row.id))) throw fail.notFound('Dataset', name);
    return view(row, workspace.name);
  });
}

export async function getSettings(database: Database, actor: Actor, workspaceName: string | undefined, name: string): Promise<Settings> {
  return (await getDataset(database, actor, workspaceName, name)).settings;
}

export async function updateSettings(
  database: Database,
  actor: Actor,
  workspaceName: string | undefined,
  name: string,
  input: unknown,
): Promise<Settings> {
  const settings = checkSettings(input, '');
  const workspace = await resolveWorkspace(database, actor, workspaceName);
  authorize(actor, 'datasets.manage', "change a dataset's settings");
  const row = await requireDataset(database.db, workspace, name);
  await updateDatasetRow(database.db, row.id, { settings: JSON.stringify(settings), updated_at: nowIso() });
  return settings;
}

export const MAX_BULK = 500;

export interface LogResult {
  processed: number;
  failed: number;
  errors: Array<{ index: number; message: string }>;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Logs up to 500 records: new ids are inserted, known ids replace their fields and metadata. */
export async function logRecords(
  database: Database,
  actor: Actor,
  workspaceName: string | undefined,
  name: string,
  records: unknown[],
): Promise<LogResult> {
  if (!Array.isArray(records)) throw fail.validation([{ field: 'records', message: 'must be a list of records' }]);
  if (records.length > MAX_BULK) throw fail.validation([{ field: 'records', message: `at most ${MAX_BULK} records per request` }]);
  const workspace = await resolveWorkspace(database, actor, workspaceName);
  authorize(actor, 'datasets.log', 'log records');
  const dataset = await requireDataset(database.db, workspace, name);

  const errors: LogResult['errors'] = [];
  // Later records with the same id replace earlier ones, as a sequence of upserts would.
  const valid = new Map<string, RecordsTable>();
  records.forEach((record, index) => {
    if (!isPlainObject(record)) return errors.push({ index, message: 'must be an object {id?, fields, metadata?}' });
    const { id, fields, metadata } = record;
    if (id !== undefined && id !== null && !(typeof id === 'string' && id.length >= 1 && id.length <= 200) && !Number.isSafeInteger(id)) {
      return errors.push({ index, message: 'id must be text of 1 to 200 characters, or a whole number' });
    }
    if (!isPlainObject(fields) || Object.keys(fields).length === 0) return errors.push({ index, message: 'fields must be a non-empty object' });
    if (metadata !== undefined && metadata !== null && !isPlainObject(metadata)) return errors.push({ index, message: 'metadata must be an object' });
    const key = id === undefined || id === null ? newId() : String(id);
    const at = nowIso();
    // A repeated id keeps the place (and first time) of its first occurrence, as upserts would.
    const inserted = valid.get(key)?.inserted_at ?? at;
    valid.set(key, { dataset_id: dataset.id, id: key, fields: JSON.stringify(fields), metadata: JSON.stringify(metadata ?? {}), inserted_at: inserted, updated_at: at });
    return undefined;
  });

  await database.db.transaction().execute(async (trx) => {
    const existing = await existingRecordIds(trx, dataset.id, [...valid.keys()]);
    await insertRecords(trx, [...valid.values()].filter((r) => !existing.has(r.id)));
    for (const id of existing) {
      const record = valid.get(id)!;
      await updateRecord(trx, dataset.id, id, { fields: record.fields, metadata: record.metadata, updated_at: record.updated_at });
    }
  });
  return { processed: records.length - errors.length, failed: errors.length, errors };
}

export interface AnnotationView {
  user_id: string | null;
  username: string;
  value: unknown;
  status: string;
  updated_at: string;
}

export interface RecordView {
  id: string;
  fields: Record<string, unknown>;
  metadata: Record<string, unknown>;
  annotations: AnnotationView[];
  inserted_at: string;
  updated_at: string;
}

function recordViews(records: RecordsTable[], annotations: AnnotationsTable[]): RecordView[] {
  const byRecord = new Map<string, AnnotationView[]>();
  for (const a of annotations) {
    if (!byRecord.has(a.record_id)) byRecord.set(a.record_id, []);
    byRecord.get(a.record_id)!.push({ user_id: a.user_id, username: a.username, value: JSON.parse(a.value), status: a.status, updated_at: a.updated_at });
  }
  return records.map((r) => ({
    id: r.id,
    fields: JSON.parse(r.fields),
    metadata: JSON.parse(r.metadata),
    annotations: byRecord.get(r.id) ?? [],
    inserted_at: r.inserted_at,
    updated_at: r.updated_at,
  }));
}

export interface LoadQuery {
  cursor?: string;
  limit?: number;
  annotated?: boolean;
  annotated_by?: string;
  label?: string;
}

/** One page of records (in the order they were first logged) and the cursor of the next, or null. */
export async function loadRecords(
  database: Database,
  actor: Actor,
  workspaceName: string | undefined,
  name: string,
  query: LoadQuery,
): Promise<{ items: RecordView[]; next_cursor: string | null }> {
  const position = query.cursor ? decodeCursor(query.cursor) : undefined;
  const after = position && { inserted_at: position.time, id: position.id };
  const workspace = await resolveWorkspace(database, actor, workspaceName);
  authorize(actor, 'datasets.read', 'read records');
  const dataset = await requireDataset(database.db, workspace, name);
  const limit = Math.min(query.limit ?? 100, 1000);
  const filters: RecordFilters = { annotated: query.annotated, annotatedBy: query.annotated_by, label: query.label, after };
  const rows = await pageOfRecords(database.db, dataset.id, filters, limit + 1);
  const { page, next_cursor } = pageOf(rows, limit, (row) => ({ time: row.inserted_at, id: row.id }));
  const annotations = await annotationsOf(database.db, dataset.id, page.map((r) => r.id));
  return { items: recordViews(page, annotations), next_cursor };
}

/** Checks an annotation against the dataset's labelling schema. */
function checkAnnotation(settings: Settings, input: { value?: unknown; status?: unknown }): { labels: string[]; status: string } {
  const status = input.status ?? 'submitted';
  if (status !== 'submitted' && status !== 'discarded') throw fail.validation([{ field: 'status', message: "must be 'submitted' or 'discarded'" }]);
  const value = input.value as { labels?: unknown } | undefined;
  if (!isPlainObject(value) || !Array.isArray(value.labels) || value.labels.some((l) => typeof l !== 'string')) {
    throw fail.validation([{ field: 'value/labels', message: 'must be a list of labels, e.g. {"labels": ["pos"]}' }]);
  }
  const labels = [...new Set(value.labels as string[])];
  const allowed = settings.labels;
  const unknown = labels.filter((l) => !allowed.includes(l));
  if (unknown.length > 0) {
    const choices = allowed.length ? `allowed: ${allowed.join(', ')}` : "the dataset has no labels yet: an admin sets them in its settings";
    throw fail.validation([{ field: 'value/labels', message: `unknown label ${unknown.map((l) => `'${l}'`).join(', ')} (${choices})` }]);
  }
  if (status === 'submitted' && labels.length === 0) throw fail.validation([{ field: 'value/labels', message: 'a submitted annotation needs a label' }]);
  if (!settings.multi_label && labels.length > 1) {
    throw fail.validation([{ field: 'value/labels', message: 'this dataset takes one label per record (multi_label is false)' }]);
  }
  return { labels, status };
}

/** Records (or replaces) the caller's annotation of one record; returns the record. */
export async function annotateRecord(
  database: Database,
  actor: Actor,
  workspaceName: string | undefined,
  name: string,
  recordId: string,
  input: { value?: unknown; status?: unknown },
): Promise<RecordView> {
  const workspace = await resolveWorkspace(database, actor, workspaceName);
  authorize(actor, 'datasets.annotate', 'annotate records');
  if (actor.kind !== 'user') throw fail.forbidden('annotate without being signed in as a user');
  const dataset = await requireDataset(database.db, workspace, name);
  const { labels, status } = checkAnnotation(JSON.parse(dataset.settings) as Settings, input);
  const record = await findRecord(database.db, dataset.id, recordId);
  if (!record) throw fail.notFound('Record', recordId);
  const now = nowIso();
  await upsertAnnotation(database.db, {
    dataset_id: dataset.id,
    record_id: record.id,
    user_id: actor.id,
    username: actor.username,
    value: JSON.stringify({ labels }),
    labels: `|${labels.join('|')}|`,
    status,
    inserted_at: now,
    updated_at: now,
  });
  const annotations = await annotationsOf(database.db, dataset.id, [record.id]);
  return recordViews([record], annotations)[0]!;
}

/** Copies a dataset, with its records and their annotations, to another workspace (or the same one). */
export async function copyDataset(
  database: Database,
  actor: Actor,
  workspaceName: string | undefined,
  name: string,
  input: { name: string; target_workspace?: string },
): Promise<DatasetView> {
  check([['name', rules.name, input.name]]);
  const workspace = await resolveWorkspace(database, actor, workspaceName);
  authorize(actor, 'datasets.manage', 'copy datasets');
  const source = await requireDataset(database.db, workspace, name);
  const target = input.target_workspace ? await resolveWorkspace(database, actor, input.target_workspace) : workspace;
  const now = nowIso();
  const row: DatasetsTable = {
    id: newId(),
    workspace_id: target.id,
    name: input.name,
    settings: source.settings,
    created_by: actor.kind === 'user' ? actor.id : null,
    created_by_username: actor.kind === 'user' ? actor.username : 'system',
    inserted_at: now,
    updated_at: now,
  };
  try {
    await database.db.transaction().execute(async (trx) => {
      await insertDataset(trx, row);
      await copyDatasetContents(trx, source.id, row.id);
    });
  } catch (error) {
    if (isUniqueViolation(error)) throw fail.alreadyExists('Dataset', `${target.name}/${input.name}`);
    throw error;
  }
  return view(row, target.name);
}
