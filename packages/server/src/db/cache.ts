// Short-lived read caches for the request hot path (authentication, /api/me, rendered list pages).
//
// Each cache has a name and the tables it depends on (CACHE_TABLES). Correctness rests on a write
// generation per cache: the repository functions that write a table report it (`changed` below),
// which bumps the generation of every cache depending on that table, once the statement has run
// and again when the transaction holding it commits. A cached value is used only while no such
// write has happened since it started loading, so a change made through this process (a user
// disabled, a token logged out) is seen by the very next request. Changes made by other processes
// sharing the database (another server, the CLI) are seen once an entry expires: within `ttlMs`
// (default 500 ms).
import type { Db } from './schema.js';

export class WriteGeneration {
  private value = 0;
  current(): number {
    return this.value;
  }
  bump(): void {
    this.value++;
  }
}

interface Entry<T> {
  value: T;
  generation: number;
  expiresAt: number;
}

export class ReadCache {
  private readonly entries = new Map<string, Entry<unknown>>();

  constructor(
    private readonly generation: WriteGeneration,
    private readonly ttlMs = 500,
    private readonly maxEntries = 10_000,
  ) {}

  /** The value cached under a key while it is still valid, or undefined; never loads. */
  peek<T>(key: string): T | undefined {
    const hit = this.entries.get(key);
    return hit && this.valid(hit) ? (hit.value as T) : undefined;
  }

  private valid(entry: Entry<unknown>): boolean {
    return entry.generation === this.generation.current() && entry.expiresAt > Date.now();
  }

  /** Like get(), but answers a valid cached value at once, without a promise. */
  read<T>(key: string, load: () => Promise<T>): T | Promise<T> {
    const hit = this.entries.get(key);
    return hit && this.valid(hit) ? (hit.value as T) : this.get(key, load);
  }

  /**
   * The cached value, or the value loaded now. Requests that miss together share one load (the
   * same generation's), so an expired entry under load costs one query, not one per request.
   */
  get<T>(key: string, load: () => Promise<T>): Promise<T> {
    const hit = this.entries.get(key);
    if (hit && this.valid(hit)) return Promise.resolve(hit.value as T);
    const generation = this.generation.current();
    const inFlight = this.loading.get(key);
    if (inFlight && inFlight.generation === generation) return inFlight.promise as Promise<T>;
    const now = Date.now();
    let started: Promise<T>;
    try {
      started = load();
    } catch (error) {
      return Promise.reject(error);
    }
    const promise = started.then(
      (value) => {
        if (this.loading.get(key)?.promise === promise) this.loading.delete(key);
        // A load that started before a write never replaces one that started after it.
        if ((this.entries.get(key)?.generation ?? -1) <= generation) {
          if (this.entries.size >= this.maxEntries) this.entries.clear();
          this.entries.set(key, { value, generation, expiresAt: now + this.ttlMs });
        }
        return value;
      },
      (error: unknown) => {
        if (this.loading.get(key)?.promise === promise) this.loading.delete(key);
        throw error;
      },
    );
    this.loading.set(key, { generation, promise });
    return promise;
  }

  private readonly loading = new Map<string, { generation: number; promise: Promise<unknown> }>();

  /**
   * A value that depends only on its key (e.g. whether a given password hash matches a given
   * password), computed once and kept; bounded like the rest of the cache.
   */
  async memo<T>(key: string, compute: () => Promise<T>): Promise<T> {
    if (this.memos.has(key)) return this.memos.get(key) as T;
    const value = await compute();
    if (this.memos.size >= 1000) this.memos.clear();
    this.memos.set(key, value);
    return value;
  }

  private readonly memos = new Map<string, unknown>();

  forget(key: string): void {
    this.entries.delete(key);
  }
}

/** Tables whose writes can change a cached answer (throttling records and the audit log cannot). */
export type CachedTable = 'users' | 'api_keys' | 'login_sessions' | 'workspaces' | 'memberships';

/** The named caches, the tables each depends on, and how many entries each may hold. */
export const CACHE_TABLES = {
  /** API keys and login tokens by digest, with their user */
  credentials: { tables: ['users', 'api_keys', 'login_sessions'], maxEntries: 10_000 },
  /** the caller as /api/me shows it */
  callers: { tables: ['users', 'api_keys', 'workspaces', 'memberships'], maxEntries: 10_000 },
  /** rendered pages of the users list and its totals: a few, so a walk through 100,000 users does not fill memory */
  users_pages: { tables: ['users', 'api_keys', 'workspaces', 'memberships'], maxEntries: 16 },
  /** rendered pages of workspace lists, per workspace scope: enough for a few hundred active users */
  workspaces_lists: { tables: ['workspaces', 'memberships'], maxEntries: 256 },
  /** totals of users lists by filter, so paging through 100,000 users does not count them for every page */
  users_counts: { tables: ['users', 'workspaces', 'memberships'], maxEntries: 1000 },
  /** whether the default admin's credentials still work */
  default_credentials: { tables: ['users', 'api_keys'], maxEntries: 16 },
} as const satisfies Record<string, { tables: readonly CachedTable[]; maxEntries: number }>;

export type CacheName = keyof typeof CACHE_TABLES;

/** The named caches of one database handle. */
export class Caches {
  private readonly generations = new Map<CacheName, WriteGeneration>();
  readonly byName: { readonly [name in CacheName]: ReadCache };

  constructor(ttlMs = 500) {
    const byName = {} as Record<CacheName, ReadCache>;
    for (const [name, { maxEntries }] of Object.entries(CACHE_TABLES) as Array<[CacheName, { maxEntries: number }]>) {
      const generation = new WriteGeneration();
      this.generations.set(name, generation);
      byName[name] = new ReadCache(generation, ttlMs, maxEntries);
    }
    this.byName = byName;
  }

  get(name: CacheName): ReadCache {
    return this.byName[name];
  }

  /** Makes every cache depending on one of `tables` stale. */
  invalidate(tables: Iterable<CachedTable>): void {
    const touched = new Set(tables);
    for (const [name, { tables: dependsOn }] of Object.entries(CACHE_TABLES) as Array<[CacheName, { tables: readonly CachedTable[] }]>) {
      if (dependsOn.some((table) => touched.has(table))) this.generations.get(name)!.bump();
    }
  }
}

// Which caches a query handle writes through, and, for a transaction, the tables it has written so
// far (made stale again at its end, when its changes become visible to other connections). Keyed
// by the handle itself, so repository functions need nothing but the handle they are given.
const links = new WeakMap<object, { caches: Caches; pending?: Set<CachedTable> }>();

/** Ties a database handle to its caches (done once, when the database is opened). */
export function attachCaches(db: Db, caches: Caches): void {
  links.set(db, { caches });
}

/**
 * Reported by every repository function that writes one of the cached tables, after its statement
 * has run. Writes of tables no cache depends on are not reported.
 */
export function changed(db: Db, ...tables: CachedTable[]): void {
  const link = links.get(db);
  if (!link) throw new Error('A write went through a database handle without caches: open transactions with inTransaction() (db/cache.ts).');
  link.caches.invalidate(tables);
  if (link.pending) for (const table of tables) link.pending.add(table);
}

/** Runs `work` in a transaction whose cached-table writes invalidate the caches again once it ends. */
export async function inTransaction<T>(db: Db, work: (trx: Db) => Promise<T>): Promise<T> {
  const link = links.get(db);
  if (!link) throw new Error('inTransaction(): the database handle has no caches attached.');
  const pending = new Set<CachedTable>();
  try {
    return await db.transaction().execute((trx) => {
      links.set(trx, { caches: link.caches, pending });
      return work(trx);
    });
  } finally {
    // After the commit (or the rollback, harmlessly): reads that started while the transaction
    // was open saw the data before it, and must not stay cached as current.
    link.caches.invalidate(pending);
  }
}
