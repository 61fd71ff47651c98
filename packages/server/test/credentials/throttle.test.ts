// Login throttling: after 10 failures for a username from one address within 15 minutes every
// further attempt for it from that address is 429 with Retry-After, right password or not; the lock
// doubles up to 15 minutes; a per-address limit of 50 and a per-username limit of 100 (every address
// together); a success resets the account from its address; API keys are never throttled; the state
// is in the database, so it holds across server processes sharing it. (lockout.test.ts: the limits
// across addresses and the unlock.)
import { after, afterEach, before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { nowIso } from '../../src/lib/time.js';
import { backends, freshDatabase } from '../helpers/databases.js';
import { call, loginToken, makeUser, type Reply, type TestServer } from '../helpers/http.js';
import { assertProblem } from '../http/support.js';
import { lockedUntil, loginRetryAfter, THROTTLE } from '../../src/domain/throttle.js';
import { ageFailures, failureCount, login, startServer, startServers } from './support.js';

const MINUTE = 60_000;

/** Fails unless `reply` is the throttling problem; returns its Retry-After in seconds. */
function assertThrottled(reply: Reply, min: number, max: number): number {
  const body = assertProblem(reply, 429, 'login_throttled');
  const header = reply.headers.get('retry-after');
  assert.ok(header !== null, 'no Retry-After header');
  assert.match(header, /^\d+$/, `Retry-After ${header} is not a number of seconds`);
  const seconds = Number(header);
  assert.ok(seconds >= min && seconds <= max, `Retry-After ${seconds} not within ${min}..${max}`);
  assert.equal(body.params.retry_after, seconds, 'params.retry_after matches the header');
  assert.ok(!('access_token' in body));
  return seconds;
}

async function failTimes(server: TestServer, username: string, times: number, headers: (i: number) => Record<string, string> = () => ({})): Promise<void> {
  for (let i = 0; i < times; i++) {
    const reply = await login(server, username, `wrong-password-${i}`, headers(i));
    assertProblem(reply, 401);
  }
}

describe('lockedUntil (the lock implied by failure times)', () => {
  const at = (i: number) => new Date(Date.UTC(2030, 0, 1, 0, 0, i)).toISOString();
  const times = (n: number) => Array.from({ length: n }, (_, i) => at(i));

  it('no lock below the limit', () => {
    assert.equal(lockedUntil([], 10), 0);
    assert.equal(lockedUntil(times(9), 10), 0);
    assert.equal(lockedUntil(times(49), 50), 0);
  });

  it('one minute after the latest failure at the limit, doubling with each further failure, up to 15 minutes', () => {
    const expected = [1, 2, 4, 8, 15, 15, 15];
    expected.forEach((minutes, extra) => {
      const list = times(10 + extra);
      assert.equal(lockedUntil(list, 10) - Date.parse(list[list.length - 1]!), minutes * MINUTE, `${10 + extra} failures`);
    });
    assert.equal(lockedUntil(times(100), 10) - Date.parse(at(99)), 15 * MINUTE);
    assert.equal(lockedUntil(times(50), 50) - Date.parse(at(49)), MINUTE);
  });

  it('uses the documented constants', () => {
    assert.equal(THROTTLE.perUsernameFromAddress, 10);
    assert.equal(THROTTLE.perUsername, 100);
    assert.equal(THROTTLE.windowMs, 15 * MINUTE);
    assert.equal(THROTTLE.maxLockMs, 15 * MINUTE);
    assert.ok(THROTTLE.perAddress > THROTTLE.perUsernameFromAddress);
  });
});

for (const backend of backends()) {
  describe(`loginRetryAfter over the database (${backend.name})`, () => {
    it('counts failures within the window only, per username and address, per username and per address', async () => {
      const database = await freshDatabase(backend);
      try {
        const now = Date.parse('2030-06-01T12:00:00Z');
        const iso = (ms: number) => new Date(ms).toISOString().replace('Z', '000+00:00');
        const rows = (username: string, ip: string, count: number, endMs: number) =>
          Array.from({ length: count }, (_, i) => ({ id: crypto.randomUUID(), username, ip, created_at: iso(endMs - (count - 1 - i) * 1000) }));
        // ten failures from one address ending 10 s ago: locked from that address for 50 more seconds
        await database.db.insertInto('login_failures').values(rows('alice', '10.0.0.1', 10, now - 10_000)).execute();
        assert.equal(await loginRetryAfter(database.db, 'alice', '10.0.0.1', now), 50);
        assert.equal(await loginRetryAfter(database.db, 'alice', '10.0.0.9', now), 0, 'not from another address');
        assert.equal(await loginRetryAfter(database.db, 'bob', '10.0.0.1', now), 0, 'another username is not locked');
        // a hundred failures from a hundred addresses lock the username from everywhere
        const spreadOut = Array.from({ length: 100 }, (_, i) => ({ id: crypto.randomUUID(), username: 'erin', ip: `10.7.0.${i}`, created_at: iso(now - 5000 + i) }));
        await database.db.insertInto('login_failures').values(spreadOut).execute();
        assert.ok((await loginRetryAfter(database.db, 'erin', '10.0.0.200', now)) > 55);
        // ten failures that ended 16 minutes ago count for nothing
        await database.db.insertInto('login_failures').values(rows('carol', '10.0.0.2', 10, now - 16 * MINUTE)).execute();
        assert.equal(await loginRetryAfter(database.db, 'carol', '10.0.0.2', now), 0);
        // eleven failures, the last 30 s ago: the lock is 2 minutes
        await database.db.insertInto('login_failures').values(rows('dave', '10.0.0.3', 11, now - 30_000)).execute();
        assert.equal(await loginRetryAfter(database.db, 'dave', '10.0.0.3', now), 90);
        // fifty failures from one address across many usernames lock that address for any username
        const spread = Array.from({ length: 50 }, (_, i) => ({ id: crypto.randomUUID(), username: `u${i}`, ip: '10.9.9.9', created_at: iso(now - 1000 + i) }));
        await database.db.insertInto('login_failures').values(spread).execute();
        assert.ok((await loginRetryAfter(database.db, 'fresh-name', '10.9.9.9', now)) > 55);
        assert.equal(await loginRetryAfter(database.db, 'fresh-name', '10.9.9.8', now), 0, 'another address is not locked');
      } finally {
        await database.close();
      }
    });
  });

  describe(`login throttling over HTTP (${backend.name})`, () => {
    let server: TestServer;
    before(async () => {
      server = await startServer(backend);
    });
    after(() => server.close());
    // Every request of these tests comes from 127.0.0.1: start each with no failures on record.
    beforeEach(async () => {
      await server.database.db.deleteFrom('login_failures').execute();
    });

    it('10 failures from one address lock the username there: the 11th attempt is 429 with Retry-After (about 60 s) even with the right password', async () => {
      const user = await makeUser(server);
      const earlier = await loginToken(server, user.username, user.password);
      await failTimes(server, user.username, 10);
      assertThrottled(await login(server, user.username, user.password), 55, 60);
      assertThrottled(await login(server, user.username, 'still-wrong'), 55, 60);
      // refused attempts are not failures: they neither count nor extend the lock
      assert.equal(await failureCount(server, user.username), 10);
      // API keys (header or bearer) and an existing login token keep working
      const me = await call(server, 'GET', '/api/me', { key: user.apiKey });
      assert.equal(me.status, 200);
      assert.equal(me.body.username, user.username);
      assert.equal((await call(server, 'GET', '/api/me', { bearer: user.apiKey })).status, 200);
      assert.equal((await call(server, 'GET', '/api/me', { bearer: earlier })).status, 200);
    });

    it('9 failures do not lock', async () => {
      const user = await makeUser(server);
      await failTimes(server, user.username, 9);
      assert.equal((await login(server, user.username, user.password)).status, 200);
    });

    it('another username from the same client is not affected', async () => {
      const victim = await makeUser(server);
      const other = await makeUser(server);
      await failTimes(server, victim.username, 10);
      assertThrottled(await login(server, victim.username, victim.password), 1, 60);
      assert.equal((await login(server, other.username, other.password)).status, 200);
      assert.equal((await login(server, 'argilla', '1234')).status, 200);
    });

    it('an unknown username is throttled the same way (the answer does not reveal which names exist)', async () => {
      await failTimes(server, 'no-such-user-anywhere', 10);
      assertThrottled(await login(server, 'no-such-user-anywhere', 'whatever'), 55, 60);
    });

    it('once the lock has passed, a successful login resets the counter', async () => {
      const user = await makeUser(server);
      await failTimes(server, user.username, 10);
      assertThrottled(await login(server, user.username, user.password), 55, 60);
      await ageFailures(server, 61_000, user.username);
      assert.equal((await login(server, user.username, user.password)).status, 200, 'the lock has passed');
      assert.equal(await failureCount(server, user.username), 0, 'the success cleared the failures');
      // one more failure is just a 401 again, and the right password works
      assertProblem(await login(server, user.username, 'wrong-again'), 401);
      assert.equal((await login(server, user.username, user.password)).status, 200);
    });

    it('each failure after a lock doubles it: 2 minutes, then 4', async () => {
      const user = await makeUser(server);
      await failTimes(server, user.username, 10);
      await ageFailures(server, 61_000, user.username);
      assertProblem(await login(server, user.username, 'wrong-11'), 401);
      assertThrottled(await login(server, user.username, user.password), 115, 120);
      await ageFailures(server, 121_000, user.username);
      assertProblem(await login(server, user.username, 'wrong-12'), 401);
      assertThrottled(await login(server, user.username, user.password), 235, 240);
    });

    it('a lock never outlasts the 15-minute window after the last failure', async () => {
      const user = await makeUser(server);
      await failTimes(server, user.username, 10);
      // however many failures there were, once they are older than the window nothing is locked
      await ageFailures(server, 15 * MINUTE + 1000, user.username);
      assert.equal((await login(server, user.username, user.password)).status, 200);
    });

    it('50 failures from one address across usernames lock the address for a fresh username; API keys still work', async () => {
      const target = await makeUser(server);
      // 10 usernames x 5 failures: no username reaches its own limit
      for (let u = 0; u < 10; u++) await failTimes(server, `spray-${u}`, 5);
      assert.equal(await failureCount(server), 50);
      assertThrottled(await login(server, target.username, target.password), 55, 60);
      assertThrottled(await login(server, 'argilla', '1234'), 55, 60);
      assert.equal((await call(server, 'GET', '/api/me', { key: target.apiKey })).status, 200);
      assert.equal((await call(server, 'GET', '/api/me', { key: server.adminKey })).status, 200);
    });

    it('concurrent wrong passwords: no more than 10 of them are checked before the lock', async () => {
      const user = await makeUser(server);
      const replies = await Promise.all(Array.from({ length: 40 }, (_, i) => login(server, user.username, `parallel-guess-${i}`)));
      const checked = replies.filter((r) => r.status === 401).length;
      for (const reply of replies) assert.ok(reply.status === 401 || reply.status === 429, `${reply.status}`);
      assert.ok(
        checked <= THROTTLE.perUsernameFromAddress,
        `${checked} of 40 concurrent guesses were checked (401) and ${await failureCount(server, user.username)} failures recorded; at most ${THROTTLE.perUsernameFromAddress} may be`,
      );
      assertThrottled(await login(server, user.username, user.password), 1, 15 * 60);
    });

    it('concurrent right passwords for one account (more than the limit at once) all log in: they wait their turn', async () => {
      const user = await makeUser(server);
      const replies = await Promise.all(Array.from({ length: 25 }, () => login(server, user.username, user.password)));
      assert.deepEqual(
        replies.map((r) => r.status),
        replies.map(() => 200),
      );
      assert.equal(await failureCount(server, user.username), 0, 'nothing left on record');
    });

    it('a successful login clears the failures, not the attempts still being checked (they count once they fail)', async () => {
      const user = await makeUser(server);
      for (let i = 0; i < 3; i++) assert.equal((await login(server, user.username, `wrong-${i}`)).status, 401);
      // An attempt another process is checking right now.
      const inFlight = { id: randomUUID(), username: user.username, ip: '127.0.0.1', created_at: nowIso(), pending: 1 };
      await server.database.db.insertInto('login_failures').values(inFlight).execute();
      assert.equal((await login(server, user.username, user.password)).status, 200);
      const left = await server.database.db.selectFrom('login_failures').select(['id', 'pending']).where('username', '=', user.username).execute();
      assert.deepEqual(left, [{ id: inFlight.id, pending: 1 }]);
    });

    it('a forged X-Forwarded-For or X-Real-IP does not dodge the per-address limit', async () => {
      const target = await makeUser(server);
      for (let u = 0; u < 10; u++) {
        await failTimes(server, `forged-${u}`, 5, (i) => ({ 'x-forwarded-for': `203.0.113.${u * 5 + i}`, 'x-real-ip': `198.51.100.${u * 5 + i}` }));
      }
      assertThrottled(await login(server, target.username, target.password, { 'x-forwarded-for': '192.0.2.77' }), 55, 60);
    });

    it('malformed logins are 422 and do not count as failures', async () => {
      const user = await makeUser(server);
      for (let i = 0; i < 12; i++) {
        const reply = await call(server, 'POST', '/api/security/token', {
          body: new URLSearchParams({ username: user.username }).toString(),
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
        });
        assertProblem(reply, 422);
      }
      assert.equal(await failureCount(server, user.username), 0);
      assert.equal((await login(server, user.username, user.password)).status, 200);
    });
  });

  describe(`login throttling behind a trusted proxy (${backend.name})`, () => {
    // The test's requests come from 127.0.0.1, standing for a load balancer trusted by address.
    let server: TestServer;
    before(async () => {
      server = await startServer(backend, { trustedProxies: ['127.0.0.1'] });
    });
    after(() => server.close());

    it('counts failures per client named in X-Forwarded-For: one client locked out does not lock out the others', async () => {
      const target = await makeUser(server);
      const from = (address: string) => ({ 'x-forwarded-for': address });
      for (let u = 0; u < 10; u++) await failTimes(server, `proxied-${u}`, 5, () => from('203.0.113.9'));
      const recorded = await server.database.db.selectFrom('login_failures').select('ip').distinct().execute();
      assert.deepEqual(recorded, [{ ip: '203.0.113.9' }]);
      assertThrottled(await login(server, target.username, target.password, from('203.0.113.9')), 55, 60);
      // The same locked client cannot dodge by naming another address before the proxy's entry.
      assertThrottled(await login(server, target.username, target.password, from('192.0.2.1, 203.0.113.9')), 55, 60);
      assert.equal((await login(server, target.username, target.password, from('192.0.2.77'))).status, 200);
    });

    it('records the client address in the audit log and the request log', async () => {
      const target = await makeUser(server);
      assert.equal((await login(server, target.username, target.password, { 'x-forwarded-for': '198.51.100.23' })).status, 200);
      const events = await server.database.db.selectFrom('audit_events').select(['ip']).where('type', '=', 'auth.login.succeeded').where('target_id', '=', target.id).execute();
      assert.deepEqual(events, [{ ip: '198.51.100.23' }]);
      const line = server.logLines.map((text) => JSON.parse(text)).find((entry) => entry.url === '/api/security/token' && entry.ip === '198.51.100.23');
      assert.ok(line, 'the request log names the client');
    });
  });

  describe(`a number of trusted proxies (${backend.name})`, () => {
    let server: TestServer;
    before(async () => {
      server = await startServer(backend, { trustedProxies: 1 });
    });
    after(() => server.close());

    it('with 1 proxy trusted, the client is the last address in X-Forwarded-For, whatever comes before it', async () => {
      const target = await makeUser(server);
      assert.equal((await login(server, target.username, target.password, { 'x-forwarded-for': '192.0.2.1, 198.51.100.7' })).status, 200);
      assert.equal((await login(server, target.username, 'wrong-password-1', { 'x-forwarded-for': '198.51.100.8' })).status, 401);
      const events = await server.database.db
        .selectFrom('audit_events')
        .select(['type', 'ip'])
        .where('target_id', '=', target.id)
        .where('type', 'like', 'auth.login.%')
        .orderBy('created_at')
        .execute();
      assert.deepEqual(events, [
        { type: 'auth.login.succeeded', ip: '198.51.100.7' },
        { type: 'auth.login.failed', ip: '198.51.100.8' },
      ]);
    });
  });

  describe(`login throttling across two server processes sharing the database (${backend.name})`, () => {
    let servers: TestServer[];
    before(async () => {
      servers = await startServers(backend, 2);
    });
    after(async () => {
      for (const server of servers) await server.close();
    });
    afterEach(async () => {
      await servers[0]!.database.db.deleteFrom('login_failures').execute();
    });

    it('10 failures alternating between the two instances lock the username on both', async () => {
      const [a, b] = servers as [TestServer, TestServer];
      const user = await makeUser(a);
      assert.notEqual(a.database, b.database, 'separate database handles');
      for (let i = 0; i < 10; i++) {
        const reply = await login(i % 2 === 0 ? a : b, user.username, `wrong-${i}`);
        assertProblem(reply, 401);
      }
      assertThrottled(await login(a, user.username, user.password), 55, 60);
      assertThrottled(await login(b, user.username, user.password), 55, 60);
      // keys work on both instances
      assert.equal((await call(a, 'GET', '/api/me', { key: user.apiKey })).status, 200);
      assert.equal((await call(b, 'GET', '/api/me', { key: user.apiKey })).status, 200);
    });

    it('a success on one instance (after the lock) resets the counter seen by the other', async () => {
      const [a, b] = servers as [TestServer, TestServer];
      const user = await makeUser(a);
      for (let i = 0; i < 10; i++) assertProblem(await login(i % 2 === 0 ? b : a, user.username, `wrong-${i}`), 401);
      await ageFailures(a, 61_000, user.username);
      assert.equal((await login(b, user.username, user.password)).status, 200);
      for (let i = 0; i < 9; i++) assertProblem(await login(a, user.username, `wrong-again-${i}`), 401);
      assert.equal((await login(a, user.username, user.password)).status, 200, '9 failures since the reset: not locked');
    });
  });
}
