// The hot-path read cache (db/cache.ts): validity by write generation and age, loads shared by
// concurrent misses, failures never cached; named caches invalidated by the repositories' writes.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Caches, CACHE_TABLES, inTransaction, ReadCache, WriteGeneration, type CacheName } from '../../src/db/cache.js';
import { insertWorkspace } from '../../src/db/repos/workspaces.js';
import { newId } from '../../src/lib/ids.js';
import { backends, freshDatabase } from '../helpers/databases.js';

function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (error: Error) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

describe('ReadCache', () => {
  it('answers a cached value without loading, until a write or the time limit', async () => {
    const generation = new WriteGeneration();
    const cache = new ReadCache(generation, 40);
    let loads = 0;
    const load = async () => ++loads;
    assert.equal(cache.peek('k'), undefined);
    assert.equal(await cache.get('k', load), 1);
    assert.equal(cache.peek('k'), 1);
    assert.equal(cache.read('k', load), 1, 'read() gives the value itself, not a promise');
    generation.bump();
    assert.equal(cache.peek('k'), undefined, 'a write makes it stale');
    const reloaded = cache.read('k', load);
    assert.ok(reloaded instanceof Promise);
    assert.equal(await reloaded, 2);
    await new Promise((r) => setTimeout(r, 60));
    assert.equal(cache.peek('k'), undefined, 'too old');
    assert.equal(await cache.get('k', load), 3);
  });

  it('shares one load among concurrent misses of the same key', async () => {
    const cache = new ReadCache(new WriteGeneration());
    const gate = deferred<string>();
    let loads = 0;
    const load = () => {
      loads++;
      return gate.promise;
    };
    const all = Promise.all([cache.get('k', load), cache.get('k', load), cache.read('k', load)]);
    gate.resolve('v');
    assert.deepEqual(await all, ['v', 'v', 'v']);
    assert.equal(loads, 1);
  });

  it('does not share a load that started before a write, nor keep its value as current', async () => {
    const generation = new WriteGeneration();
    const cache = new ReadCache(generation);
    const before = deferred<string>();
    const first = cache.get('k', () => before.promise);
    generation.bump();
    const second = cache.get('k', async () => 'after');
    before.resolve('before');
    assert.equal(await first, 'before');
    assert.equal(await second, 'after');
    assert.equal(await cache.get('k', async () => 'reloaded'), 'after');
  });

  it('never caches a failed load, whether it throws or rejects', async () => {
    const cache = new ReadCache(new WriteGeneration());
    await assert.rejects(
      cache.get('k', () => {
        throw new Error('at once');
      }),
      /at once/,
    );
    await assert.rejects(cache.get('k', async () => Promise.reject(new Error('later'))), /later/);
    assert.equal(cache.peek('k'), undefined);
    assert.equal(await cache.get('k', async () => 'ok'), 'ok');
  });

  it('keeps within its bound of entries', async () => {
    const small = new ReadCache(new WriteGeneration(), 500, 2);
    await small.get('a', async () => 1);
    await small.get('b', async () => 2);
    await small.get('c', async () => 3);
    assert.equal(small.peek('a'), undefined, 'the full cache was emptied to stay within 2 entries');
    assert.equal(small.peek('c'), 3);
  });
});

describe('named caches', () => {
  it('a write to a table stales exactly the caches that depend on it', async () => {
    const caches = new Caches();
    for (const name of Object.keys(CACHE_TABLES) as CacheName[]) await caches.get(name).get('k', async () => name);
    caches.invalidate(['workspaces']);
    const fresh = (Object.keys(CACHE_TABLES) as CacheName[]).filter((name) => caches.get(name).peek('k') !== undefined);
    assert.deepEqual(fresh, ['credentials', 'default_credentials']);
    caches.invalidate(['login_sessions']);
    assert.equal(caches.get('credentials').peek('k'), undefined);
    assert.equal(caches.get('default_credentials').peek('k'), 'default_credentials');
  });
});

for (const backend of backends()) {
  describe(`repository writes invalidate the caches (${backend.name})`, () => {
    it('at once, and again when the transaction holding them commits', async () => {
      const database = await freshDatabase(backend);
      try {
        const cache = database.caches.get('workspaces_lists');
        const now = '2026-01-01T00:00:00.000000Z';
        await inTransaction(database.db, async (trx) => {
          await insertWorkspace(trx, { id: newId(), name: 'one', inserted_at: now, updated_at: now });
          // A read while the transaction is open sees the data before it: cached, then staled by the commit.
          await cache.get('k', async () => 'before the commit');
          assert.equal(cache.peek('k'), 'before the commit');
        });
        assert.equal(cache.peek('k'), undefined, 'the commit staled what was read while the transaction was open');
        await cache.get('k', async () => 'after');
        await insertWorkspace(database.db, { id: newId(), name: 'two', inserted_at: now, updated_at: now });
        assert.equal(cache.peek('k'), undefined, 'a write outside a transaction stales it at once');
      } finally {
        await database.close();
      }
    });

    it('refuses a write through a handle that bypasses the caches (a transaction not opened by inTransaction)', async () => {
      const database = await freshDatabase(backend);
      try {
        const now = '2026-01-01T00:00:00.000000Z';
        await assert.rejects(
          database.db.transaction().execute((trx) => insertWorkspace(trx, { id: newId(), name: 'three', inserted_at: now, updated_at: now })),
          /without caches/,
        );
        assert.equal((await database.db.selectFrom('workspaces').select('id').execute()).length, 0, 'rolled back');
      } finally {
        await database.close();
      }
    });
  });
}
