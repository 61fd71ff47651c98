// A short-lived read cache for the request hot path (authentication, /api/me).
//
// Correctness rests on a write generation: the database handle counts every committed write made
// through this process, and a cached value is used only while no write has happened since it
// started loading. So a change made through this server (a user disabled, a token logged out) is
// seen by the very next request. Changes made by other processes sharing the database (another
// server, the CLI) are seen once an entry expires: within `ttlMs` (default 500 ms).

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

  /** Another cache over the same writes (so invalidated alike), with its own bound on entries. */
  sibling(maxEntries: number): ReadCache {
    return new ReadCache(this.generation, this.ttlMs, maxEntries);
  }

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

const WRITE = /^\s*(insert|update|delete|replace|create|drop|alter)\b/i;
// Writes that change nothing a cached answer depends on: throttling records, the audit log, new
// login sessions (misses are never cached), and a key's last use alone (the cached copy is marked
// by the request that writes it). Logins and busy keys then do not empty everyone's cache.
const IRRELEVANT =
  /^\s*(insert\s+into\s+"?(login_failures|audit_events|login_sessions)"?|(delete\s+from|update)\s+"?login_failures"?|update\s+"?api_keys"?\s+set\s+"?last_used_at"?\s*=\s*(\?|\$\d+)\s+where)[\s(]/i;

/**
 * Watches the statements of one database connection and bumps the generation for every write
 * that matters, and again when a transaction holding one commits (its changes become visible
 * to other connections only then).
 */
export class WriteTracker {
  private dirty = false;

  constructor(private readonly generation: WriteGeneration) {}

  seen(text: string): void {
    if (/^\s*begin\b/i.test(text)) {
      this.dirty = false;
    } else if (/^\s*commit\b/i.test(text)) {
      if (this.dirty) this.generation.bump();
      this.dirty = false;
    } else if (/^\s*rollback\b/i.test(text)) {
      this.dirty = false;
    } else if (WRITE.test(text) && !IRRELEVANT.test(text)) {
      this.generation.bump();
      this.dirty = true;
    }
  }
}
