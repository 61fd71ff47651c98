// Numbered migrations, compiled in (no files looked up at run time), applied by Kysely's migrator,
// which holds a lock so that several processes starting at once apply each migration exactly once.
import { Migrator, type Kysely, type Migration, type MigrationProvider } from 'kysely';
import * as m0001 from './migrations/0001_initial_schema.js';
import * as m0002 from './migrations/0002_login_failures_and_audit.js';
import * as m0003 from './migrations/0003_datasets.js';
import * as m0004 from './migrations/0004_api_key_rotation.js';
import * as m0005 from './migrations/0005_login_attempts_in_flight.js';
import * as m0006 from './migrations/0006_installation_secrets.js';
import * as m0007 from './migrations/0007_client_request_ids.js';
import * as m0008 from './migrations/0008_time_offsets.js';
import * as m0009 from './migrations/0009_python_client_records.js';
import * as m0010 from './migrations/0010_user_identities.js';

interface NumberedMigration extends Migration {
  description: string;
}

export const MIGRATIONS: Record<string, NumberedMigration> = {
  '0001_initial_schema': m0001,
  '0002_login_failures_and_audit': m0002,
  '0003_datasets': m0003,
  '0004_api_key_rotation': m0004,
  '0005_login_attempts_in_flight': m0005,
  '0006_installation_secrets': m0006,
  '0007_client_request_ids': m0007,
  '0008_time_offsets': m0008,
  '0009_python_client_records': m0009,
  '0010_user_identities': m0010,
};

const provider: MigrationProvider = {
  getMigrations: async () => MIGRATIONS,
};

function migrator(db: Kysely<any>): Migrator {
  return new Migrator({
    db,
    provider,
    migrationTableName: 'schema_migrations',
    migrationLockTableName: 'schema_migrations_lock',
  });
}

export interface AppliedMigration {
  from: string | null;
  to: string;
  description: string;
}

export class MigrationError extends Error {}

/** Brings the schema to the newest version; returns what was applied (empty when up to date). */
export async function migrateToLatest(db: Kysely<any>): Promise<AppliedMigration[]> {
  const names = Object.keys(MIGRATIONS).sort();
  const { error, results } = await migrator(db).migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === 'Error')?.migrationName;
    const why = error instanceof Error ? error.message : String(error);
    throw new MigrationError(`Migration ${failed ?? '(unknown)'} failed: ${why}`);
  }
  const applied: AppliedMigration[] = [];
  for (const result of results ?? []) {
    if (result.status !== 'Success') continue;
    const index = names.indexOf(result.migrationName);
    const previous = index > 0 ? names[index - 1]! : null;
    applied.push({ from: previous ?? null, to: result.migrationName, description: MIGRATIONS[result.migrationName]!.description });
  }
  return applied;
}

async function appliedNames(db: Kysely<any>): Promise<Set<string>> {
  const list = await migrator(db).getMigrations();
  return new Set(list.filter((m) => m.executedAt).map((m) => m.name));
}

export interface Revision {
  name: string;
  description: string;
  appliedAt: Date | null;
}

export async function listRevisions(db: Kysely<any>): Promise<Revision[]> {
  const list = await migrator(db).getMigrations();
  return list.map((m) => ({
    name: m.name,
    description: MIGRATIONS[m.name]?.description ?? '',
    appliedAt: m.executedAt ?? null,
  }));
}

/** True when every known migration has been applied. */
export async function isUpToDate(db: Kysely<any>): Promise<boolean> {
  const applied = await appliedNames(db);
  return Object.keys(MIGRATIONS).every((name) => applied.has(name));
}
