// The databases a test runs against: a fresh SQLite file always, and a fresh PostgreSQL database
// when ARGILLA_TEST_DATABASE_URL names a server (npm test starts one when it can).
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import type { DatabaseTarget } from '../config.js';
import { openDatabase, type Database } from '../db/connect.js';
import { migrateToLatest } from '../db/migrate.js';

export interface TestBackend {
  name: 'sqlite' | 'postgres';
  /** A new, empty database: its target, the URL to put in ARGILLA_DATABASE_URL, and a home folder. */
  fresh(): Promise<{ target: DatabaseTarget; url: string; home: string }>;
}

/** An open database together with where it lives, so a test can hand it to the CLI or reopen it. */
export type TestDatabase = Database & { url: string; home: string; target: DatabaseTarget };

export function tempDir(prefix = 'argilla-test-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

const sqlite: TestBackend = {
  name: 'sqlite',
  async fresh() {
    const home = tempDir();
    const path = join(home, 'argilla.db');
    return { target: { kind: 'sqlite', path }, url: `sqlite://${path}`, home };
  },
};

function postgres(adminUrl: string): TestBackend {
  return {
    name: 'postgres',
    async fresh() {
      // A database per call rather than a schema: migrations and the server see exactly what a
      // real installation has, and nothing one test leaves behind reaches another.
      const name = `t_${randomBytes(6).toString('hex')}`;
      const client = new pg.Client({ connectionString: adminUrl });
      await client.connect();
      try {
        await client.query(`create database ${name}`);
      } finally {
        await client.end();
      }
      const url = new URL(adminUrl);
      url.pathname = `/${name}`;
      return { target: { kind: 'postgres', url: url.toString() }, url: url.toString(), home: tempDir() };
    },
  };
}

export function backends(): TestBackend[] {
  const url = process.env.ARGILLA_TEST_DATABASE_URL;
  return url ? [sqlite, postgres(url)] : [sqlite];
}

/** A fresh database with the newest schema, opened; close it when done. */
export async function freshDatabase(backend: TestBackend): Promise<TestDatabase> {
  const { target, url, home } = await backend.fresh();
  const database = await openDatabase(target);
  await migrateToLatest(database.db);
  return Object.assign(database, { url, home, target });
}
