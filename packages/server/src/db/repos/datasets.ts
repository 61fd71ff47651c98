// Datasets, their records and annotations.
import { sql } from 'kysely';
import type { AnnotationsTable, DatasetsTable, Db, RecordsTable } from '../schema.js';
import { insertRows } from './bulk.js';
import { containsText, isPostgres } from './dialect.js';

export function insertDataset(db: Db, row: DatasetsTable): Promise<unknown> {
  return db.insertInto('datasets').values(row).execute();
}

export function findDataset(db: Db, workspaceId: string, name: string): Promise<DatasetsTable | undefined> {
  return db.selectFrom('datasets').selectAll().where('workspace_id', '=', workspaceId).where('name', '=', name).executeTakeFirst();
}

export function listDatasetRows(db: Db, workspaceId: string): Promise<DatasetsTable[]> {
  return db.selectFrom('datasets').selectAll().where('workspace_id', '=', workspaceId).orderBy('inserted_at').orderBy('id').execute();
}

/** Datasets of every workspace, or of those `memberId` belongs to, with their workspace's name, by workspace then creation. */
export function listVisibleDatasetRows(db: Db, memberId?: string): Promise<Array<DatasetsTable & { workspace_name: string }>> {
  let query = db
    .selectFrom('datasets')
    .innerJoin('workspaces', 'workspaces.id', 'datasets.workspace_id')
    .selectAll('datasets')
    .select('workspaces.name as workspace_name');
  if (memberId !== undefined) {
    query = query.innerJoin('memberships', 'memberships.workspace_id', 'datasets.workspace_id').where('memberships.user_id', '=', memberId);
  }
  return query.orderBy('datasets.workspace_id').orderBy('datasets.inserted_at').orderBy('datasets.id').execute();
}

export async function countDatasetsIn(db: Db, workspaceId: string): Promise<number> {
  const row = await db.selectFrom('datasets').select((eb) => eb.fn.countAll().as('n')).where('workspace_id', '=', workspaceId).executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Per dataset: how many records, and how many of them have at least one annotation. */
export async function datasetCounts(db: Db, ids: string[]): Promise<Map<string, { records: number; annotated: number }>> {
  const counts = new Map(ids.map((id) => [id, { records: 0, annotated: 0 }]));
  if (ids.length === 0) return counts;
  const records = await db
    .selectFrom('records')
    .select(['dataset_id', (eb) => eb.fn.countAll().as('n')])
    .where('dataset_id', 'in', ids)
    .groupBy('dataset_id')
    .execute();
  for (const row of records) counts.get(row.dataset_id)!.records = Number(row.n);
  const annotated = await db
    .selectFrom('annotations')
    .select(['dataset_id', sql<number>`count(distinct record_id)`.as('n')])
    .where('dataset_id', 'in', ids)
    .groupBy('dataset_id')
    .execute();
  for (const row of annotated) counts.get(row.dataset_id)!.annotated = Number(row.n);
  return counts;
}

export async function updateDatasetRow(db: Db, id: string, changes: Partial<DatasetsTable>): Promise<void> {
  await db.updateTable('datasets').set(changes).where('id', '=', id).execute();
}

/** Deletes a dataset with its records and annotations (cascade); false when it was already gone. */
export async function deleteDatasetRow(db: Db, id: string): Promise<boolean> {
  const result = await db.deleteFrom('datasets').where('id', '=', id).executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

export async function existingRecordIds(db: Db, datasetId: string, ids: string[]): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  const rows = await db.selectFrom('records').select('id').where('dataset_id', '=', datasetId).where('id', 'in', ids).execute();
  return new Set(rows.map((r) => r.id));
}

export async function insertRecords(db: Db, rows: RecordsTable[]): Promise<void> {
  await insertRows(db, 'records', rows, 250);
}

export async function updateRecord(db: Db, datasetId: string, id: string, changes: Pick<RecordsTable, 'fields' | 'metadata' | 'updated_at'>): Promise<void> {
  await db.updateTable('records').set(changes).where('dataset_id', '=', datasetId).where('id', '=', id).execute();
}

export function findRecord(db: Db, datasetId: string, id: string): Promise<RecordsTable | undefined> {
  return db.selectFrom('records').selectAll().where('dataset_id', '=', datasetId).where('id', '=', id).executeTakeFirst();
}

export interface RecordFilters {
  annotated?: boolean;
  annotatedBy?: string;
  /** records this username has not annotated (the queue of one annotator) */
  notAnnotatedBy?: string;
  label?: string;
  after?: { inserted_at: string; id: string };
}

/** One page of records in the order they were first logged. */
export function pageOfRecords(db: Db, datasetId: string, filters: RecordFilters, limit: number): Promise<RecordsTable[]> {
  let query = db.selectFrom('records').selectAll('records').where('records.dataset_id', '=', datasetId);
  const annotations = (extra?: (q: any) => any) => {
    let sub = db
      .selectFrom('annotations')
      .select(sql`1`.as('one'))
      .where(sql<boolean>`annotations.dataset_id = records.dataset_id and annotations.record_id = records.id`);
    if (extra) sub = extra(sub);
    return sub;
  };
  if (filters.annotated === true) query = query.where(({ exists }) => exists(annotations()));
  if (filters.annotated === false) query = query.where(({ not, exists }) => not(exists(annotations())));
  if (filters.annotatedBy) {
    const username = filters.annotatedBy;
    query = query.where(({ exists }) => exists(annotations((q) => q.where('annotations.username', '=', username))));
  }
  if (filters.notAnnotatedBy) {
    const username = filters.notAnnotatedBy;
    query = query.where(({ not, exists }) => not(exists(annotations((q) => q.where('annotations.username', '=', username)))));
  }
  if (filters.label) {
    const needle = `|${filters.label}|`;
    query = query.where(({ exists }) => exists(annotations((q) => q.where(containsText(db, 'annotations.labels', needle)))));
  }
  if (filters.after) {
    const { inserted_at, id } = filters.after;
    query = query.where((eb) =>
      eb.or([eb('records.inserted_at', '>', inserted_at), eb.and([eb('records.inserted_at', '=', inserted_at), eb('records.id', '>', id)])]),
    );
  }
  return query.orderBy('records.inserted_at').orderBy('records.id').limit(limit).execute();
}

export async function annotationsOf(db: Db, datasetId: string, recordIds: string[]): Promise<AnnotationsTable[]> {
  if (recordIds.length === 0) return [];
  return db
    .selectFrom('annotations')
    .selectAll()
    .where('dataset_id', '=', datasetId)
    .where('record_id', 'in', recordIds)
    .orderBy('inserted_at')
    .execute();
}

/** Inserts or replaces the annotation of one user on one record. */
export async function upsertAnnotation(db: Db, row: AnnotationsTable): Promise<void> {
  await db
    .insertInto('annotations')
    .values(row)
    .onConflict((oc) =>
      oc.columns(['dataset_id', 'record_id', 'user_id']).doUpdateSet({
        username: row.username,
        value: row.value,
        labels: row.labels,
        status: row.status,
        updated_at: row.updated_at,
        agent: row.agent ?? null,
      }),
    )
    .execute();
}

const RECORD_COLUMNS = ['fields', 'metadata', 'inserted_at', 'updated_at', 'prediction', 'status', 'event_timestamp', 'vectors', 'explanation'] as const;
const ANNOTATION_COLUMNS = ['record_id', 'user_id', 'username', 'value', 'labels', 'status', 'inserted_at', 'updated_at', 'agent'] as const;

/** Copies every record and annotation of a dataset into another, set at a time. */
export async function copyDatasetContents(db: Db, fromId: string, toId: string): Promise<void> {
  const target = sql<string>`cast(${toId} as varchar(36))`;
  await db
    .insertInto('records')
    .columns(['dataset_id', 'id', ...RECORD_COLUMNS])
    .expression(db.selectFrom('records').select([target.as('dataset_id'), 'id', ...RECORD_COLUMNS]).where('dataset_id', '=', fromId))
    .execute();
  await db
    .insertInto('annotations')
    .columns(['dataset_id', ...ANNOTATION_COLUMNS])
    .expression(
      db
        .selectFrom('annotations')
        .select([target.as('dataset_id'), ...ANNOTATION_COLUMNS])
        .where('dataset_id', '=', fromId),
    )
    .execute();
}

// ---- the Argilla 1.6 presentation (domain/datasets16.ts) ----------------------------------------

/** Text compared byte by byte on both databases (PostgreSQL's default collation may not). */
function bytewise(db: Db, column: string) {
  return isPostgres(db) ? sql.raw(`${column} collate "C"`) : sql.ref(column);
}

export interface IdScan {
  /** only records whose id is one of these */
  ids?: string[];
  /** only records whose id comes after this one in the scan's order */
  after?: string;
  descending?: boolean;
}

/** Records in byte order of their id (or the reverse), `limit` at most. */
export function recordsById(db: Db, datasetId: string, scan: IdScan, limit: number): Promise<RecordsTable[]> {
  const id = bytewise(db, 'records.id');
  if (scan.ids && scan.ids.length === 0) return Promise.resolve([]);
  let query = db.selectFrom('records').selectAll('records').where('records.dataset_id', '=', datasetId);
  if (scan.ids) query = query.where('records.id', 'in', scan.ids);
  if (scan.after !== undefined) query = query.where(sql<boolean>`${id} ${sql.raw(scan.descending ? '<' : '>')} ${scan.after}`);
  return query.orderBy(sql`${id} ${sql.raw(scan.descending ? 'desc' : 'asc')}`).limit(limit).execute();
}

export async function hasRecords(db: Db, datasetId: string): Promise<boolean> {
  return (await db.selectFrom('records').select('id').where('dataset_id', '=', datasetId).limit(1).executeTakeFirst()) !== undefined;
}

/**
 * Replaces records as a whole (their annotations go with them) and inserts the new ones; a
 * replaced record keeps the time it was first logged.
 */
export async function replaceRecords(db: Db, datasetId: string, rows: RecordsTable[], annotations: AnnotationsTable[]): Promise<void> {
  if (rows.length === 0) return;
  const ids = rows.map((r) => r.id);
  const firstLogged = new Map<string, string>();
  for (let i = 0; i < ids.length; i += 500) {
    const part = ids.slice(i, i + 500);
    const existing = await db.selectFrom('records').select(['id', 'inserted_at']).where('dataset_id', '=', datasetId).where('id', 'in', part).execute();
    for (const row of existing) firstLogged.set(row.id, row.inserted_at);
    if (existing.length > 0) {
      await db
        .deleteFrom('records')
        .where('dataset_id', '=', datasetId)
        .where('id', 'in', existing.map((r) => r.id))
        .execute();
    }
  }
  await insertRows(db, 'records', rows.map((r) => ({ ...r, inserted_at: firstLogged.get(r.id) ?? r.inserted_at })), 250);
  await insertRows(db, 'annotations', annotations, 100);
}
