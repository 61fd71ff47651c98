import type { Database } from '../db/connect.js';
import { listRevisions, migrateToLatest } from '../db/migrate.js';
import type { Io } from './io.js';

export async function migrateTask(database: Database, io: Io): Promise<void> {
  const applied = await migrateToLatest(database.db);
  for (const step of applied) {
    io.out(`Running upgrade ${step.from ?? '<base>'} -> ${step.to}, ${step.description}`);
  }
  if (applied.length === 0) io.out(`The database schema is up to date (${database.describe}); nothing to do.`);
}

export async function revisionsTask(database: Database, io: Io): Promise<void> {
  const revisions = await listRevisions(database.db);
  const applied = revisions.filter((r) => r.appliedAt);
  const current = applied[applied.length - 1]?.name;
  for (const revision of revisions) {
    const mark = revision.name === current ? ' (current)' : revision.appliedAt ? '' : ' (pending)';
    io.out(`${revision.name}: ${revision.description}${mark}`);
  }
  if (!current) io.out('No migration applied yet: run \'argilla database migrate\'.');
}
