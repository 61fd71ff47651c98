// What the labelling screens ask of a dataset's annotations: one user's progress, which labels are
// in use, and renaming a label inside the annotations that carry it.
import { sql } from 'kysely';
import type { Db } from '../schema.js';
import { containsText } from './dialect.js';

export interface Progress {
  records: number;
  /** records with at least one annotation, by anyone */
  annotated: number;
  /** records this user annotated (submitted or discarded) */
  annotated_by_me: number;
  submitted_by_me: number;
  discarded_by_me: number;
}

/** The counts of a dataset's progress bar for one username. */
export async function progressOf(db: Db, datasetId: string, username: string): Promise<Progress> {
  const records = await db.selectFrom('records').select((eb) => eb.fn.countAll().as('n')).where('dataset_id', '=', datasetId).executeTakeFirstOrThrow();
  const annotated = await db
    .selectFrom('annotations')
    .select(sql<number>`count(distinct record_id)`.as('n'))
    .where('dataset_id', '=', datasetId)
    .executeTakeFirstOrThrow();
  // One annotation per record and user, but a deleted user's rows keep its username: a newer user
  // of the same name may meet them, hence distinct records.
  const mine = await db
    .selectFrom('annotations')
    .select(['status', sql<number>`count(distinct record_id)`.as('n')])
    .where('dataset_id', '=', datasetId)
    .where('username', '=', username)
    .groupBy('status')
    .execute();
  const byStatus = new Map(mine.map((row) => [row.status, Number(row.n)]));
  const any = await db
    .selectFrom('annotations')
    .select(sql<number>`count(distinct record_id)`.as('n'))
    .where('dataset_id', '=', datasetId)
    .where('username', '=', username)
    .executeTakeFirstOrThrow();
  return {
    records: Number(records.n),
    annotated: Number(annotated.n),
    annotated_by_me: Number(any.n),
    submitted_by_me: byStatus.get('submitted') ?? 0,
    discarded_by_me: byStatus.get('discarded') ?? 0,
  };
}

/** How many annotations of the dataset carry this label. */
export async function countAnnotationsWithLabel(db: Db, datasetId: string, label: string): Promise<number> {
  const row = await db
    .selectFrom('annotations')
    .select((eb) => eb.fn.countAll().as('n'))
    .where('dataset_id', '=', datasetId)
    .where(containsText(db, 'labels', `|${label}|`))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** How many annotations of the dataset carry two labels or more (kept as |a|b|: three bars or more). */
export async function countMultiLabelAnnotations(db: Db, datasetId: string): Promise<number> {
  const row = await db
    .selectFrom('annotations')
    .select((eb) => eb.fn.countAll().as('n'))
    .where('dataset_id', '=', datasetId)
    .where('labels', 'like', '|%|%|%')
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/**
 * Renames a label in every annotation of the dataset that carries it (its value and its |a|b| form).
 * Annotations with the same text are rewritten together, so the statements grow with the number of
 * distinct label combinations, not with the number of annotations. Returns how many were changed.
 */
export async function renameLabelInAnnotations(db: Db, datasetId: string, from: string, to: string): Promise<number> {
  const variants = await db
    .selectFrom('annotations')
    .select(['value', 'labels'])
    .distinct()
    .where('dataset_id', '=', datasetId)
    .where(containsText(db, 'labels', `|${from}|`))
    .execute();
  let changed = 0;
  for (const { value, labels } of variants) {
    const rename = (label: unknown) => (label === from ? to : label);
    let newValue = value;
    try {
      const parsed = JSON.parse(value) as { labels?: unknown };
      if (parsed && typeof parsed === 'object' && Array.isArray(parsed.labels)) newValue = JSON.stringify({ ...parsed, labels: parsed.labels.map(rename) });
    } catch {
      // not JSON: the value is left as it is, the label filter's form is still renamed
    }
    const newLabels = `|${labels.slice(1, -1).split('|').map(rename).join('|')}|`;
    const result = await db
      .updateTable('annotations')
      .set({ value: newValue, labels: newLabels })
      .where('dataset_id', '=', datasetId)
      .where('value', '=', value)
      .where('labels', '=', labels)
      .executeTakeFirst();
    changed += Number(result.numUpdatedRows);
  }
  return changed;
}
