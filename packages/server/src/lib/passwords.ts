// Password hashing. New hashes are argon2id with the OWASP minimum parameters; bcrypt hashes
// (imported from older systems) are verified and flagged for re-hashing. The work runs on a few
// threads of its own (lib/hashWorker.ts) at a lower CPU priority, so a login never blocks the
// event loop, and a burst of logins does not slow the other requests down.
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';

// 2 is Argon2id in @node-rs/argon2's Algorithm enum (a const enum, so it is not importable at runtime).
const ARGON2ID = { algorithm: 2, memoryCost: 19456, timeCost: 2, parallelism: 1 } as const;

const BCRYPT_HASH = /^\$2[aby]\$\d{2}\$[./A-Za-z0-9]{53}$/;
// bcrypt only ever reads the first 72 bytes of a password.
const BCRYPT_MAX_BYTES = 72;

export function isBcryptHash(value: string): boolean {
  return BCRYPT_HASH.test(value);
}

export function isArgon2Hash(value: string): boolean {
  return value.startsWith('$argon2');
}

export type HashJob = { id: number } & (
  | { kind: 'argon2-hash'; password: string; options: typeof ARGON2ID }
  | { kind: 'argon2-verify'; hash: string; password: string }
  | { kind: 'bcrypt-compare'; hash: string; password: string }
);
type JobInput = HashJob extends infer J ? (J extends HashJob ? Omit<J, 'id'> : never) : never;
export type HashReply = { id: number; ok: true; value: string | boolean } | { id: number; ok: false; error: string };

/**
 * How much lower than normal (0) the hashing threads' CPU priority is: when they compete for a
 * core with a request thread, 10 leaves them about a tenth of it.
 */
export const HASHING_NICENESS = 10;

function startHashingThread(): Worker {
  const workerData = { niceness: HASHING_NICENESS };
  if (!import.meta.url.endsWith('.ts')) return new Worker(new URL('./hashWorker.js', import.meta.url), { workerData });
  // The sources run as TypeScript (the tests, under tsx): the thread loads tsx first.
  const tsx = import.meta.resolve('tsx/esm/api');
  const file = new URL('./hashWorker.ts', import.meta.url).href;
  return new Worker(`import(${JSON.stringify(tsx)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(file)}); })`, { eval: true, workerData });
}
// Threads are started on the first hash and stopped after this long without work, so an idle
// server holds none.
const IDLE_STOP_MS = 10_000;

interface Hasher {
  worker: Worker;
  pending: Map<number, { resolve: (value: string | boolean) => void; reject: (error: Error) => void }>;
}

/** A few hashing threads, each given the job when it has the fewest waiting. */
class HashPool {
  private readonly hashers: Hasher[] = [];
  private nextId = 0;
  private idleTimer: NodeJS.Timeout | undefined;

  constructor(public size: number) {}

  run(input: JobInput): Promise<string | boolean> {
    clearTimeout(this.idleTimer);
    const hasher = this.pick();
    const id = ++this.nextId;
    return new Promise((resolve, reject) => {
      hasher.pending.set(id, { resolve, reject });
      // While a job waits its thread keeps the process alive; idle threads do not.
      hasher.worker.ref();
      hasher.worker.postMessage({ ...input, id });
    });
  }

  private pick(): Hasher {
    const least = this.hashers.reduce<Hasher | undefined>((best, h) => (!best || h.pending.size < best.pending.size ? h : best), undefined);
    if (least && (least.pending.size === 0 || this.hashers.length >= this.size)) return least;
    return this.start();
  }

  private start(): Hasher {
    const hasher: Hasher = { worker: startHashingThread(), pending: new Map() };
    hasher.worker.unref();
    hasher.worker.on('message', (reply: HashReply) => {
      const job = hasher.pending.get(reply.id);
      if (!job) return;
      hasher.pending.delete(reply.id);
      if (reply.ok) job.resolve(reply.value);
      else job.reject(new Error(reply.error));
      if (hasher.pending.size === 0) hasher.worker.unref();
      if (this.hashers.every((h) => h.pending.size === 0)) this.scheduleStop();
    });
    const fail = (error: Error) => {
      const index = this.hashers.indexOf(hasher);
      if (index >= 0) this.hashers.splice(index, 1);
      for (const job of hasher.pending.values()) job.reject(error);
      hasher.pending.clear();
    };
    hasher.worker.on('error', fail);
    hasher.worker.on('exit', (code) => {
      if (this.hashers.includes(hasher)) fail(new Error(`the password hashing thread stopped (exit code ${code})`));
    });
    this.hashers.push(hasher);
    return hasher;
  }

  private scheduleStop(): void {
    clearTimeout(this.idleTimer);
    this.idleTimer = setTimeout(() => void this.stopIdle(), IDLE_STOP_MS);
    this.idleTimer.unref();
  }

  /** Stops the threads that have no work (a thread holds some 30 MB: argon2id's memory among it). */
  async stopIdle(): Promise<void> {
    const idle = this.hashers.filter((h) => h.pending.size === 0);
    for (const hasher of idle) this.hashers.splice(this.hashers.indexOf(hasher), 1);
    await Promise.all(idle.map((h) => h.worker.terminate()));
  }
}

const pool = new HashPool(Math.max(1, availableParallelism()));

/** How many hashing threads this process may run at once (default: one per core). */
export function setHashingThreads(count: number): void {
  pool.size = Math.max(1, count);
}

/** Stops the hashing threads that have no work now (they start again with the next hash). */
export function stopIdleHashingThreads(): Promise<void> {
  return pool.stopIdle();
}

export async function hashPassword(password: string): Promise<string> {
  return (await pool.run({ kind: 'argon2-hash', password, options: ARGON2ID })) as string;
}

export interface PasswordCheck {
  ok: boolean;
  /** true when the stored hash should be replaced by a fresh argon2id hash of the same password */
  needsRehash: boolean;
}

export async function verifyPassword(password: string, storedHash: string): Promise<PasswordCheck> {
  if (isArgon2Hash(storedHash)) {
    try {
      return { ok: (await pool.run({ kind: 'argon2-verify', hash: storedHash, password })) === true, needsRehash: false };
    } catch {
      return { ok: false, needsRehash: false };
    }
  }
  if (isBcryptHash(storedHash)) {
    // A longer password would be silently truncated by bcrypt, so bytes past 72 could be anything:
    // refuse rather than accept a password that was never really checked.
    if (Buffer.byteLength(password, 'utf8') > BCRYPT_MAX_BYTES) return { ok: false, needsRehash: false };
    // The native bcrypt binding knows $2a$ and $2b$; $2y$ is the same algorithm under PHP's prefix.
    const normalised = storedHash.startsWith('$2y$') ? `$2b$${storedHash.slice(4)}` : storedHash;
    const ok = (await pool.run({ kind: 'bcrypt-compare', hash: normalised, password })) === true;
    return { ok, needsRehash: ok };
  }
  return { ok: false, needsRehash: false };
}

let dummyHash: Promise<string> | undefined;

/**
 * Spends about the same time as a real check, for logins of unknown users, so response times do
 * not tell whether a username exists.
 */
export async function verifyAgainstDummy(password: string): Promise<void> {
  dummyHash ??= hashPassword('dummy-password-for-timing');
  await verifyPassword(password, await dummyHash);
}
