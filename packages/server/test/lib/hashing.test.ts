// Password hashing threads (lib/passwords.ts, lib/hashWorker.ts): correct answers under
// concurrency, a lower CPU priority than the request threads, and no thread kept once stopped.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { HASHING_NICENESS, hashPassword, stopIdleHashingThreads, verifyPassword } from '../../src/lib/passwords.js';

/** The niceness of each thread of this process (Linux). */
function threadNiceness(): number[] {
  return readdirSync('/proc/self/task').map((tid) => {
    const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
    // Fields after the command name: state is field 3, nice is field 19.
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16]);
  });
}

describe('password hashing threads', () => {
  it('hashes and verifies many passwords at once, each against its own', async () => {
    const passwords = Array.from({ length: 8 }, (_, i) => `password-number-${i}`);
    const hashes = await Promise.all(passwords.map((p) => hashPassword(p)));
    assert.equal(new Set(hashes).size, hashes.length, 'every hash has its own salt');
    const checks = await Promise.all(hashes.map((h, i) => Promise.all([verifyPassword(passwords[i]!, h), verifyPassword(passwords[(i + 1) % 8]!, h)])));
    for (const [right, wrong] of checks) {
      assert.deepEqual(right, { ok: true, needsRehash: false });
      assert.deepEqual(wrong, { ok: false, needsRehash: false });
    }
  });

  it('a hash that is not one fails the check instead of throwing', async () => {
    assert.deepEqual(await verifyPassword('anything', '$argon2id$v=19$m=19456,t=2,p=1$broken'), { ok: false, needsRehash: false });
  });

  it('runs below the normal priority, and stops its threads on request', { skip: !existsSync('/proc/self/task') && 'Linux only' }, async () => {
    await stopIdleHashingThreads();
    const before = threadNiceness().filter((n) => n === HASHING_NICENESS).length;
    await hashPassword('some-password');
    const during = threadNiceness().filter((n) => n === HASHING_NICENESS).length;
    assert.ok(during > before, `a thread with niceness ${HASHING_NICENESS} works on hashes (threads: ${threadNiceness().join(',')})`);
    await stopIdleHashingThreads();
    assert.equal(threadNiceness().filter((n) => n === HASHING_NICENESS).length, before);
    // And hashing starts again afterwards.
    assert.equal((await verifyPassword('again-password', await hashPassword('again-password'))).ok, true);
  });
});
