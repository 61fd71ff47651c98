// The hashing work a failed login costs must not tell whether the user exists, nor what kind of
// hash it has: every failed check does exactly one argon2id verification at the server's own cost
// and one bcrypt computation at cost 5 (the cost of the imported users files), whatever the path.
// Checked by counting the computations, not by timing them. And one user's password checks run one
// at a time, so that one user cannot take every hashing thread.
import { after, before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { hashSync } from '@node-rs/argon2';
import bcrypt from 'bcrypt';
import { backends } from '../helpers/databases.js';
import { call, makeUser, type Made, type TestServer } from '../helpers/http.js';
import { assertProblem } from '../http/support.js';
import { checkPassword, hashingQueuePeak, hashingWork, hashPassword, oneAtATime, resetHashingQueuePeak } from '../../src/lib/passwords.js';
import { login, startServer } from './support.js';

// From the users file of Argilla's guide (`htpasswd -bnBC 5`): its password is not known here.
const GUIDE_HASH = '$2y$05$xtl7iy3bpqchUwiQMjEHe.tY7OaIjDrg43W3TB4EHQ7izvdjvGtPS';
const ONE_FAILURE = { 'argon2id (server cost)': 1, 'bcrypt (cost 05)': 1 };

/** The computations `work` did, by kind (only the kinds it did). */
async function workOf(work: () => Promise<unknown>): Promise<Record<string, number>> {
  const before = hashingWork();
  await work();
  const after = hashingWork();
  return Object.fromEntries(Object.entries(after).flatMap(([kind, n]) => (n - (before[kind] ?? 0) > 0 ? [[kind, n - (before[kind] ?? 0)]] : [])));
}

const deferred = () => {
  let resolve!: (value: string) => void;
  let reject!: (error: Error) => void;
  const promise = new Promise<string>((res, rej) => ((resolve = res), (reject = rej)));
  return { promise, resolve, reject };
};
const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('checkPassword: the same hashing work for every failure', () => {
  it('unknown user, wrong password for a native hash, bcrypt with a password over 72 bytes, wrong password for a cheap bcrypt hash: one full-cost verification and one bcrypt each', async () => {
    const native = await hashPassword('the-right-password');
    // argon2id with parameters much cheaper than the server's (exported from elsewhere, say)
    const cheapArgon = hashSync('the-right-password', { algorithm: 2, memoryCost: 256, timeCost: 1, parallelism: 1 });
    const cases: Array<[string, string, string | null]> = [
      ['unknown user', 'a-guess-1234', null],
      ['native hash, wrong password', 'a-guess-1234', native],
      ['bcrypt $2y$05$, password over 72 bytes', 'x'.repeat(80), GUIDE_HASH],
      ['bcrypt $2y$05$, wrong password', 'a-guess-1234', GUIDE_HASH],
      ['argon2id at a lower cost, wrong password', 'a-guess-1234', cheapArgon],
      ['not a hash at all', 'a-guess-1234', 'plain-text-in-the-column'],
    ];
    for (const [name, password, stored] of cases) {
      let check: Awaited<ReturnType<typeof checkPassword>> | undefined;
      const work = await workOf(async () => (check = await checkPassword(password, stored)));
      assert.deepEqual(check, { ok: false, needsRehash: false }, name);
      const { 'argon2id (other cost)': _cheap, ...counted } = work;
      assert.deepEqual(counted, ONE_FAILURE, `${name}: ${JSON.stringify(work)}`);
    }
  });

  it('a right password is accepted with its own work only (bcrypt is flagged for re-hashing); over 72 bytes is never accepted', async () => {
    const native = await hashPassword('the-right-password');
    assert.deepEqual(await workOf(() => checkPassword('the-right-password', native)), { 'argon2id (server cost)': 1 });
    assert.deepEqual(await checkPassword('the-right-password', native), { ok: true, needsRehash: false });
    const imported = bcrypt.hashSync('imported-password', 5);
    assert.deepEqual(await checkPassword('imported-password', imported), { ok: true, needsRehash: true });
    const long = 'y'.repeat(72);
    const longHash = bcrypt.hashSync(long, 5);
    assert.deepEqual(await checkPassword(`${long}and-more`, longHash), { ok: false, needsRehash: false }, 'bcrypt would have truncated it');
  });
});

describe('oneAtATime: a queue per owner', () => {
  it("runs one owner's tasks one after the other, in order, and another owner's alongside", async () => {
    const started: string[] = [];
    const gates = { a1: deferred(), a2: deferred(), a3: deferred(), b1: deferred() };
    const run = (name: keyof typeof gates) => () => {
      started.push(name);
      return gates[name].promise;
    };
    const a1 = oneAtATime('a', run('a1'));
    const a2 = oneAtATime('a', run('a2'));
    const a3 = oneAtATime('a', run('a3'));
    const b1 = oneAtATime('b', run('b1'));
    await tick();
    assert.deepEqual(started, ['a1', 'b1']);
    gates.a1.reject(new Error('a failed task does not stop the queue'));
    await assert.rejects(a1, /does not stop/);
    await tick();
    assert.deepEqual(started, ['a1', 'b1', 'a2']);
    gates.a2.resolve('second');
    assert.equal(await a2, 'second');
    await tick();
    assert.deepEqual(started, ['a1', 'b1', 'a2', 'a3']);
    gates.a3.resolve('third');
    gates.b1.resolve('other');
    assert.deepEqual(await Promise.all([a3, b1]), ['third', 'other']);
  });
});

for (const backend of backends()) {
  describe(`failed logins over HTTP do the same hashing work (${backend.name})`, () => {
    let server: TestServer;
    let native: Made;
    let imported: Made;
    before(async () => {
      server = await startServer(backend);
      native = await makeUser(server);
      imported = await makeUser(server);
      // as `argilla users migrate` stores it: the bcrypt hash as given, until the first login
      await server.database.db.updateTable('users').set({ password_hash: GUIDE_HASH }).where('id', '=', imported.id).execute();
    });
    after(() => server.close());
    beforeEach(async () => {
      await server.database.db.deleteFrom('login_failures').execute();
    });

    it('unknown user, native user, bcrypt user with a password over 72 bytes, bcrypt user with a wrong password, disabled user: the same work', async () => {
      const disabled = await makeUser(server, { disabled: true });
      const cases: Array<[string, string, string]> = [
        ['unknown user', 'nobody-at-all-here', 'a-guess-1234'],
        ['native user, wrong password', native.username, 'a-guess-1234'],
        ['bcrypt user, password over 72 bytes', imported.username, 'x'.repeat(80)],
        ['bcrypt user, wrong password', imported.username, 'a-guess-1234'],
        ['disabled user, right password', disabled.username, disabled.password],
      ];
      for (const [name, username, password] of cases) {
        let reply: Awaited<ReturnType<typeof login>> | undefined;
        const work = await workOf(async () => (reply = await login(server, username, password)));
        assertProblem(reply!, 401, 'unauthorized');
        assert.deepEqual(work, ONE_FAILURE, `${name}: ${JSON.stringify(work)}`);
      }
    });

    it('a burst of wrong current passwords from one user is checked one at a time', async () => {
      const user = await makeUser(server);
      resetHashingQueuePeak();
      assert.equal(hashingQueuePeak(), 0);
      const replies = await Promise.all(
        Array.from({ length: 8 }, (_, i) =>
          call(server, 'PATCH', '/api/me/password', { key: user.apiKey, json: { current_password: `wrong-guess-${i}`, new_password: 'a-new-password-1' } }),
        ),
      );
      for (const reply of replies) assertProblem(reply, 422, 'validation_error');
      // 1, not 0: the checks went through the queue; not more: one at a time
      assert.equal(hashingQueuePeak(), 1, "at most one of the user's checks ran at any time");
    });
  });
}
