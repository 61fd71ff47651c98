// What the web UI's labelling screens need beyond the dataset API: one user's progress on a
// dataset, and an edit of the labelling schema that keeps the annotations consistent (a renamed
// label is renamed in them too; a label still in use is not dropped without a word).
import { inTransaction } from '../db/cache.js';
import type { Database } from '../db/connect.js';
import { updateDatasetRow } from '../db/repos/datasets.js';
import { countAnnotationsWithLabel, countMultiLabelAnnotations, progressOf, renameLabelInAnnotations, type Progress } from '../db/repos/labelling.js';
import { nowIso } from '../lib/time.js';
import { checkSettings, requireDataset, resolveWorkspace, type Settings } from './datasets.js';
import { fail, type FieldError } from './errors.js';
import { authorize, type Actor } from './policies.js';

export type { Progress };

/** The caller's progress on a dataset: its records, those annotated by anyone, and its own. */
export async function getProgress(database: Database, actor: Actor, workspaceName: string | undefined, name: string): Promise<Progress> {
  const workspace = await resolveWorkspace(database, actor, workspaceName);
  authorize(actor, 'datasets.read', 'read datasets');
  const dataset = await requireDataset(database.db, workspace, name);
  // The command line has no username: it has annotated nothing.
  return progressOf(database.db, dataset.id, actor.kind === 'user' ? actor.username : '');
}

export interface SettingsEdit {
  labels?: unknown;
  multi_label?: unknown;
  renames?: unknown;
}

/**
 * Changes a dataset's labels and multi_label: `labels` is the new list, in its order, with renamed
 * labels under their new names; `renames` lists each rename as {from, to}. The annotations follow
 * the renames. A label left out that annotations still carry is refused (409 label_in_use, saying
 * what to do), as is turning multi_label off while annotations hold several labels.
 */
export async function editSettings(
  database: Database,
  actor: Actor,
  workspaceName: string | undefined,
  name: string,
  input: SettingsEdit,
): Promise<Settings> {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw fail.validation([{ field: '', message: 'must be an object: {labels, multi_label, renames}' }]);
  }
  const workspace = await resolveWorkspace(database, actor, workspaceName);
  authorize(actor, 'datasets.manage', "change a dataset's settings");
  const row = await requireDataset(database.db, workspace, name);
  const current = JSON.parse(row.settings) as Settings;
  if (current.task !== 'text_classification') {
    throw fail.validation([{ field: 'labels', message: `this dataset's task is '${current.task}'; its labels cannot be changed here` }]);
  }
  const next = checkSettings({ task: current.task, labels: input.labels ?? current.labels, multi_label: input.multi_label ?? current.multi_label }, '');
  const renames = checkRenames(input.renames, current.labels, next.labels);

  return inTransaction(database.db, async (trx) => {
    const renamedFrom = new Set(renames.map((r) => r.from));
    const dropped = current.labels.filter((label) => !next.labels.includes(label) && !renamedFrom.has(label));
    const inUse: Array<{ label: string; annotations: number }> = [];
    for (const label of dropped) {
      const annotations = await countAnnotationsWithLabel(trx, row.id, label);
      if (annotations > 0) inUse.push({ label, annotations });
    }
    if (inUse.length > 0) {
      const total = inUse.reduce((sum, entry) => sum + entry.annotations, 0);
      const names = inUse.map((entry) => `'${entry.label}' (${entry.annotations} annotation${entry.annotations === 1 ? '' : 's'})`).join(', ');
      throw fail.conflict(
        'label_in_use',
        `Cannot remove ${names}: existing annotations use ${inUse.length === 1 ? 'it' : 'them'}. Rename the label instead (its annotations follow), or keep it until those annotations are changed.`,
        { labels: inUse.map((entry) => entry.label), annotations: total },
      );
    }
    if (current.multi_label && !next.multi_label) {
      const several = await countMultiLabelAnnotations(trx, row.id);
      if (several > 0) {
        throw fail.conflict(
          'label_in_use',
          `Cannot make this dataset single-label: ${several} annotation${several === 1 ? ' has' : 's have'} several labels. Keep it multi-label until those annotations are changed to one label each.`,
          { multi_label: true, annotations: several },
        );
      }
    }
    for (const { from, to } of renames) await renameLabelInAnnotations(trx, row.id, from, to);
    await updateDatasetRow(trx, row.id, { settings: JSON.stringify(next), updated_at: nowIso() });
    return next;
  });
}

/** Each rename names a current label and a new one of the list; a label is renamed once. */
function checkRenames(input: unknown, current: string[], next: string[]): Array<{ from: string; to: string }> {
  if (input === undefined || input === null) return [];
  if (!Array.isArray(input)) throw fail.validation([{ field: 'renames', message: 'must be a list of {from, to}' }]);
  const errors: FieldError[] = [];
  const renames: Array<{ from: string; to: string }> = [];
  input.forEach((entry: unknown, i) => {
    const { from, to } = (entry ?? {}) as { from?: unknown; to?: unknown };
    if (typeof from !== 'string' || typeof to !== 'string') return errors.push({ field: `renames/${i}`, message: 'must be {from, to} with two label names' });
    if (!current.includes(from)) return errors.push({ field: `renames/${i}/from`, message: `'${from}' is not one of the dataset's labels` });
    if (!next.includes(to)) return errors.push({ field: `renames/${i}/to`, message: `'${to}' must be in the new list of labels` });
    if (from !== to && next.includes(from)) return errors.push({ field: `renames/${i}/from`, message: `'${from}' is renamed, so it cannot stay in the list` });
    if (from !== to && current.includes(to)) {
      return errors.push({ field: `renames/${i}/to`, message: `'${to}' is already a label: merging two labels is not a rename` });
    }
    if (renames.some((r) => r.from === from || r.to === to)) return errors.push({ field: `renames/${i}`, message: `'${from}' is renamed twice` });
    if (from !== to) renames.push({ from, to });
    return undefined;
  });
  if (errors.length > 0) throw fail.validation(errors);
  return renames;
}
