// Records of a dataset and their annotations: logging in bulk (upsert by id), loading a page at a
// time, and each user's annotation of a record checked against the dataset's labelling schema.
import { inTransaction } from '../db/cache.js';
import type { Database } from '../db/connect.js';
import type { AnnotationsTable, RecordsTable } from '../db/schema.js';
import { annotationsOf, existingRecordIds, findRecord, insertRecords, pageOfRecords, updateRecord, upsertAnnotation, type RecordFilters } from '../db/repos/datasets.js';
import { newId } from '../lib/ids.js';
import { nowIso } from '../lib/time.js';
import { decodeCursor, pageOf } from './cursor.js';
import { requireDataset, resolveWorkspace, type Settings } from './datasets.js';
import { fail } from './errors.js';
import { LIMITS } from './limits.js';
import { authorize, type Actor } from './policies.js';

export const MAX_BULK = LIMITS.bulk_records_max;

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
    if (id !== undefined && id !== null && !(typeof id === 'string' && id.length >= 1 && id.length <= LIMITS.record_id_max_length) && !Number.isSafeInteger(id)) {
      return errors.push({ index, message: `id must be text of 1 to ${LIMITS.record_id_max_length} characters, or a whole number` });
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

  await inTransaction(database.db, async (trx) => {
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
  not_annotated_by?: string;
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
  const limit = Math.min(query.limit ?? LIMITS.records_page_default, LIMITS.page_size_max);
  const filters: RecordFilters = { annotated: query.annotated, annotatedBy: query.annotated_by, notAnnotatedBy: query.not_annotated_by, label: query.label, after };
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
  const settings = JSON.parse(dataset.settings) as Settings;
  if (settings.task !== 'text_classification') {
    // Spans and sentences are annotated through the 1.6 Python client's routes, not with labels.
    throw fail.validation([{ field: 'value', message: `records of a ${settings.task} dataset are not annotated with labels here` }]);
  }
  const { labels, status } = checkAnnotation(settings, input);
  const record = await findRecord(database.db, dataset.id, recordId);
  if (!record) throw fail.notFound('record', recordId);
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

