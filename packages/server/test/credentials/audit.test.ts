// The audit log: each security event with its actor, target, source address,
// request id and changed fields, never a secret; GET /api/audit-events (admin) with filters and
// cursor paging; append-only; `argilla audit list`.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { backends } from '../helpers/databases.js';
import { cliEnv, runCli } from '../helpers/cli.js';
import { call, loginToken, makeUser, type Reply, type TestServer } from '../helpers/http.js';
import { assertProblem, ISO_UTC, UNKNOWN_ID, UUID } from '../http/support.js';
import { auditPage, eventsOfRequest, login, startServer, type AuditItem } from './support.js';

const AUDIT_FIELDS = ['actor_id', 'actor_username', 'client_request_id', 'created_at', 'data', 'id', 'ip', 'request_id', 'target_id', 'target_type', 'type'];
const LOOPBACK = /^(::ffff:)?127\.0\.0\.1$|^::1$/;
const BCRYPT_OF_1234 = '$2y$05$xtl7iy3bpqchUwiQMjEHe.tY7OaIjDrg43W3TB4EHQ7izvdjvGtPS';

interface Who {
  id: string;
  username: string;
}

function assertShape(event: AuditItem): void {
  const context = JSON.stringify(event);
  assert.deepEqual(Object.keys(event).sort(), AUDIT_FIELDS, context);
  assert.match(event.id, UUID, context);
  assert.match(event.created_at, ISO_UTC, context);
  assert.equal(typeof event.data, 'object', context);
  assert.ok(event.data !== null && !Array.isArray(event.data), context);
}

/**
 * The one event of `type` recorded by the request that got `reply`, checked: actor, target, the
 * request's address and id, and `data` containing `data` (when given).
 */
async function expectEvent(
  server: TestServer,
  reply: Reply,
  type: string,
  expected: { actor: Who | null; target_type: string | null; target_id: string | null; data?: Record<string, unknown> },
): Promise<AuditItem> {
  const requestId = reply.headers.get('x-request-id');
  assert.ok(requestId, 'the response has an x-request-id');
  const events = await eventsOfRequest(server, requestId);
  const matching = events.filter((e) => e.type === type);
  assert.equal(matching.length, 1, `one ${type} event for request ${requestId}, got ${JSON.stringify(events)}`);
  const event = matching[0]!;
  const context = JSON.stringify(event);
  assertShape(event);
  assert.equal(event.request_id, requestId, context);
  assert.equal(event.actor_id, expected.actor?.id ?? null, `actor_id of ${context}`);
  assert.equal(event.actor_username, expected.actor?.username ?? null, `actor_username of ${context}`);
  assert.equal(event.target_type, expected.target_type, `target_type of ${context}`);
  assert.equal(event.target_id, expected.target_id, `target_id of ${context}`);
  assert.ok(event.ip !== null && LOOPBACK.test(event.ip), `ip of ${context}`);
  assert.ok(Math.abs(Date.parse(event.created_at) - Date.now()) < 60_000, `created_at of ${context}`);
  for (const [key, value] of Object.entries(expected.data ?? {})) assert.deepEqual(event.data[key], value, `data.${key} of ${context}`);
  return event;
}

/** Whether `text` contains `secret`; short ones (the default password 1234) only as a whole JSON string. */
function leaks(text: string, secret: string): boolean {
  return secret.length >= 8 ? text.includes(secret) : text.includes(JSON.stringify(secret));
}

function ok(reply: Reply): Reply {
  assert.ok(reply.status === 200, `${reply.status} ${JSON.stringify(reply.body)}`);
  return reply;
}

for (const backend of backends()) {
  describe(`audit log (${backend.name})`, () => {
    let server: TestServer;
    let admin: Who;
    /** every password, key and token used below: none may ever appear in the audit log (see `leaks`) */
    const secrets = new Set<string>(['1234', 'argilla.apikey']);
    const remember = (...values: string[]) => values.forEach((v) => secrets.add(v));

    before(async () => {
      server = await startServer(backend);
      const me = await call(server, 'GET', '/api/me', { key: server.adminKey });
      admin = { id: me.body.id, username: me.body.username };
    });
    after(() => server.close());

    it('a successful login: auth.login.succeeded by the user, about itself', async () => {
      const user = await makeUser(server);
      remember(user.password, user.apiKey);
      const reply = ok(await login(server, user.username, user.password));
      remember(reply.body.access_token);
      await expectEvent(server, reply, 'auth.login.succeeded', { actor: user, target_type: 'user', target_id: user.id, data: { username: user.username } });
    });

    it('a failed login: auth.login.failed without an actor, naming the user; for an unknown name, no target and only a digest of it', async () => {
      const user = await makeUser(server);
      remember(user.password, user.apiKey, 'wrong-pass-xyz', 'guess-for-ghost');
      // the source address is the connection's, whatever a client claims in X-Forwarded-For
      const reply = await login(server, user.username, 'wrong-pass-xyz', { 'x-forwarded-for': '203.0.113.9' });
      assert.equal(reply.status, 401);
      await expectEvent(server, reply, 'auth.login.failed', { actor: null, target_type: 'user', target_id: user.id, data: { username: user.username } });
      const ghost = await login(server, 'ghost-user', 'guess-for-ghost');
      assert.equal(ghost.status, 401);
      const event = await expectEvent(server, ghost, 'auth.login.failed', { actor: null, target_type: 'user', target_id: null });
      assert.ok(!JSON.stringify(event).includes('guess-for-ghost'));
      // what was typed as the name may be a password: only its keyed digest is kept (login-secrets.test.ts)
      assert.deepEqual(Object.keys(event.data), ['username_digest']);
      assert.ok(!JSON.stringify(event).includes('ghost-user'));
    });

    it('a logout: auth.logout by the user', async () => {
      const user = await makeUser(server);
      remember(user.password, user.apiKey);
      const token = await loginToken(server, user.username, user.password);
      remember(token);
      const reply = ok(await call(server, 'POST', '/api/security/logout', { bearer: token }));
      await expectEvent(server, reply, 'auth.logout', { actor: user, target_type: 'user', target_id: user.id });
    });

    it('user.created by the admin, with username, role and workspaces', async () => {
      remember('created-pass-1');
      const reply = ok(
        await call(server, 'POST', '/api/users', {
          key: server.adminKey,
          json: { username: 'audited-user', first_name: 'Aud', password: 'created-pass-1', role: 'annotator', workspaces: ['audit-ws'] },
        }),
      );
      remember(reply.body.api_key);
      await expectEvent(server, reply, 'user.created', {
        actor: admin,
        target_type: 'user',
        target_id: reply.body.id,
        data: { username: 'audited-user', role: 'annotator', workspaces: ['audit-ws'] },
      });
    });

    it('user.updated lists the changed field names (and only them)', async () => {
      const user = await makeUser(server);
      remember(user.password, user.apiKey);
      const reply = ok(await call(server, 'PATCH', `/api/users/${user.id}`, { key: server.adminKey, json: { first_name: 'New', email: 'n@example.com' } }));
      const event = await expectEvent(server, reply, 'user.updated', { actor: admin, target_type: 'user', target_id: user.id, data: { username: user.username } });
      assert.deepEqual([...(event.data.changed as string[])].sort(), ['email', 'first_name']);
      const events = await eventsOfRequest(server, reply.headers.get('x-request-id')!);
      assert.deepEqual(events.map((e) => e.type), ['user.updated'], 'a name change is not a role, disable or password event');
    });

    it('user.disabled (and user.updated) when an admin disables a user', async () => {
      const user = await makeUser(server);
      remember(user.password, user.apiKey);
      const reply = ok(await call(server, 'PATCH', `/api/users/${user.id}`, { key: server.adminKey, json: { disabled: true } }));
      await expectEvent(server, reply, 'user.disabled', { actor: admin, target_type: 'user', target_id: user.id, data: { username: user.username } });
      const updated = await expectEvent(server, reply, 'user.updated', { actor: admin, target_type: 'user', target_id: user.id });
      assert.deepEqual(updated.data.changed, ['disabled']);
    });

    it('user.role_changed with from and to', async () => {
      const user = await makeUser(server);
      remember(user.password, user.apiKey);
      const reply = ok(await call(server, 'PATCH', `/api/users/${user.id}`, { key: server.adminKey, json: { role: 'admin' } }));
      await expectEvent(server, reply, 'user.role_changed', {
        actor: admin,
        target_type: 'user',
        target_id: user.id,
        data: { username: user.username, from: 'annotator', to: 'admin' },
      });
      const back = ok(await call(server, 'PATCH', `/api/users/${user.id}`, { key: server.adminKey, json: { role: 'annotator' } }));
      await expectEvent(server, back, 'user.role_changed', { actor: admin, target_type: 'user', target_id: user.id, data: { from: 'admin', to: 'annotator' } });
    });

    it('user.password_changed for a change by the user itself and for an admin reset, without the password', async () => {
      const user = await makeUser(server);
      remember(user.password, user.apiKey, 'self-chosen-pw-1', 'admin-reset-pw-2');
      const self = ok(await call(server, 'PATCH', '/api/me/password', { key: user.apiKey, json: { current_password: user.password, new_password: 'self-chosen-pw-1' } }));
      const selfEvent = await expectEvent(server, self, 'user.password_changed', { actor: user, target_type: 'user', target_id: user.id, data: { username: user.username } });
      assert.notEqual(selfEvent.data.reset_by_admin, true);
      const reset = ok(await call(server, 'PATCH', `/api/users/${user.id}`, { key: server.adminKey, json: { password: 'admin-reset-pw-2' } }));
      await expectEvent(server, reset, 'user.password_changed', { actor: admin, target_type: 'user', target_id: user.id, data: { username: user.username } });
      const updated = await expectEvent(server, reset, 'user.updated', { actor: admin, target_type: 'user', target_id: user.id });
      assert.deepEqual(updated.data.changed, ['password'], 'the field name only');
      // a failed change (wrong current password) records no change
      remember('not-the-current-1', 'would-be-new-pw-3');
      const wrong = await call(server, 'PATCH', '/api/me/password', { key: user.apiKey, json: { current_password: 'not-the-current-1', new_password: 'would-be-new-pw-3' } });
      assert.equal(wrong.status, 422);
      assert.deepEqual(await eventsOfRequest(server, wrong.headers.get('x-request-id')!), []);
    });

    it('user.deleted by the admin; the user\'s earlier events outlive it', async () => {
      const user = await makeUser(server);
      remember(user.password, user.apiKey);
      const reply = ok(await call(server, 'DELETE', `/api/users/${user.id}`, { key: server.adminKey }));
      await expectEvent(server, reply, 'user.deleted', { actor: admin, target_type: 'user', target_id: user.id, data: { username: user.username } });
      const about = await auditPage(server, { target: user.id });
      assert.ok(about.items.some((e) => e.type === 'user.deleted'));
    });

    it('api_key.created, api_key.rotated and api_key.revoked, with the key as target and never its secret', async () => {
      const user = await makeUser(server);
      remember(user.password, user.apiKey);
      const created = ok(await call(server, 'POST', '/api/me/api-keys', { key: user.apiKey, json: { name: 'audited' } }));
      remember(created.body.api_key);
      await expectEvent(server, created, 'api_key.created', {
        actor: user,
        target_type: 'api_key',
        target_id: created.body.id,
        data: { user_id: user.id, name: 'audited', preview: created.body.preview },
      });
      const rotated = ok(await call(server, 'POST', `/api/me/api-keys/${created.body.id}/rotate`, { key: user.apiKey }));
      remember(rotated.body.api_key);
      const rotation = await expectEvent(server, rotated, 'api_key.rotated', { actor: user, target_type: 'api_key', target_id: rotated.body.id, data: { user_id: user.id } });
      assert.equal(rotation.data.replaces, created.body.id, 'the rotation names the key it replaces');
      const revoked = ok(await call(server, 'DELETE', `/api/me/api-keys/${rotated.body.id}`, { key: user.apiKey }));
      await expectEvent(server, revoked, 'api_key.revoked', { actor: user, target_type: 'api_key', target_id: rotated.body.id, data: { user_id: user.id } });
      // an admin acting on another user's key is the actor
      const byAdmin = ok(await call(server, 'POST', `/api/users/${user.id}/api-keys`, { key: server.adminKey, json: { name: 'admin-made' } }));
      remember(byAdmin.body.api_key);
      await expectEvent(server, byAdmin, 'api_key.created', { actor: admin, target_type: 'api_key', target_id: byAdmin.body.id, data: { user_id: user.id } });
    });

    it('workspace.created and workspace.deleted; membership.added and membership.removed', async () => {
      const user = await makeUser(server);
      remember(user.password, user.apiKey);
      const created = ok(await call(server, 'POST', '/api/workspaces', { key: server.adminKey, json: { name: 'audit-space' } }));
      const ws = created.body.id;
      await expectEvent(server, created, 'workspace.created', { actor: admin, target_type: 'workspace', target_id: ws, data: { name: 'audit-space' } });
      const added = ok(await call(server, 'POST', `/api/workspaces/${ws}/users/${user.id}`, { key: server.adminKey }));
      await expectEvent(server, added, 'membership.added', { actor: admin, target_type: 'user', target_id: user.id, data: { workspace: 'audit-space', workspace_id: ws } });
      const removed = ok(await call(server, 'DELETE', `/api/workspaces/${ws}/users/${user.id}`, { key: server.adminKey }));
      await expectEvent(server, removed, 'membership.removed', { actor: admin, target_type: 'user', target_id: user.id, data: { workspace: 'audit-space', workspace_id: ws } });
      const deleted = ok(await call(server, 'DELETE', `/api/workspaces/${ws}`, { key: server.adminKey }));
      await expectEvent(server, deleted, 'workspace.deleted', { actor: admin, target_type: 'workspace', target_id: ws, data: { name: 'audit-space' } });
    });

    it('requests that fail record nothing (a 409, a 404, a 403)', async () => {
      const annotator = await makeUser(server);
      remember(annotator.password, annotator.apiKey);
      const replies = [
        await call(server, 'POST', '/api/workspaces', { key: server.adminKey, json: { name: 'argilla' } }),
        await call(server, 'DELETE', `/api/users/${UNKNOWN_ID}`, { key: server.adminKey }),
        await call(server, 'POST', '/api/workspaces', { key: annotator.apiKey, json: { name: 'not-allowed' } }),
      ];
      assert.deepEqual(replies.map((r) => r.status), [409, 404, 403]);
      for (const reply of replies) assert.deepEqual(await eventsOfRequest(server, reply.headers.get('x-request-id')!), []);
    });

    it('users.migrated, by the system, when the CLI imports a users file', async () => {
      const key = 'a14427ea-9197-11ec-b909-0242ac120002';
      remember(key, BCRYPT_OF_1234);
      const file = join(server.database.home, 'users.yml');
      writeFileSync(file, `- username: migrated-john\n  full_name: John Doe\n  api_key: ${key}\n  hashed_password: ${BCRYPT_OF_1234}\n  workspaces: [migrated-ws]\n`);
      const result = await runCli(['users', 'migrate', '--file', file], cliEnv(server.database.url, server.database.home));
      assert.equal(result.code, 0, result.stderr);
      const { items } = await auditPage(server, { type: 'users.migrated' });
      assert.equal(items.length, 1, JSON.stringify(items));
      const event = items[0]!;
      assertShape(event);
      assert.equal(event.actor_username, 'system');
      assert.equal(event.actor_id, null);
      assert.deepEqual(event.data.created, ['migrated-john']);
      assert.ok(!JSON.stringify(event).includes(key));
    });

    it('GET /api/audit-events is for admins: an annotator gets 403, no credentials 401', async () => {
      const annotator = await makeUser(server);
      remember(annotator.password, annotator.apiKey);
      assertProblem(await call(server, 'GET', '/api/audit-events', { key: annotator.apiKey }), 403);
      assertProblem(await call(server, 'GET', '/api/audit-events'), 401);
      assertProblem(await call(server, 'GET', '/api/audit-events', { key: 'argilla_wrong-key-000000000000000' }), 401);
    });

    it('lists {items, next_cursor}, newest first, each item of the documented shape', async () => {
      const page = await auditPage(server, { limit: '1000' });
      assert.deepEqual(Object.keys(page).filter((k) => k !== 'raw').sort(), ['items', 'next_cursor']);
      assert.equal(page.next_cursor, null);
      assert.ok(page.items.length > 20);
      for (const event of page.items) assertShape(event);
      for (let i = 1; i < page.items.length; i++) {
        assert.ok(page.items[i - 1]!.created_at >= page.items[i]!.created_at, `not newest first at ${i}`);
      }
      const ids = page.items.map((e) => e.id);
      assert.equal(new Set(ids).size, ids.length);
      // the default limit is 100
      const first = await auditPage(server);
      assert.ok(first.items.length <= 100);
    });

    it('filters by actor (id or username), target, type (exact or prefix) and time', async () => {
      const all = (await auditPage(server, { limit: '1000' })).items;
      const byId = (await auditPage(server, { actor: admin.id, limit: '1000' })).items;
      assert.ok(byId.length > 0);
      assert.ok(byId.every((e) => e.actor_id === admin.id));
      assert.deepEqual(byId.map((e) => e.id), all.filter((e) => e.actor_id === admin.id).map((e) => e.id));
      const byName = (await auditPage(server, { actor: admin.username, limit: '1000' })).items;
      assert.deepEqual(byName.map((e) => e.id), byId.map((e) => e.id));
      const system = (await auditPage(server, { actor: 'system', limit: '1000' })).items;
      assert.ok(system.length >= 1 && system.every((e) => e.actor_username === 'system'));

      const target = all.find((e) => e.type === 'user.role_changed')!.target_id!;
      const byTarget = (await auditPage(server, { target, limit: '1000' })).items;
      assert.deepEqual(byTarget.map((e) => e.id), all.filter((e) => e.target_id === target).map((e) => e.id));

      const exact = (await auditPage(server, { type: 'user.created', limit: '1000' })).items;
      assert.ok(exact.length >= 1);
      assert.deepEqual(exact.map((e) => e.id), all.filter((e) => e.type === 'user.created').map((e) => e.id));

      for (const prefix of ['user', 'auth', 'auth.login', 'membership', 'workspace']) {
        const got = (await auditPage(server, { type: prefix, limit: '1000' })).items;
        const want = all.filter((e) => e.type === prefix || e.type.startsWith(`${prefix}.`));
        assert.ok(want.length > 0, `the scenario made ${prefix} events`);
        assert.deepEqual(got.map((e) => e.type), want.map((e) => e.type), `type=${prefix}`);
      }
      // a prefix is a whole dotted part: user does not match users.migrated, nor "use" anything
      assert.ok(!(await auditPage(server, { type: 'user', limit: '1000' })).items.some((e) => e.type === 'users.migrated'));
      assert.equal((await auditPage(server, { type: 'use' })).items.length, 0);
      assert.equal((await auditPage(server, { type: 'user%' })).items.length, 0, 'LIKE wildcards are not interpreted');
      assert.equal((await auditPage(server, { type: 'api%key' })).items.length, 0);

      // since is inclusive, until exclusive
      // (a boundary whose older neighbour is in another millisecond: sub-millisecond precision is tested apart)
      const ms = (e: AuditItem) => e.created_at.slice(0, 23);
      const index = all.findIndex((e, i) => i >= all.length / 2 && i + 1 < all.length && ms(all[i + 1]!) !== ms(e));
      const middle = all[index]!;
      const since = (await auditPage(server, { since: middle.created_at, limit: '1000' })).items;
      assert.deepEqual(since.map((e) => e.id), all.filter((e) => e.created_at >= middle.created_at).map((e) => e.id));
      const until = (await auditPage(server, { until: middle.created_at, limit: '1000' })).items;
      assert.deepEqual(until.map((e) => e.id), all.filter((e) => e.created_at < middle.created_at).map((e) => e.id));
      assert.equal(since.length + until.length, all.length);
      const future = (await auditPage(server, { since: new Date(Date.now() + 3_600_000).toISOString() })).items;
      assert.equal(future.length, 0);
      // filters combine
      const combined = (await auditPage(server, { actor: admin.id, type: 'user', since: middle.created_at, limit: '1000' })).items;
      assert.deepEqual(
        combined.map((e) => e.id),
        all.filter((e) => e.actor_id === admin.id && e.type.startsWith('user.') && e.created_at >= middle.created_at).map((e) => e.id),
      );
    });

    it('the type prefix api_key (with an underscore) matches the api_key.* events', async () => {
      const all = (await auditPage(server, { limit: '1000' })).items;
      const want = all.filter((e) => e.type.startsWith('api_key.'));
      assert.ok(want.length >= 3);
      const got = (await auditPage(server, { type: 'api_key', limit: '1000' })).items;
      assert.deepEqual(got.map((e) => e.type), want.map((e) => e.type), 'type=api_key');
      assert.equal((await auditPage(server, { type: 'apiXkey' })).items.length, 0, '_ is not a wildcard');
    });

    it('type filters are case-sensitive, exact or prefix, on every backend', async () => {
      assert.equal((await auditPage(server, { type: 'USER.CREATED' })).items.length, 0, 'type=USER.CREATED');
      assert.equal((await auditPage(server, { type: 'USER' })).items.length, 0, 'type=USER');
      assert.equal((await auditPage(server, { type: 'Auth.Login' })).items.length, 0, 'type=Auth.Login');
    });

    it('since and until keep the microseconds of the times they are given', async () => {
      // two events within one millisecond, as one transaction writes them (inserted directly so
      // that their times are known)
      const target = crypto.randomUUID();
      const row = (type: string, created_at: string) => ({
        id: crypto.randomUUID(),
        type,
        actor_id: null,
        actor_username: 'system',
        target_type: 'user',
        target_id: target,
        ip: null,
        request_id: null,
        data: '{}',
        created_at,
      });
      const olderAt = '2020-01-01T00:00:00.000100+00:00';
      const newerAt = '2020-01-01T00:00:00.000900+00:00';
      await server.database.db.insertInto('audit_events').values([row('user.updated', olderAt), row('user.disabled', newerAt)]).execute();
      const since = (await auditPage(server, { target, since: newerAt })).items.map((e) => e.type);
      assert.deepEqual(since, ['user.disabled'], `since=${newerAt} (inclusive) must not return the event at ${olderAt}`);
      const until = (await auditPage(server, { target, until: newerAt })).items.map((e) => e.type);
      assert.deepEqual(until, ['user.updated'], `until=${newerAt} (exclusive) must return the event at ${olderAt}`);
    });

    it('limit and cursor page through every event once, in order', async () => {
      const all = (await auditPage(server, { limit: '1000' })).items;
      for (const limit of [1, 3, 7]) {
        const seen: string[] = [];
        let cursor: string | null = null;
        let pages = 0;
        do {
          const query: Record<string, string> = { limit: String(limit) };
          if (cursor) query.cursor = cursor;
          const page = await auditPage(server, query);
          assert.ok(page.items.length <= limit);
          seen.push(...page.items.map((e) => e.id));
          cursor = page.next_cursor;
          pages++;
          assert.ok(pages <= all.length + 1, 'paging does not end');
        } while (cursor);
        assert.equal(new Set(seen).size, seen.length, `duplicates with limit ${limit}`);
        assert.deepEqual(seen, all.map((e) => e.id), `limit ${limit}`);
      }
      // paging with a filter
      const users = (await auditPage(server, { type: 'user', limit: '1000' })).items.map((e) => e.id);
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const page = await auditPage(server, { type: 'user', limit: '2', ...(cursor ? { cursor } : {}) });
        seen.push(...page.items.map((e) => e.id));
        cursor = page.next_cursor;
      } while (cursor);
      assert.deepEqual(seen, users);
    });

    it('a bad cursor, a bad time or an out-of-range limit is 422', async () => {
      for (const query of [
        'cursor=not-a-cursor',
        'cursor=%25%25%25',
        `cursor=${Buffer.from('[1,2]').toString('base64url')}`,
        `cursor=${Buffer.from('null').toString('base64url')}`,
        'since=yesterday',
        'until=not-a-time',
        'since=2026-13-45T99:99:99Z',
        'limit=0',
        'limit=1001',
        'limit=abc',
        'limit=-5',
      ]) {
        const reply = await call(server, 'GET', `/api/audit-events?${query}`, { key: server.adminKey });
        assertProblem(reply, 422);
      }
    });

    it('is append-only: no route updates or deletes events', async () => {
      const { items } = await auditPage(server, { limit: '1' });
      const id = items[0]!.id;
      for (const [method, path] of [
        ['DELETE', '/api/audit-events'],
        ['DELETE', `/api/audit-events/${id}`],
        ['PATCH', `/api/audit-events/${id}`],
        ['PUT', `/api/audit-events/${id}`],
        ['POST', '/api/audit-events'],
        ['GET', `/api/audit-events/${id}`],
      ] as const) {
        const reply = await call(server, method, path, { key: server.adminKey, json: method === 'DELETE' || method === 'GET' ? undefined : { type: 'user.created' } });
        assert.ok(reply.status === 404 || reply.status === 405, `${method} ${path}: ${reply.status}`);
        assertProblem(reply, reply.status);
      }
      const after = await auditPage(server, { limit: '1' });
      assert.equal(after.items[0]!.id, id, 'nothing was removed or added');
      const doc = (await call(server, 'GET', '/api/openapi.json')).body;
      const paths = Object.entries(doc.paths as Record<string, Record<string, unknown>>).filter(([p]) => p.startsWith('/api/audit-events'));
      assert.deepEqual(paths.map(([p, ops]) => [p, Object.keys(ops).filter((m) => m !== 'parameters')]), [['/api/audit-events', ['get']]]);
    });

    it('argilla audit list --type user --json prints JSON with the user events', async () => {
      const env = cliEnv(server.database.url, server.database.home);
      const result = await runCli(['audit', 'list', '--type', 'user', '--json', '--limit', '1000'], env);
      assert.equal(result.code, 0, result.stderr);
      const parsed = JSON.parse(result.stdout);
      assert.ok(Array.isArray(parsed.items));
      assert.ok(parsed.items.length > 0);
      assert.ok(parsed.items.every((e: AuditItem) => e.type.startsWith('user.')));
      const http = (await auditPage(server, { type: 'user', limit: '1000' })).items;
      assert.deepEqual(parsed.items.map((e: AuditItem) => e.id), http.map((e) => e.id));
      for (const secret of secrets) assert.ok(!leaks(result.stdout, secret), `the CLI listing contains a secret (${secret.slice(0, 4)}…)`);
      const table = await runCli(['audit', 'list', '--actor', admin.username], env);
      assert.equal(table.code, 0, table.stderr);
      assert.match(table.stdout, /user\.created/);
      const bad = await runCli(['audit', 'list', '--since', 'not-a-time'], env);
      assert.equal(bad.code, 1, bad.stdout + bad.stderr);
    });

    it('no event ever contains a password, a key secret or a token used in these tests', async () => {
      const { raw, items } = await auditPage(server, { limit: '1000' });
      assert.ok(items.length > 30);
      for (const secret of secrets) assert.ok(!leaks(raw, secret), `the audit log contains a secret (${secret.slice(0, 4)}…)`);
      assert.ok(!raw.includes('$argon2'), 'a password hash in the audit log');
      assert.ok(!/\$2[aby]\$/.test(raw), 'a bcrypt hash in the audit log');
      // nor any digest of a key or token
      const digests = await server.database.db.selectFrom('api_keys').select('digest').execute();
      for (const { digest } of digests) assert.ok(!raw.includes(digest));
      const stored = await server.database.db.selectFrom('audit_events').select('data').execute();
      for (const { data } of stored) for (const secret of secrets) assert.ok(!leaks(data, secret));
    });
  });
}
