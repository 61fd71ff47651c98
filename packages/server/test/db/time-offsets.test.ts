// Migration 0008: times stored before it (with a trailing Z, some with milliseconds only) are
// rewritten to the form the server now writes and sends (six fraction digits, +00:00), and back.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { openDatabase, type Database } from '../../src/db/connect.js';
import { MIGRATIONS } from '../../src/db/migrate.js';
import { backends } from '../helpers/databases.js';

const BEFORE_0008 = Object.keys(MIGRATIONS).sort().filter((name) => name < '0008');

for (const backend of backends()) {
  describe(`migration 0008: time offsets (${backend.name})`, () => {
    let database: Database;
    before(async () => {
      database = await openDatabase((await backend.fresh()).target);
      for (const name of BEFORE_0008) await MIGRATIONS[name]!.up(database.db);
      const user = { first_name: 'A', last_name: null, email: null, role: 'admin', disabled: 0, password_hash: 'x' };
      await database.db
        .insertInto('users')
        .values([
          { ...user, id: '00000000-0000-4000-8000-000000000001', username: 'micro', inserted_at: '2026-11-29T20:02:16.795123Z', updated_at: '2026-11-30T08:00:00.000001Z' },
          { ...user, id: '00000000-0000-4000-8000-000000000002', username: 'milli', inserted_at: '2026-11-29T20:02:16.795Z', updated_at: '2026-11-29T20:02:16.796Z' },
        ])
        .execute();
      await database.db
        .insertInto('api_keys')
        .values({
          id: '00000000-0000-4000-8000-0000000000a1',
          user_id: '00000000-0000-4000-8000-000000000001',
          name: 'k',
          digest: 'd',
          preview: 'p',
          created_at: '2026-11-29T20:02:16.795123Z',
          last_used_at: null,
          expires_at: '2027-01-31T00:00:00.000000Z',
          revoked_at: null,
        })
        .execute();
    });
    after(() => database?.close());

    it('rewrites every time with +00:00 and six fraction digits; nulls stay null', async () => {
      await MIGRATIONS['0008_time_offsets']!.up(database.db);
      const users = await database.db.selectFrom('users').select(['username', 'inserted_at', 'updated_at']).orderBy('username').execute();
      assert.deepEqual(users, [
        { username: 'micro', inserted_at: '2026-11-29T20:02:16.795123+00:00', updated_at: '2026-11-30T08:00:00.000001+00:00' },
        { username: 'milli', inserted_at: '2026-11-29T20:02:16.795000+00:00', updated_at: '2026-11-29T20:02:16.796000+00:00' },
      ]);
      const key = await database.db.selectFrom('api_keys').select(['created_at', 'last_used_at', 'expires_at', 'revoked_at']).executeTakeFirstOrThrow();
      assert.deepEqual(key, { created_at: '2026-11-29T20:02:16.795123+00:00', last_used_at: null, expires_at: '2027-01-31T00:00:00.000000+00:00', revoked_at: null });
    });

    it('running it again changes nothing; down writes the Z form back', async () => {
      await MIGRATIONS['0008_time_offsets']!.up(database.db);
      const again = await database.db.selectFrom('users').select('inserted_at').where('username', '=', 'micro').executeTakeFirstOrThrow();
      assert.equal(again.inserted_at, '2026-11-29T20:02:16.795123+00:00');
      await MIGRATIONS['0008_time_offsets']!.down!(database.db);
      const users = await database.db.selectFrom('users').select(['username', 'inserted_at']).orderBy('username').execute();
      assert.deepEqual(users, [
        { username: 'micro', inserted_at: '2026-11-29T20:02:16.795123Z' },
        { username: 'milli', inserted_at: '2026-11-29T20:02:16.795000Z' },
      ]);
    });
  });
}
