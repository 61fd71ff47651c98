// A thread that computes password hashes for lib/passwords.ts. It runs the work synchronously, one
// job at a time, at a lower CPU priority than the threads that answer requests: when logins and
// other requests compete for the cores, the other requests go first, so a burst of logins slows
// logins, not every API call.
import { readlinkSync } from 'node:fs';
import { setPriority } from 'node:os';
import { parentPort, workerData } from 'node:worker_threads';
import { hashSync, verifySync } from '@node-rs/argon2';
import bcrypt from 'bcrypt';
import type { HashJob, HashReply } from './passwords.js';

function lowerPriority(niceness: number): void {
  try {
    // On Linux a thread has its own id and its own priority: /proc/thread-self names it.
    const threadId = Number(readlinkSync('/proc/thread-self').split('/').pop());
    if (Number.isInteger(threadId) && threadId > 0) setPriority(threadId, niceness);
  } catch {
    // Elsewhere (or when refused) the thread keeps the normal priority; hashing still runs off
    // the event loop.
  }
}

function run(job: HashJob): string | boolean {
  switch (job.kind) {
    case 'argon2-hash':
      return hashSync(job.password, job.options);
    case 'argon2-verify':
      return verifySync(job.hash, job.password);
    case 'bcrypt-compare':
      return bcrypt.compareSync(job.password, job.hash);
  }
}

lowerPriority((workerData as { niceness: number }).niceness);
parentPort!.on('message', (job: HashJob) => {
  let reply: HashReply;
  try {
    reply = { id: job.id, ok: true, value: run(job) };
  } catch (error) {
    reply = { id: job.id, ok: false, error: error instanceof Error ? error.message : String(error) };
  }
  parentPort!.postMessage(reply);
});
