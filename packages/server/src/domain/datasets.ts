// Workspace-scoped datasets and their labelling schema (settings); records and annotations are in
// records.ts.
//
// Access: a workspace is seen by the actors whose workspace scope covers it (policies.ts); to
// anyone else it does not exist (404). Within it, the role table decides what each may do.
import { inTransaction } from '../db/cache.js';
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
  listVisibleDatasetRows,
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
import { authorize, canSeeWorkspace, workspaceScope, type Actor } from './policies.js';
import { LIMITS } from './limits.js';
import { check, rules } from './validation.js';
import type { Workspace } from './views.js';

/**
 * What a dataset's records are for. The project's own routes create text classification datasets;
 * the 1.6 Python client's routes (datasets16.ts) also create the other two.
 */
export type Task = 'text_classification' | 'token_classification' | 'text2text';

/** The tasks as the 1.6 Python client names them. */
export const TASK_NAMES_16 = { text_classification: 'TextClassification', token_classification: 'TokenClassification', text2text: 'Text2Text' } as const;
export type TaskName16 = (typeof TASK_NAMES_16)[Task];

export interface Settings {
  task: Task;
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
  /** the task as the 1.6 Python client names it (it needs this to load a dataset) */
  task: TaskName16;
}

function summary(row: DatasetsTable, workspace: string, counts: { records: number; annotated: number }): DatasetSummary {
  const dataset = view(row, workspace);
  return { ...dataset, ...counts, task: TASK_NAMES_16[dataset.settings.task] ?? 'TextClassification' };
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
  const visible = workspace && (await canSeeWorkspace(actor, (userId) => isMember(database.db, userId, workspace.id)));
  if (!workspace || !visible) throw fail.notFound('workspace', name);
  return workspace;
}

export async function requireDataset(db: Db, workspace: Workspace, name: string): Promise<DatasetsTable> {
  const row = await findDataset(db, workspace.id, name);
  if (!row) throw fail.notFound('dataset', name);
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
      if (typeof label !== 'string' || label.trim() === '' || label.length > LIMITS.label_max_length) {
        errors.push({ field: `${field}/labels/${i}`, message: `must be a label name of 1 to ${LIMITS.label_max_length} characters` });
      } else if (label.includes('|')) {
        // The label filter keeps an annotation's labels as |a|b|: a '|' inside one would be ambiguous.
        errors.push({ field: `${field}/labels/${i}`, message: "must not contain '|'" });
      } else if (labels.indexOf(label) !== i) errors.push({ field: `${field}/labels/${i}`, message: `'${label}' is listed twice` });
    });
    if (labels.length > LIMITS.labels_max) errors.push({ field: `${field}/labels`, message: `at most ${LIMITS.labels_max} labels` });
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
    if (isUniqueViolation(error)) throw fail.alreadyExists('dataset', input.name);
    throw error;
  }
  return view(row, workspace.name);
}

export async function listDatasets(database: Database, actor: Actor, workspaceName: string | undefined): Promise<DatasetSummary[]> {
  const workspace = await resolveWorkspace(database, actor, workspaceName);
  authorize(actor, 'datasets.read', 'read datasets');
  const rows = await listDatasetRows(database.db, workspace.id);
  const counts = await datasetCounts(database.db, rows.map((r) => r.id));
  return rows.map((row) => summary(row, workspace.name, counts.get(row.id)!));
}

/** Every dataset in the workspaces the actor sees (its scope), with its workspace's id. */
export async function listVisibleDatasets(database: Database, actor: Actor): Promise<Array<DatasetView & { workspace_id: string }>> {
  authorize(actor, 'datasets.read', 'read datasets');
  const scope = workspaceScope(actor);
  const rows = await listVisibleDatasetRows(database.db, scope.all ? undefined : scope.memberId);
  return rows.map((row) => ({ ...view(row, row.workspace_name), workspace_id: row.workspace_id }));
}

export async function getDataset(database: Database, actor: Actor, workspaceName: string | undefined, name: string): Promise<DatasetSummary> {
  const workspace = await resolveWorkspace(database, actor, workspaceName);
  authorize(actor, 'datasets.read', 'read datasets');
  const row = await requireDataset(database.db, workspace, name);
  const counts = await datasetCounts(database.db, [row.id]);
  return summary(row, workspace.name, counts.get(row.id)!);
}

export async function deleteDataset(database: Database, actor: Actor, workspaceName: string | undefined, name: string): Promise<DatasetView> {
  const workspace = await resolveWorkspace(database, actor, workspaceName);
  authorize(actor, 'datasets.manage', 'delete datasets');
  return inTransaction(database.db, async (trx) => {
    const row = await requireDataset(trx, workspace, name);
    if (!(await deleteDatasetRow(trx, row.id))) throw fail.notFound('dataset', name);
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
  const current = JSON.parse(row.settings) as Settings;
  if (current.task !== settings.task) {
    // Labels and multi_label are text classification's: the other tasks' records carry their own.
    throw fail.validation([{ field: 'task', message: `this dataset's task is '${current.task}'; its settings cannot be changed here` }]);
  }
  await updateDatasetRow(database.db, row.id, { settings: JSON.stringify(settings), updated_at: nowIso() });
  return settings;
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
    await inTransaction(database.db, async (trx) => {
      await insertDataset(trx, row);
      await copyDatasetContents(trx, source.id, row.id);
    });
  } catch (error) {
    if (isUniqueViolation(error)) throw fail.alreadyExists('dataset', `${target.name}/${input.name}`);
    throw error;
  }
  return view(row, target.name);
}
