// The hot-path read cache (db/cache.ts): validity by write generation and age, loads shared by
// concurrent misses, failures never cached, and sibling caches invalidated by the same writes.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ReadCache, WriteGeneration, WriteTracker } from '../../src/db/cache.js';

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

  it('keeps a sibling within its own bound, invalidated by the same writes', async () => {
    const generation = new WriteGeneration();
    const cache = new ReadCache(generation);
    const small = cache.sibling(2);
    await small.get('a', async () => 1);
    await small.get('b', async () => 2);
    await small.get('c', async () => 3);
    assert.equal(small.peek('a'), undefined, 'the full cache was emptied to stay within 2 entries');
    assert.equal(small.peek('c'), 3);
    generation.bump();
    assert.equal(small.peek('c'), undefined);
  });
});

describe('WriteTracker', () => {
  it('counts writes that matter, and their commit; not throttling records or new sessions', () => {
    const generation = new WriteGeneration();
    const tracker = new WriteTracker(generation);
    tracker.seen('select * from users');
    assert.equal(generation.current(), 0);
    tracker.seen('insert into "login_failures" ("username") values (?)');
    tracker.seen('insert into "login_sessions" ("id") values (?)');
    tracker.seen('update "login_failures" set "pending" = ? where "id" = ?');
    tracker.seen('delete from "login_failures" where "username" = ?');
    tracker.seen('update "api_keys" set "last_used_at" = $1 where "id" = $2');
    assert.equal(generation.current(), 0);
    tracker.seen('update "api_keys" set "last_used_at" = ?, "revoked_at" = ? where "id" = ?');
    assert.equal(generation.current(), 1, 'a key revoked with its last use is a write that matters');
    tracker.seen('select 1');
    tracker.seen('begin');
    tracker.seen('update "users" set "disabled" = ?');
    assert.equal(generation.current(), 2);
    tracker.seen('commit');
    assert.equal(generation.current(), 3, 'the commit makes the change visible to other connections: counted again');
    tracker.seen('begin');
    tracker.seen('commit');
    assert.equal(generation.current(), 3, 'a transaction that wrote nothing');
  });
});
