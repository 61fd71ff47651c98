// Migration 0009: the columns the 1.6 Python client's records need are added as empty (null) to
// datasets, records and annotations stored before it, which then load through the 1.6 routes'
// shapes unchanged; down removes them again.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { openDatabase, type Database } from '../../src/db/connect.js';
import { MIGRATIONS } from '../../src/db/migrate.js';
import { backends } from '../helpers/databases.js';

const BEFORE_0009 = Object.keys(MIGRATIONS).sort().filter((name) => name < '0009');
const T = '2026-11-29T20:02:16.795123+00:00';

for (const backend of backends()) {
  describe(`migration 0009: 1.6 client record parts (${backend.name})`, () => {
    let database: Database;
    before(async () => {
      database = await openDatabase((await backend.fresh()).target);
      for (const name of BEFORE_0009) await MIGRATIONS[name]!.up(database.db);
      const db = database.db as any;
      await db.insertInto('workspaces').values({ id: '00000000-0000-4000-8000-000000000001', name: 'w', inserted_at: T, updated_at: T }).execute();
      await db
        .insertInto('datasets')
        .values({ id: '00000000-0000-4000-8000-000000000002', workspace_id: '00000000-0000-4000-8000-000000000001', name: 'd', settings: '{}', created_by: null, created_by_username: 'x', inserted_at: T, updated_at: T })
        .execute();
      await db.insertInto('records').values({ dataset_id: '00000000-0000-4000-8000-000000000002', id: '1', fields: '{"text":"a"}', metadata: '{}', inserted_at: T, updated_at: T }).execute();
    });
    after(() => database.close());

    it('adds nullable columns, keeps the rows, and down removes them', async () => {
      await MIGRATIONS['0009_python_client_records']!.up(database.db);
      const record = await database.db.selectFrom('records').selectAll().executeTakeFirstOrThrow();
      assert.deepEqual(
        { prediction: record.prediction, status: record.status, event_timestamp: record.event_timestamp, vectors: record.vectors, explanation: record.explanation },
        { prediction: null, status: null, event_timestamp: null, vectors: null, explanation: null },
      );
      const dataset = await database.db.selectFrom('datasets').selectAll().executeTakeFirstOrThrow();
      assert.deepEqual([dataset.tags, dataset.metadata], [null, null]);
      await MIGRATIONS['0009_python_client_records']!.down!(database.db);
      const columns = Object.keys((await sql<Record<string, unknown>>`select * from records`.execute(database.db)).rows[0]!).sort();
      assert.deepEqual(columns, ['dataset_id', 'fields', 'id', 'inserted_at', 'metadata', 'updated_at']);
    });
  });
}
