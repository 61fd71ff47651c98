// The Argilla 1.6 Python client's view of this server's datasets: `rg.log` (one bulk per batch),
// `rg.load` (a scan in id order), `rg.copy`. These are presentations of the same datasets, records
// and annotations the project's own routes serve, not a second store: a dataset logged here is
// listed, loaded and annotated there, and the other way round. What differs from the project's
// own routes (and why) is in docs/python-1.6-datasets.md.
import { inTransaction } from '../db/cache.js';
import type { Database } from '../db/connect.js';
import { isUniqueViolation } from '../db/connect.js';
import type { AnnotationsTable, DatasetsTable, RecordsTable } from '../db/schema.js';
import {
  annotationsOf,
  copyDatasetContents,
  findDataset,
  hasRecords,
  insertDataset,
  recordsById,
  replaceRecords,
  updateDatasetRow,
} from '../db/repos/datasets.js';
import { newId } from '../lib/ids.js';
import { nowIso } from '../lib/time.js';
import { requireDataset, resolveWorkspace, TASK_NAMES_16, type Settings, type Task, type TaskName16 } from './datasets.js';
import { DomainError, fail, type FieldError } from './errors.js';
import { LIMITS } from './limits.js';
import { authorize, type Actor } from './policies.js';
import { check, rules } from './validation.js';
import type { Workspace } from './views.js';

export type { TaskName16 } from './datasets.js';
export const TASKS_16 = Object.values(TASK_NAMES_16) as TaskName16[];
const TASK_OF = Object.fromEntries(Object.entries(TASK_NAMES_16).map(([task, name]) => [name, task])) as Record<TaskName16, Task>;

/** A 1.6 record's status. */
export const STATUSES_16 = ['Default', 'Edited', 'Discarded', 'Validated'] as const;
type Status16 = (typeof STATUSES_16)[number];

/** The longest agent name the 1.6 client sends. */
const AGENT_MAX_LENGTH = 64;
/** 1.6 keeps the last this-many characters of a longer metadata text. */
const METADATA_TEXT_KEPT = 128;

type Json = Record<string, unknown>;

function isPlainObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function chars(text: string): number {
  let n = 0;
  for (const _ of text) n++;
  return n;
}

/** A stored time as 1.6 sends times: UTC, no zone. */
function withoutZone(iso: string): string {
  return iso.replace(/(Z|[+-]\d{2}:\d{2})$/, '');
}

// ---- the dataset object ------------------------------------------------------------------------

export interface Dataset16 {
  id: string;
  name: string;
  task: TaskName16;
  owner: string;
  workspace: string;
  tags: Record<string, unknown>;
  metadata: Record<string, unknown>;
  created_at: string;
  created_by: string | null;
  last_updated: string;
}

function dataset16(row: DatasetsTable, workspace: string): Dataset16 {
  const settings = JSON.parse(row.settings) as Settings;
  return {
    id: `${workspace}.${row.name}`,
    name: row.name,
    task: TASK_NAMES_16[settings.task],
    owner: workspace,
    workspace,
    tags: row.tags ? (JSON.parse(row.tags) as Json) : {},
    metadata: row.metadata ? (JSON.parse(row.metadata) as Json) : {},
    created_at: withoutZone(row.inserted_at),
    created_by: row.created_by_username,
    last_updated: withoutZone(row.updated_at),
  };
}

// ---- checking what rg.log sends ------------------------------------------------------------------

/** Collects the broken rules of a whole request: one invalid record fails the request (as in 1.6). */
class Problems {
  readonly list: FieldError[] = [];
  add(field: string, message: string): undefined {
    if (this.list.length < 50) this.list.push({ field, message });
    return undefined;
  }
}

interface Label16 {
  class: string;
  score: number;
}
interface Entity16 {
  start: number;
  end: number;
  label: string;
  score: number;
}
interface Sentence16 {
  text: string;
  score: number;
}

/** What a prediction or annotation holds once checked; `labels` are the names the label filter sees. */
interface Judgement {
  agent: string;
  body: Json;
  labels: string[];
}

function checkScore(value: unknown, field: string, problems: Problems, fallback: number): number | undefined {
  if (value === undefined || value === null) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || value > 1) return problems.add(field, 'must be a score from 0 to 1');
  return value;
}

function checkLabelName(value: unknown, field: string, problems: Problems): string | undefined {
  const name = typeof value === 'number' && Number.isSafeInteger(value) ? String(value) : value;
  if (typeof name !== 'string' || name.trim() === '' || name.length > LIMITS.label_max_length) {
    return problems.add(field, `must be a label of 1 to ${LIMITS.label_max_length} characters`);
  }
  // The project's label filter keeps an annotation's labels as |a|b|: a '|' inside one would be ambiguous.
  if (name.includes('|')) return problems.add(field, "must not contain '|'");
  return name;
}

function checkAgent(value: Json, field: string, problems: Problems): string | undefined {
  const agent = value.agent;
  if (typeof agent !== 'string' || agent.length > AGENT_MAX_LENGTH) return problems.add(`${field}/agent`, `must be text of at most ${AGENT_MAX_LENGTH} characters`);
  return agent;
}

function byScore<T extends { score: number }>(items: T[]): T[] {
  return items.map((item, i) => ({ item, i })).sort((a, b) => b.item.score - a.item.score || a.i - b.i).map(({ item }) => item);
}

function checkLabels(value: Json, field: string, problems: Problems, isAnnotation: boolean): Judgement | undefined {
  const agent = checkAgent(value, field, problems);
  if (!Array.isArray(value.labels)) return problems.add(`${field}/labels`, 'must be a list of {class, score}');
  const labels: Label16[] = [];
  value.labels.forEach((entry, j) => {
    if (!isPlainObject(entry)) return problems.add(`${field}/labels/${j}`, 'must be {class, score}');
    const name = checkLabelName(entry.class, `${field}/labels/${j}/class`, problems);
    const score = checkScore(entry.score, `${field}/labels/${j}/score`, problems, 1);
    if (name !== undefined && score !== undefined) labels.push({ class: name, score: isAnnotation ? 1 : score });
    return undefined;
  });
  if (agent === undefined) return undefined;
  const sorted = byScore(labels);
  return { agent, body: { labels: sorted }, labels: [...new Set(sorted.map((l) => l.class))] };
}

function checkEntities(value: Json, field: string, problems: Problems, textLength: number, isAnnotation: boolean): Judgement | undefined {
  const agent = checkAgent(value, field, problems);
  if (!Array.isArray(value.entities)) return problems.add(`${field}/entities`, 'must be a list of {start, end, label, score}');
  const entities: Entity16[] = [];
  value.entities.forEach((entry, j) => {
    const at = `${field}/entities/${j}`;
    if (!isPlainObject(entry)) return problems.add(at, 'must be {start, end, label, score}');
    const { start, end } = entry;
    if (!Number.isSafeInteger(start) || (start as number) < 0) return problems.add(`${at}/start`, 'must be a character position (a whole number from 0)');
    if (!Number.isSafeInteger(end) || (end as number) <= (start as number)) return problems.add(`${at}/end`, 'must be a whole number greater than start');
    if ((end as number) > textLength) return problems.add(`${at}/end`, `must be within the text (${textLength} characters)`);
    const label = checkLabelName(entry.label, `${at}/label`, problems);
    const score = checkScore(entry.score, `${at}/score`, problems, 1);
    if (label !== undefined && score !== undefined) entities.push({ start: start as number, end: end as number, label, score: isAnnotation ? 1 : score });
    return undefined;
  });
  if (agent === undefined) return undefined;
  const score = typeof value.score === 'number' && Number.isFinite(value.score) ? value.score : null;
  return { agent, body: { entities, score }, labels: [...new Set(entities.map((e) => e.label))] };
}

function checkSentences(value: Json, field: string, problems: Problems, isAnnotation: boolean): Judgement | undefined {
  const agent = checkAgent(value, field, problems);
  if (!Array.isArray(value.sentences)) return problems.add(`${field}/sentences`, 'must be a list of {text, score}');
  const sentences: Sentence16[] = [];
  value.sentences.forEach((entry, j) => {
    const at = `${field}/sentences/${j}`;
    if (!isPlainObject(entry) || typeof entry.text !== 'string') return problems.add(at, 'must be {text, score}');
    const score = checkScore(entry.score, `${at}/score`, problems, 1);
    if (score !== undefined) sentences.push({ text: entry.text, score: isAnnotation ? 1 : score });
    return undefined;
  });
  if (agent === undefined) return undefined;
  return { agent, body: { sentences: isAnnotation ? sentences : byScore(sentences) }, labels: [] };
}

/** Nested objects become dotted keys; null and empty-list values go; long texts keep their end. */
export function flattenMetadata(value: Json, prefix = '', out: Json = {}): Json {
  for (const [key, item] of Object.entries(value)) {
    const name = prefix ? `${prefix}.${key}` : key;
    if (item === null || item === undefined || (Array.isArray(item) && item.length === 0)) continue;
    if (isPlainObject(item)) flattenMetadata(item, name, out);
    else if (typeof item === 'string' && chars(item) > METADATA_TEXT_KEPT) out[name] = [...item].slice(-METADATA_TEXT_KEPT).join('');
    else out[name] = item;
  }
  return out;
}

function flattenInputs(value: Json, field: string, problems: Problems, prefix = '', out: Record<string, string | string[]> = {}): Record<string, string | string[]> {
  for (const [key, item] of Object.entries(value)) {
    const name = prefix ? `${prefix}.${key}` : key;
    if (isPlainObject(item)) flattenInputs(item, field, problems, name, out);
    else if (typeof item === 'string') out[name] = item;
    else if (typeof item === 'number' && Number.isFinite(item)) out[name] = String(item);
    else if (Array.isArray(item) && item.every((part) => typeof part === 'string')) out[name] = item as string[];
    else problems.add(`${field}/${name}`, 'must be text or a list of texts');
  }
  return out;
}

// ISO 8601 as the client sends it (no zone, local time), or with a zone.
const EVENT_TIME = /^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?)?(Z|[+-]\d{2}:?\d{2})?$/;

interface CheckedRecord {
  row: RecordsTable;
  annotation: Judgement | null;
  status: Status16;
  multiLabel: boolean;
  /** label names seen in the prediction and annotation (text classification) */
  labels: string[];
}

function checkRecord(task: Task, input: unknown, at: string, problems: Problems, datasetId: string, now: string): CheckedRecord | undefined {
  if (!isPlainObject(input)) return problems.add(at, 'must be a record object');
  const before = problems.list.length;
  const { id } = input;
  let key: string;
  if (id === undefined || id === null) key = newId();
  else if (Number.isSafeInteger(id)) key = String(id);
  else if (typeof id === 'string' && id.length >= 1 && id.length <= LIMITS.record_id_max_length) key = id;
  else return problems.add(`${at}/id`, `must be a whole number, or text of 1 to ${LIMITS.record_id_max_length} characters`);

  let metadata: Json = {};
  if (isPlainObject(input.metadata)) metadata = flattenMetadata(input.metadata);
  else if (input.metadata !== undefined && input.metadata !== null) problems.add(`${at}/metadata`, 'must be an object');

  let eventTimestamp: string | null = null;
  if (typeof input.event_timestamp === 'string' && EVENT_TIME.test(input.event_timestamp)) eventTimestamp = input.event_timestamp;
  else if (input.event_timestamp !== undefined && input.event_timestamp !== null) problems.add(`${at}/event_timestamp`, 'must be an ISO 8601 date-time');

  let status: Status16 = 'Default';
  if ((STATUSES_16 as readonly unknown[]).includes(input.status)) status = input.status as Status16;
  else if (input.status !== undefined && input.status !== null) problems.add(`${at}/status`, `must be one of ${STATUSES_16.join(', ')}`);

  let vectors: Json | null = null;
  if (isPlainObject(input.vectors)) {
    for (const [name, vector] of Object.entries(input.vectors)) {
      const values = isPlainObject(vector) ? vector.value : undefined;
      if (!Array.isArray(values) || !values.every((v) => typeof v === 'number' && Number.isFinite(v))) {
        problems.add(`${at}/vectors/${name}`, 'must be {"value": [numbers]}');
      }
    }
    vectors = Object.fromEntries(Object.entries(input.vectors).map(([name, vector]) => [name, { value: (vector as Json).value }]));
  } else if (input.vectors !== undefined && input.vectors !== null) problems.add(`${at}/vectors`, 'must be {"<name>": {"value": [numbers]}}');

  const judged = (name: 'prediction' | 'annotation', check: (value: Json, field: string, isAnnotation: boolean) => Judgement | undefined): Judgement | null => {
    const value = input[name];
    if (value === undefined || value === null) return null;
    if (!isPlainObject(value)) return problems.add(`${at}/${name}`, 'must be an object with an agent') ?? null;
    return check(value, `${at}/${name}`, name === 'annotation') ?? null;
  };

  let fields: Json;
  let multiLabel = false;
  let explanation: unknown = null;
  let prediction: Judgement | null;
  let annotation: Judgement | null;
  if (task === 'text_classification') {
    if (!isPlainObject(input.inputs) || Object.keys(input.inputs).length === 0) {
      problems.add(`${at}/inputs`, 'must be a non-empty object of texts');
      fields = {};
    } else fields = flattenInputs(input.inputs, `${at}/inputs`, problems);
    if (input.multi_label !== undefined && input.multi_label !== null && typeof input.multi_label !== 'boolean') {
      problems.add(`${at}/multi_label`, 'must be true or false');
    }
    multiLabel = input.multi_label === true;
    if (isPlainObject(input.explanation)) explanation = input.explanation;
    else if (input.explanation !== undefined && input.explanation !== null) problems.add(`${at}/explanation`, 'must be an object');
    prediction = judged('prediction', (v, f, a) => checkLabels(v, f, problems, a));
    annotation = judged('annotation', (v, f, a) => checkLabels(v, f, problems, a));
    if (!multiLabel) {
      if (annotation && annotation.labels.length !== 1) problems.add(`${at}/annotation/labels`, 'a single-label record is annotated with exactly one label');
      if (status === 'Validated' && (!annotation || annotation.labels.length === 0)) {
        problems.add(`${at}/annotation`, 'a Validated single-label record needs an annotation');
      }
      const total = ((prediction?.body.labels as Label16[] | undefined) ?? []).reduce((sum, l) => sum + l.score, 0);
      if (total > 1.001) problems.add(`${at}/prediction/labels`, 'the scores of a single-label prediction add up to at most 1');
    }
  } else {
    const { text } = input;
    if (typeof text !== 'string' || text === '') {
      problems.add(`${at}/text`, 'must be a non-empty text');
      return undefined;
    }
    if (task === 'token_classification') {
      const { tokens } = input;
      if (!Array.isArray(tokens) || tokens.length === 0 || !tokens.every((t) => typeof t === 'string')) {
        problems.add(`${at}/tokens`, 'must be a non-empty list of texts');
        return undefined;
      }
      if (tokenOffsets(text, tokens as string[]) === null) problems.add(`${at}/tokens`, 'every token must be found in the text, in order');
      fields = { text, tokens };
      const length = chars(text);
      prediction = judged('prediction', (v, f, a) => checkEntities(v, f, problems, length, a));
      annotation = judged('annotation', (v, f, a) => checkEntities(v, f, problems, length, a));
    } else {
      fields = { text };
      prediction = judged('prediction', (v, f, a) => checkSentences(v, f, problems, a));
      annotation = judged('annotation', (v, f, a) => checkSentences(v, f, problems, a));
    }
  }
  if (problems.list.length > before) return undefined;
  return {
    row: {
      dataset_id: datasetId,
      id: key,
      fields: JSON.stringify(fields),
      metadata: JSON.stringify(metadata),
      inserted_at: now,
      updated_at: now,
      prediction: prediction ? JSON.stringify({ agent: prediction.agent, ...prediction.body }) : null,
      status,
      event_timestamp: eventTimestamp,
      vectors: vectors ? JSON.stringify(vectors) : null,
      explanation: explanation === null ? null : JSON.stringify(explanation),
    },
    annotation,
    status,
    multiLabel,
    labels: [...(prediction?.labels ?? []), ...(annotation?.labels ?? [])],
  };
}

// ---- rg.log ------------------------------------------------------------------------------------------

export interface BulkResult16 {
  dataset: string;
  processed: number;
  failed: number;
}

function checkObject(value: unknown, field: string): Json {
  if (value === undefined || value === null) return {};
  if (!isPlainObject(value)) throw fail.validation([{ field, message: 'must be an object' }]);
  return value;
}

/**
 * One batch of rg.log: creates the dataset on its first batch (managers only), then stores every
 * record, each replacing any record of the same id as a whole. One invalid record fails the batch.
 */
export async function logBulk16(
  database: Database,
  actor: Actor,
  workspaceName: string | undefined,
  name: string,
  taskName: TaskName16,
  body: { records?: unknown; tags?: unknown; metadata?: unknown },
): Promise<BulkResult16> {
  const task = TASK_OF[taskName];
  const records = body.records;
  if (!Array.isArray(records)) throw fail.validation([{ field: 'records', message: 'must be a list of records' }]);
  if (records.length > LIMITS.bulk_records_max) {
    throw fail.validation([{ field: 'records', message: `at most ${LIMITS.bulk_records_max} records per request (rg.log's default batch_size is 500)` }]);
  }
  const tags = checkObject(body.tags, 'tags');
  const metadata = checkObject(body.metadata, 'metadata');
  const workspace = await resolveWorkspace(database, actor, workspaceName);
  authorize(actor, 'datasets.log', 'log records');
  let dataset = await findDataset(database.db, workspace.id, name);
  if (dataset) {
    const settings = JSON.parse(dataset.settings) as Settings;
    if (settings.task !== task) {
      throw fail.badRequest('wrong_task', `Dataset '${name}' holds ${TASK_NAMES_16[settings.task]} records, not ${taskName}.`, {
        name,
        task: TASK_NAMES_16[settings.task],
      });
    }
  } else {
    authorize(actor, 'datasets.manage', 'create datasets');
    check([['name', rules.name, name]]);
  }

  const problems = new Problems();
  const now = nowIso();
  const datasetId = dataset?.id ?? newId();
  // A repeated id in one batch: the later record wins, as one write after the other would.
  const checked = new Map<string, CheckedRecord>();
  records.forEach((record, i) => {
    const result = checkRecord(task, record, `records/${i}`, problems, datasetId, now);
    if (result) {
      checked.delete(result.row.id);
      checked.set(result.row.id, result);
    }
  });
  const multi = new Set([...checked.values()].map((r) => r.multiLabel));
  if (multi.size > 1) problems.add('records', 'every record of one request must have the same multi_label');
  if (problems.list.length > 0) throw fail.validation(problems.list);

  const settings: Settings = dataset ? (JSON.parse(dataset.settings) as Settings) : { task, labels: [], multi_label: false };
  const multiLabel = multi.size === 1 ? [...multi][0]! : settings.multi_label;
  if (task === 'text_classification' && multiLabel !== settings.multi_label) {
    if (dataset && (await hasRecords(database.db, dataset.id))) {
      throw fail.badRequest('bad_request', `You cannot pass ${multiLabel ? 'multi-label' : 'single-label'} records for this dataset: it holds ${settings.multi_label ? 'multi-label' : 'single-label'} ones.`);
    }
    settings.multi_label = multiLabel;
  }
  // The labels met in records join the dataset's labelling schema, so that the web UI and the
  // project's annotation route offer them (a dataset created by a bulk accepts any label).
  if (task === 'text_classification') {
    const known = new Set(settings.labels);
    for (const record of checked.values()) {
      for (const label of record.labels) {
        if (known.has(label)) continue;
        known.add(label);
        settings.labels.push(label);
      }
    }
  }
  if (settings.labels.length > LIMITS.labels_max) throw fail.validation([{ field: 'records', message: `a dataset holds at most ${LIMITS.labels_max} labels` }]);

  const rows = [...checked.values()].map((r) => r.row);
  const annotations: AnnotationsTable[] = [];
  for (const record of checked.values()) {
    if (!record.annotation) continue;
    annotations.push({
      dataset_id: datasetId,
      record_id: record.row.id,
      user_id: actor.kind === 'user' ? actor.id : null,
      username: actor.kind === 'user' ? actor.username : 'system',
      value: JSON.stringify({ labels: record.annotation.labels, ...taskParts(task, record.annotation.body) }),
      labels: `|${record.annotation.labels.join('|')}|`,
      status: record.status === 'Discarded' ? 'discarded' : 'submitted',
      inserted_at: now,
      updated_at: now,
      agent: record.annotation.agent,
    });
  }

  const existed = dataset !== undefined;
  try {
    await inTransaction(database.db, async (trx) => {
      if (!dataset) {
        dataset = {
          id: datasetId,
          workspace_id: workspace.id,
          name,
          settings: JSON.stringify(settings),
          created_by: actor.kind === 'user' ? actor.id : null,
          created_by_username: actor.kind === 'user' ? actor.username : 'system',
          inserted_at: now,
          updated_at: now,
          tags: JSON.stringify(tags),
          metadata: JSON.stringify(metadata),
        };
        await insertDataset(trx, dataset);
      } else {
        const mergedTags = { ...(dataset.tags ? (JSON.parse(dataset.tags) as Json) : {}), ...tags };
        const mergedMetadata = { ...(dataset.metadata ? (JSON.parse(dataset.metadata) as Json) : {}), ...metadata };
        await updateDatasetRow(trx, dataset.id, {
          settings: JSON.stringify(settings),
          tags: JSON.stringify(mergedTags),
          metadata: JSON.stringify(mergedMetadata),
          updated_at: now,
        });
      }
      await replaceRecords(trx, datasetId, rows, annotations);
    });
  } catch (error) {
    // Another first batch created the dataset at the same moment: this one goes again, as a later batch.
    if (isUniqueViolation(error) && !existed) return logBulk16(database, actor, workspaceName, name, taskName, body);
    throw error;
  }
  return { dataset: name, processed: records.length, failed: 0 };
}

/** An annotation's value as the project stores it: its label names, plus the task's own parts. */
function taskParts(task: Task, body: Json): Json {
  if (task === 'text_classification') return {};
  if (task === 'token_classification') return { entities: body.entities };
  return { sentences: body.sentences };
}

// ---- rg.load -----------------------------------------------------------------------------------------

export interface ScanBody16 {
  query?: unknown;
  next_idx?: unknown;
  next_page_cfg?: unknown;
  sort_by?: unknown;
  fields?: unknown;
}

export interface ScanResult16 {
  records: Json[];
  next_idx?: string;
}

/** Records read at a time while a text query filters them. */
const QUERY_CHUNK = LIMITS.bulk_records_max;

/**
 * One page of rg.load: records in byte order of their id (as 1.6 sorts them), exactly
 * min(limit, remaining) of them, with `next_idx` (the last id) while more remain.
 */
export async function scan16(
  database: Database,
  actor: Actor,
  workspaceName: string | undefined,
  name: string,
  limit: number,
  body: ScanBody16,
): Promise<ScanResult16> {
  const query = body.query === undefined || body.query === null ? {} : body.query;
  if (!isPlainObject(query)) throw fail.validation([{ field: 'query', message: 'must be an object' }]);
  const { ids, query_text: queryText } = query;
  if (ids !== undefined && ids !== null) {
    if (!Array.isArray(ids) || !ids.every((id) => Number.isSafeInteger(id) || typeof id === 'string')) {
      throw fail.validation([{ field: 'query/ids', message: 'must be a list of record ids (text or whole numbers)' }]);
    }
    if (ids.length > LIMITS.page_size_max) throw fail.validation([{ field: 'query/ids', message: `at most ${LIMITS.page_size_max} ids` }]);
  }
  if (queryText !== undefined && queryText !== null && typeof queryText !== 'string') {
    throw fail.validation([{ field: 'query/query_text', message: 'must be text' }]);
  }
  const after = body.next_idx ?? undefined;
  if (after !== undefined && typeof after !== 'string' && !Number.isSafeInteger(after)) {
    throw fail.validation([{ field: 'next_idx', message: 'must be the next_idx of the previous page' }]);
  }
  let descending = false;
  if (body.sort_by !== undefined && body.sort_by !== null) {
    const sort = body.sort_by;
    const valid = Array.isArray(sort) && sort.every((s) => isPlainObject(s) && s.id === 'id' && (s.order === undefined || s.order === 'asc' || s.order === 'desc'));
    if (!valid) throw fail.validation([{ field: 'sort_by', message: "records sort by id only: [{\"id\": \"id\", \"order\": \"asc\" | \"desc\"}]" }]);
    descending = (sort as Json[])[0]?.order === 'desc';
  }

  const workspace = await resolveWorkspace(database, actor, workspaceName);
  authorize(actor, 'datasets.read', 'read records');
  // Answered here too: the client may skip the dataset GET (it caches it by name, whatever the workspace).
  const dataset = await requireDataset(database.db, workspace, name);
  const settings = JSON.parse(dataset.settings) as Settings;
  const scan = {
    ids: Array.isArray(ids) ? [...new Set(ids.map(String))] : undefined,
    after: after === undefined ? undefined : String(after),
    descending,
  };
  // With ids, 1.6 ignores every other filter, the text query included.
  const matcher = scan.ids === undefined && typeof queryText === 'string' && queryText.trim() !== '' ? parseQuery(queryText) : null;

  const page: Json[] = [];
  let more = false;
  if (limit === 0) return { records: [] };
  if (!matcher) {
    const rows = await recordsById(database.db, dataset.id, scan, limit + 1);
    more = rows.length > limit;
    page.push(...(await documents(database, dataset.id, settings, rows.slice(0, limit))));
  } else {
    for (;;) {
      const rows = await recordsById(database.db, dataset.id, scan, QUERY_CHUNK);
      for (const doc of await documents(database, dataset.id, settings, rows)) {
        const keywords = matcher(doc);
        if (keywords === null) continue;
        if (page.length === limit) {
          more = true;
          break;
        }
        if (keywords.length > 0) doc.search_keywords = keywords;
        page.push(doc);
      }
      if (more || rows.length < QUERY_CHUNK) break;
      scan.after = rows[rows.length - 1]!.id;
    }
  }
  const result: ScanResult16 = { records: page };
  if (more) result.next_idx = String(page[page.length - 1]!.id);
  return result;
}

/** Records as 1.6 returns them; the newest annotation of a record is its annotation. */
async function documents(database: Database, datasetId: string, settings: Settings, rows: RecordsTable[]): Promise<Json[]> {
  const latest = new Map<string, AnnotationsTable>();
  for (const a of await annotationsOf(database.db, datasetId, rows.map((r) => r.id))) {
    const seen = latest.get(a.record_id);
    if (!seen || a.updated_at >= seen.updated_at) latest.set(a.record_id, a);
  }
  return rows.map((row) => document16(settings, row, latest.get(row.id)));
}

function annotationOf(task: Task, a: AnnotationsTable): Json | null {
  const value = JSON.parse(a.value) as Json;
  const agent = a.agent ?? a.username;
  if (task === 'text_classification') {
    const labels = (value.labels as string[] | undefined) ?? [];
    if (labels.length === 0) return null;
    return { agent, labels: labels.map((label) => ({ class: label, score: 1 })) };
  }
  if (task === 'token_classification') return { agent, entities: value.entities ?? [], score: null };
  return { agent, sentences: value.sentences ?? [] };
}

function statusOf(row: RecordsTable, annotation: AnnotationsTable | undefined, shown: Json | null): Status16 {
  // An annotation made through the project's own routes (no agent) is newer than the record's last
  // bulk (a bulk replaces the record's annotations), so its status decides.
  if (annotation && annotation.agent == null) return annotation.status === 'discarded' ? 'Discarded' : 'Validated';
  if (row.status && (STATUSES_16 as readonly string[]).includes(row.status)) return row.status as Status16;
  return shown ? 'Validated' : 'Default';
}

function document16(settings: Settings, row: RecordsTable, annotation: AnnotationsTable | undefined): Json {
  const task = settings.task;
  const fields = JSON.parse(row.fields) as Json;
  const shown = annotation ? annotationOf(task, annotation) : null;
  const doc: Json = { id: row.id };
  let text: string;
  if (task === 'text_classification') {
    const inputs: Json = {};
    // Fields logged through the project's own routes may hold any JSON: the client takes texts only.
    for (const [key, value] of Object.entries(fields)) {
      if (value === null || value === undefined) continue;
      inputs[key] = typeof value === 'string' || (Array.isArray(value) && value.every((v) => typeof v === 'string')) ? value : JSON.stringify(value);
    }
    text = Object.values(inputs)
      .map((v) => (Array.isArray(v) ? v.join('\n') : (v as string)))
      .join('\n');
    doc.inputs = inputs;
    doc.text = text;
    doc.multi_label = settings.multi_label;
  } else {
    text = typeof fields.text === 'string' ? fields.text : '';
    doc.text = text;
    if (task === 'token_classification') doc.tokens = Array.isArray(fields.tokens) ? fields.tokens : [];
  }
  if (row.prediction) doc.prediction = JSON.parse(row.prediction);
  if (shown) doc.annotation = shown;
  doc.status = statusOf(row, annotation, shown);
  if (row.event_timestamp) doc.event_timestamp = row.event_timestamp;
  doc.last_updated = withoutZone(annotation && annotation.updated_at > row.updated_at ? annotation.updated_at : row.updated_at);
  doc.metadata = JSON.parse(row.metadata);
  if (row.vectors) doc.vectors = JSON.parse(row.vectors);
  if (row.explanation) doc.explanation = JSON.parse(row.explanation);
  doc.metrics = metricsOf(task, doc, text);
  return doc;
}

// ---- metrics computed by the server ---------------------------------------------------------------

function capitalness(token: string): string | null {
  const letters = [...token].filter((c) => c.toLowerCase() !== c.toUpperCase());
  if (letters.length === 0) return null;
  if (letters.every((c) => c === c.toUpperCase())) return 'UPPER';
  if (letters.every((c) => c === c.toLowerCase())) return 'LOWER';
  const first = letters[0]!;
  if (first === first.toUpperCase() && letters.slice(1).every((c) => c === c.toLowerCase())) return 'FIRST';
  return 'MIDDLE';
}

/** Each token's [start, end) in the text (in characters), looked up in order; null when one is missing. */
function tokenOffsets(text: string, tokens: string[]): Array<[number, number]> | null {
  const codePoints = [...text];
  const joined = codePoints.join('');
  const offsets: Array<[number, number]> = [];
  let from = 0;
  for (const token of tokens) {
    const at = joined.indexOf(token, from);
    if (at < 0) return null;
    // indexOf counts UTF-16 units: convert to characters.
    const start = chars(joined.slice(0, at));
    offsets.push([start, start + chars(token)]);
    from = at + token.length;
  }
  return offsets;
}

function metricsOf(task: Task, doc: Json, text: string): Json {
  if (task !== 'token_classification') return { text_length: chars(text) };
  const tokens = (doc.tokens as string[]) ?? [];
  const offsets = tokenOffsets(text, tokens) ?? tokens.map((): [number, number] => [0, 0]);
  const codePoints = [...text];
  const spans = (judgement: unknown) => {
    const entities = ((judgement as Json | undefined)?.entities as Entity16[] | undefined) ?? [];
    const mentions = entities.map((e) => {
      const inside = offsets.filter(([s, t]) => s < e.end && t > e.start).length;
      const value = codePoints.slice(e.start, e.end).join('');
      return {
        value,
        label: e.label,
        score: e.score,
        capitalness: capitalness(value),
        density: tokens.length ? inside / tokens.length : 0,
        tokens_length: inside,
        chars_length: e.end - e.start,
      };
    });
    const tags = tokens.map((token, i) => {
      const [s, t] = offsets[i]!;
      const entity = entities.find((e) => s < e.end && t > e.start);
      if (!entity) return { value: token, tag: 'O' };
      const first = offsets.findIndex(([a, b]) => a < entity.end && b > entity.start);
      return { value: token, tag: `${first === i ? 'B' : 'I'}-${entity.label}` };
    });
    return { mentions, tags };
  };
  return {
    text_length: codePoints.length,
    tokens_length: tokens.length,
    tokens: tokens.map((value, idx) => ({
      idx,
      value,
      char_start: offsets[idx]![0],
      char_end: offsets[idx]![1] - 1,
      capitalness: capitalness(value),
      length: chars(value),
    })),
    predicted: spans(doc.prediction),
    annotated: spans(doc.annotation),
  };
}

// ---- the text query ------------------------------------------------------------------------------------

/** Words as the search engine's standard analyser cuts them: letters and digits, lower-cased. */
function words(text: string): Array<{ word: string; original: string }> {
  return [...text.matchAll(/[\p{L}\p{N}_]+/gu)].map((m) => ({ word: m[0].toLowerCase(), original: m[0] }));
}

function wildcard(term: string): RegExp | null {
  if (!/[*?]/.test(term)) return null;
  const pattern = term.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${pattern}$`, 'iu');
}

type Matcher = (doc: Json) => string[] | null;

/**
 * A query-string as 1.6 reads it, for the common cases: words and "quoted phrases" over the
 * record's text (AND by default, OR between groups, NOT or - to exclude, * and ? wildcards), and
 * field:value terms on status, annotated_as, predicted_as, annotated_by, predicted_by, id,
 * metadata.<key> and inputs.<key>. Answers the matched words (search_keywords), or null.
 */
function parseQuery(text: string): Matcher {
  const groups: Array<Array<{ negate: boolean; field: string | null; value: string; phrase: boolean }>> = [[]];
  const tokens = text.matchAll(/([-+]?)(?:([\w.]+):)?(?:"([^"]*)"|(\S+))/g);
  let negateNext = false;
  for (const [, sign, field, phrase, word] of tokens) {
    if (!field && phrase === undefined && word === 'AND') continue;
    if (!field && phrase === undefined && word === 'OR') {
      groups.push([]);
      continue;
    }
    if (!field && phrase === undefined && word === 'NOT') {
      negateNext = true;
      continue;
    }
    groups[groups.length - 1]!.push({ negate: negateNext || sign === '-', field: field ?? null, value: phrase ?? word ?? '', phrase: phrase !== undefined });
    negateNext = false;
  }
  const matchText = (target: string, value: string): string[] | null => {
    const have = words(target);
    const want = words(value);
    if (want.length === 0) return [];
    if (want.length === 1) {
      const pattern = wildcard(value.trim());
      const found = have.filter((w) => (pattern ? pattern.test(w.original) : w.word === want[0]!.word));
      return found.length ? [...new Set(found.map((w) => w.original))] : null;
    }
    const out: string[] = [];
    for (let i = 0; i + want.length <= have.length; i++) {
      if (want.every((w, j) => have[i + j]!.word === w.word)) out.push(...have.slice(i, i + want.length).map((w) => w.original));
    }
    return out.length ? [...new Set(out)] : null;
  };
  const matchValue = (candidates: unknown[], value: string): boolean => {
    const pattern = wildcard(value);
    return candidates.some((c) => c !== null && c !== undefined && (pattern ? pattern.test(String(c)) : String(c) === value));
  };
  const labelsOf = (judgement: unknown): string[] => {
    const j = judgement as Json | undefined;
    if (!j) return [];
    if (Array.isArray(j.labels)) return (j.labels as Label16[]).map((l) => l.class);
    if (Array.isArray(j.entities)) return (j.entities as Entity16[]).map((e) => e.label);
    return [];
  };
  const term = (doc: Json, t: { field: string | null; value: string }): string[] | null => {
    const f = t.field;
    if (f === null || f === 'text') return matchText(String(doc.text ?? ''), t.value);
    if (f.startsWith('inputs.')) {
      const input = (doc.inputs as Json | undefined)?.[f.slice(7)];
      return input === undefined ? null : matchText(Array.isArray(input) ? input.join('\n') : String(input), t.value);
    }
    let ok: boolean;
    if (f === 'status') ok = matchValue([doc.status], t.value);
    else if (f === 'id') ok = matchValue([doc.id], t.value);
    else if (f === 'annotated_as') ok = matchValue(labelsOf(doc.annotation), t.value);
    else if (f === 'predicted_as') ok = matchValue(labelsOf(doc.prediction), t.value);
    else if (f === 'annotated_by') ok = matchValue([(doc.annotation as Json | undefined)?.agent], t.value);
    else if (f === 'predicted_by') ok = matchValue([(doc.prediction as Json | undefined)?.agent], t.value);
    else if (f.startsWith('metadata.')) {
      const value = (doc.metadata as Json)[f.slice(9)];
      ok = matchValue(Array.isArray(value) ? value : [value], t.value);
    } else ok = false;
    return ok ? [] : null;
  };
  return (doc) => {
    for (const group of groups) {
      const keywords: string[] = [];
      let ok = group.length > 0;
      for (const t of group) {
        const found = term(doc, t);
        if (t.negate ? found !== null : found === null) {
          ok = false;
          break;
        }
        if (!t.negate && found) keywords.push(...found);
      }
      if (ok) return [...new Set(keywords)];
    }
    return null;
  };
}

// ---- rg.copy -------------------------------------------------------------------------------------------

/**
 * Copies a dataset with its records and annotations, checking in 1.6's order: the source (404),
 * the target workspace (404), the name in it (409), then the caller's permission (403).
 */
export async function copy16(
  database: Database,
  actor: Actor,
  workspaceName: string | undefined,
  name: string,
  body: { name?: unknown; target_workspace?: unknown; tags?: unknown; metadata?: unknown },
): Promise<Dataset16> {
  check([['name', rules.name, body.name]]);
  const copyName = body.name as string;
  const tags = checkObject(body.tags, 'tags');
  const metadata = checkObject(body.metadata, 'metadata');
  if (body.target_workspace !== undefined && body.target_workspace !== null && typeof body.target_workspace !== 'string') {
    throw fail.validation([{ field: 'target_workspace', message: 'must be a workspace name, or null for the same workspace' }]);
  }
  const workspace = await resolveWorkspace(database, actor, workspaceName);
  authorize(actor, 'datasets.read', 'read datasets');
  const source = await requireDataset(database.db, workspace, name);
  const target: Workspace = body.target_workspace ? await resolveWorkspace(database, actor, body.target_workspace as string) : workspace;
  const taken = () => new DomainError('dataset_already_exists', `Dataset '${copyName}' already exists in workspace '${target.name}'.`, { type: 'Dataset', name: copyName, workspace: target.name });
  if (await findDataset(database.db, target.id, copyName)) throw taken();
  authorize(actor, 'datasets.manage', 'copy datasets');
  const now = nowIso();
  const row: DatasetsTable = {
    id: newId(),
    workspace_id: target.id,
    name: copyName,
    settings: source.settings,
    created_by: actor.kind === 'user' ? actor.id : null,
    created_by_username: actor.kind === 'user' ? actor.username : 'system',
    inserted_at: now,
    updated_at: now,
    tags: JSON.stringify({ ...(source.tags ? (JSON.parse(source.tags) as Json) : {}), ...tags }),
    metadata: JSON.stringify({
      ...(source.metadata ? (JSON.parse(source.metadata) as Json) : {}),
      ...metadata,
      source_workspace: workspace.name,
      copied_from: source.name,
    }),
  };
  try {
    await inTransaction(database.db, async (trx) => {
      await insertDataset(trx, row);
      await copyDatasetContents(trx, source.id, row.id);
    });
  } catch (error) {
    if (isUniqueViolation(error)) throw taken();
    throw error;
  }
  return dataset16(row, target.name);
}
