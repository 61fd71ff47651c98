// Password hashing. New hashes are argon2id with the OWASP minimum parameters; bcrypt hashes
// (imported from older systems) are verified and flagged for re-hashing. The work runs on a few
// threads of its own (lib/hashWorker.ts) at a lower CPU priority, so a login never blocks the
// event loop, and a burst of logins does not slow the other requests down.
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';

// 2 is Argon2id in @node-rs/argon2's Algorithm enum (a const enum, so it is not importable at runtime).
const ARGON2ID = { algorithm: 2, memoryCost: 19456, timeCost: 2, parallelism: 1 } as const;
// The parameters every hash this server writes carries: such a hash costs a full verification.
const NATIVE_PREFIX = `$argon2id$v=19$m=${ARGON2ID.memoryCost},t=${ARGON2ID.timeCost},p=${ARGON2ID.parallelism}$`;

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
    countWork(storedHash);
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
    countWork(storedHash);
    const ok = (await pool.run({ kind: 'bcrypt-compare', hash: normalised, password })) === true;
    return { ok, needsRehash: ok };
  }
  return { ok: false, needsRehash: false };
}

let dummyHash: Promise<string> | undefined;

/** A full-cost argon2id verification whose answer does not matter (see checkPassword). */
async function verifyAgainstDummy(password: string): Promise<void> {
  dummyHash ??= hashPassword('dummy-password-for-timing');
  await verifyPassword(password, await dummyHash);
}

// How much hashing work this process has done, by kind. A failed check must cost the same work
// whatever the stored hash (or its absence): the tests compare these counts, not times.
const work = new Map<string, number>();

function countWork(storedHash: string): void {
  const kind = isArgon2Hash(storedHash)
    ? storedHash.startsWith(NATIVE_PREFIX)
      ? 'argon2id (server cost)'
      : 'argon2id (other cost)'
    : `bcrypt (cost ${storedHash.slice(4, 6)})`;
  work.set(kind, (work.get(kind) ?? 0) + 1);
}

/** The hash computations this process has done so far, by kind (a copy). */
export function hashingWork(): Record<string, number> {
  return Object.fromEntries(work);
}

// A bcrypt hash at cost 5 (of a password nobody types): the cost of the hashes in the users files
// of Argilla's guide (`htpasswd -B`), the bcrypt hashes this server is most likely to hold.
const DUMMY_BCRYPT = '$2b$05$gexWLtWRj3Sfr1mnC0PbH.y5qHTKeZ8zgw2EDNK5ld8eKkCwrISwa';

/**
 * Checks a password against a user's stored hash, or against nothing (`null`: no such user, or one
 * that may not log in), so that every failure costs the same work: one argon2id verification at
 * the server's own cost and one bcrypt computation at cost 5, whether the user exists or not and
 * whatever its hash. A native hash's failed verification is followed by a bcrypt computation, a
 * bcrypt hash's by an argon2id one, and what is refused without a real check (a password over
 * bcrypt's 72 bytes, a hash at another cost, no hash) gets both. A bcrypt hash at a higher cost
 * than 5 still costs its difference, until its user's first login re-hashes it.
 */
export async function checkPassword(password: string, storedHash: string | null): Promise<PasswordCheck> {
  let fullCost = false;
  let bcryptDone = false;
  if (storedHash !== null) {
    const native = storedHash.startsWith(NATIVE_PREFIX);
    const bcryptChecked = isBcryptHash(storedHash) && Buffer.byteLength(password, 'utf8') <= BCRYPT_MAX_BYTES;
    if (bcryptChecked || isArgon2Hash(storedHash)) {
      const check = await verifyPassword(password, storedHash);
      if (check.ok) return check;
      fullCost = native;
      // A bcrypt hash's own computation stands for the bcrypt part, at its cost.
      bcryptDone = bcryptChecked;
    }
  }
  if (!fullCost) await verifyAgainstDummy(password);
  if (!bcryptDone) {
    countWork(DUMMY_BCRYPT);
    await pool.run({ kind: 'bcrypt-compare', hash: DUMMY_BCRYPT, password });
  }
  return { ok: false, needsRehash: false };
}

// One queue of password checks per owner (a username, or the digest of an unknown one): an owner's
// checks run one after the other, so a burst for one account waits on itself instead of taking
// every hashing thread from the other users.
const queues = new Map<string, { tail: Promise<unknown>; running: number }>();
let peakPerOwner = 0;

/** Runs `task` once the owner's earlier tasks have ended (whether they succeeded or not). */
export function oneAtATime<T>(owner: string, task: () => Promise<T>): Promise<T> {
  let queue = queues.get(owner);
  if (!queue) {
    queue = { tail: Promise.resolve(), running: 0 };
    queues.set(owner, queue);
  }
  const entry = queue;
  const run = async () => {
    entry.running++;
    peakPerOwner = Math.max(peakPerOwner, entry.running);
    try {
      return await task();
    } finally {
      entry.running--;
    }
  };
  const result = entry.tail.then(run, run);
  const tail = result.catch(() => {});
  entry.tail = tail;
  // The last task of an owner removes its queue: owners come and go (unknown names among them).
  void tail.then(() => {
    if (entry.tail === tail) queues.delete(owner);
  });
  return result;
}

/** The most tasks of one owner ever seen running at once since the last reset (for tests: 1). */
export function hashingQueuePeak(): number {
  return peakPerOwner;
}

export function resetHashingQueuePeak(): void {
  peakPerOwner = 0;
}
