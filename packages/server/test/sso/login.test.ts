// Single sign-on against a real OpenID Connect provider (oidc-provider, in this process, and a
// second one with a clock two hours behind in a child process), driven with plain HTTP: users
// created on their first sign-in with the role and workspaces their groups map to, brought in line
// at each later sign-in, and every kind of tampering refused with a sentence and an audit event.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadSsoConfig, type SsoConfig } from '../../src/configSso.js';
import { SYSTEM } from '../../src/domain/policies.js';
import { updateUser } from '../../src/domain/users.js';
import { backends, tempDir } from '../helpers/databases.js';
import { call, loginToken, makeUser, startTestServer, type TestServer } from '../helpers/http.js';
import { assertProblem } from '../http/support.js';
import {
  finishAt,
  PlainBrowser,
  SCOPES,
  signIn,
  signInUntilCallback,
  startProvider,
  startSkewedProvider,
  type TestAccount,
  type TestProvider,
} from './provider.js';

const SECRET = 'argilla-test-client-secret';

/** The providers file: one provider per behaviour under test, all at the same test provider but the skewed one. */
function providersFile(issuer: string, skewedIssuer: string): string {
  const common = `    issuer: ${issuer}\n    client_secret: ${SECRET}\n    scopes: [${SCOPES.join(', ')}]\n    role_claim: groups\n`;
  const yaml = `providers:
  - name: main
    display_name: Test company
    client_id: argilla
${common}    roles:
      argilla-owners: owner
      argilla-admins: admin
      argilla-annotators: annotator
    default_role: annotator
    workspaces:
      team-alpha: alpha
    workspace_prefix: "ws-"
    create_workspaces: true
  - name: strict
    display_name: Strict
    client_id: argilla-strict
${common}    roles: { argilla-annotators: annotator }
    default_role: none
    workspaces: { team-alpha: alpha }
  - name: linking
    display_name: Linking
    client_id: argilla-link
${common}    link_existing_users: true
  - name: realm
    display_name: Realm roles
    client_id: argilla-realm
    issuer: ${issuer}
    client_secret: ${SECRET}
    scopes: [${SCOPES.join(', ')}]
    role_claim: realm_access.roles
    roles: { argilla-admin: admin }
  - name: skewed
    display_name: Skewed clock
    client_id: argilla
    issuer: ${skewedIssuer}
    client_secret: ${SECRET}
    scopes: [${SCOPES.join(', ')}]
`;
  const path = join(tempDir('argilla-sso-'), 'providers.yml');
  writeFileSync(path, yaml);
  return path;
}

const CLIENT_OF: Record<string, string> = { main: 'argilla', strict: 'argilla-strict', linking: 'argilla-link', realm: 'argilla-realm' };

interface AuditEvent {
  type: string;
  actor_username: string | null;
  target_id: string | null;
  data: Record<string, any>;
}

async function events(server: TestServer, type: string): Promise<AuditEvent[]> {
  const reply = await call(server, 'GET', `/api/audit-events?type=${type}&limit=200`, { key: server.adminKey });
  assert.equal(reply.status, 200, JSON.stringify(reply.body));
  return reply.body.items;
}

async function me(server: TestServer, token: string) {
  const reply = await call(server, 'GET', '/api/me', { bearer: token });
  assert.equal(reply.status, 200, JSON.stringify(reply.body));
  return reply.body;
}

for (const backend of backends()) {
  describe(`single sign-on with OpenID Connect (${backend.name})`, () => {
    let provider: TestProvider;
    let rogue: TestProvider;
    let skewed: Awaited<ReturnType<typeof startSkewedProvider>>;
    let server: TestServer;
    let sso: SsoConfig;
    const accounts = new Map<string, TestAccount>();

    before(async () => {
      provider = await startProvider(accounts);
      rogue = await startProvider(accounts);
      skewed = await startSkewedProvider(2 * 3600, { clocky: { preferred_username: 'clocky', groups: [] } });
      sso = loadSsoConfig({ ARGILLA_OIDC_CONFIG: providersFile(provider.issuer, skewed.issuer) });
      server = await startTestServer(backend, { sso });
      const clients = Object.entries(CLIENT_OF).map(([name, client_id]) => ({
        client_id,
        client_secret: SECRET,
        redirect_uris: [`${server.url}/api/oauth2/providers/${name}/callback`],
      }));
      // An application of someone else's, allowed to send people to the same callback.
      clients.push({ client_id: 'other-app', client_secret: 'other-secret', redirect_uris: [`${server.url}/api/oauth2/providers/main/callback`] });
      provider.serve(clients);
      rogue.serve(clients);
      await skewed.serve([{ client_id: 'argilla', client_secret: SECRET, redirect_uris: [`${server.url}/api/oauth2/providers/skewed/callback`] }]);
    });

    after(async () => {
      await server?.close();
      await provider?.close();
      await rogue?.close();
      await skewed?.close();
    });

    it('lists the providers for the login page, password login on', async () => {
      const reply = await call(server, 'GET', '/api/oauth2/providers');
      assert.equal(reply.status, 200);
      assert.equal(reply.body.password_login, true);
      assert.deepEqual(
        reply.body.items.map((p: any) => [p.name, p.display_name, p.authorize_url]),
        [
          ['main', 'Test company', '/api/oauth2/providers/main/authorize'],
          ['strict', 'Strict', '/api/oauth2/providers/strict/authorize'],
          ['linking', 'Linking', '/api/oauth2/providers/linking/authorize'],
          ['realm', 'Realm roles', '/api/oauth2/providers/realm/authorize'],
          ['skewed', 'Skewed clock', '/api/oauth2/providers/skewed/authorize'],
        ],
      );
    });

    it('sends the browser to the provider with PKCE, state and nonce, keeping them in a sealed HttpOnly cookie', async () => {
      const browser = new PlainBrowser();
      const reply = await browser.request(`${server.url}/api/oauth2/providers/main/authorize?next=/users`);
      assert.equal(reply.status, 302);
      const url = new URL(reply.location!);
      assert.equal(url.origin, provider.issuer);
      assert.equal(url.searchParams.get('client_id'), 'argilla');
      assert.equal(url.searchParams.get('response_type'), 'code');
      assert.equal(url.searchParams.get('code_challenge_method'), 'S256');
      assert.equal(url.searchParams.get('redirect_uri'), `${server.url}/api/oauth2/providers/main/callback`);
      assert.equal(url.searchParams.get('scope'), SCOPES.join(' '));
      for (const name of ['state', 'nonce', 'code_challenge']) assert.match(url.searchParams.get(name) ?? '', /^[A-Za-z0-9_-]{40,}$/, name);
      const sealed = browser.cookie(server.url, 'argilla_sso')!;
      for (const name of ['state', 'nonce']) assert.ok(!sealed.includes(url.searchParams.get(name)!), `${name} readable in the cookie`);
      const setCookie = (await fetch(`${server.url}/api/oauth2/providers/main/authorize`, { redirect: 'manual' })).headers.get('set-cookie')!;
      assert.match(setCookie, /^argilla_sso=[A-Za-z0-9_-]+; Path=\/api\/oauth2\/; Max-Age=600; HttpOnly; SameSite=Lax$/);
    });

    it('creates the user on its first sign-in, with the role and workspaces its groups map to, and returns to the page it came from', async () => {
      accounts.set('alice', { preferred_username: 'Alice.Smith', given_name: 'Alice', family_name: 'Smith', email: 'alice@example.com', groups: ['argilla-admins', 'argilla-annotators', 'team-alpha', 'ws-beta', 'unrelated'] });
      const landing = await signIn(new PlainBrowser(), server.url, 'main', 'alice', '/users');
      assert.equal(landing.error, null);
      assert.equal(landing.next, '/users');
      assert.ok(landing.url.startsWith(`${server.url}/#/login?`), landing.url);
      const user = await me(server, landing.token!);
      assert.equal(user.username, 'alice-smith');
      assert.equal(user.role, 'admin');
      assert.equal(user.first_name, 'Alice');
      assert.equal(user.last_name, 'Smith');
      assert.equal(user.email, 'alice@example.com');
      // An admin's /api/me lists every workspace: read its memberships through the members lists.
      const asAdmin = await call(server, 'GET', `/api/workspaces?limit=500`, { key: server.adminKey });
      for (const name of ['alpha', 'beta']) {
        const workspace = asAdmin.body.find((w: any) => w.name === name);
        const members = await call(server, 'GET', `/api/workspaces/${workspace.id}/users`, { key: server.adminKey });
        assert.ok(JSON.stringify(members.body).includes(user.id), `${name} lists the user`);
      }
      const created = (await events(server, 'user.created')).find((e) => e.target_id === user.id)!;
      assert.equal(created.actor_username, 'system');
      assert.deepEqual(created.data, { username: 'alice-smith', role: 'admin', workspaces: [], source: 'sso', provider: 'main' });
      const added = (await events(server, 'membership.added')).filter((e) => e.target_id === user.id);
      assert.deepEqual(added.map((e) => e.data.workspace).sort(), ['alpha', 'beta']);
      const workspacesCreated = (await events(server, 'workspace.created')).filter((e) => e.data.source === 'sso');
      assert.deepEqual(workspacesCreated.map((e) => e.data.name).sort(), ['alpha', 'beta']);
      const succeeded = (await events(server, 'auth.sso.succeeded')).find((e) => e.target_id === user.id)!;
      assert.equal(succeeded.data.created, true);
      assert.equal(succeeded.data.role, 'admin');
      // No password works for it.
      const password = await call(server, 'POST', '/api/security/token', { json: { username: 'alice-smith', password: '!sso:no-password' } });
      assertProblem(password, 401, 'unauthorized');
    });

    it('brings role and workspaces in line at the next sign-in (groups removed, added), with audit events, and keeps one account when the username changes', async () => {
      const first = await me(server, (await signIn(new PlainBrowser(), server.url, 'main', 'alice')).token!);
      accounts.set('alice', { preferred_username: 'alice.renamed', given_name: 'Alice', family_name: 'Smith-Jones', email: 'alice@example.com', groups: ['argilla-annotators', 'ws-gamma'] });
      const landing = await signIn(new PlainBrowser(), server.url, 'main', 'alice');
      const user = await me(server, landing.token!);
      assert.equal(user.id, first.id);
      assert.equal(user.username, 'alice-smith');
      assert.equal(user.role, 'annotator');
      assert.equal(user.last_name, 'Smith-Jones');
      assert.deepEqual(user.workspaces, ['gamma']);
      const roleChanged = (await events(server, 'user.role_changed')).filter((e) => e.target_id === user.id);
      assert.deepEqual(roleChanged.map((e) => [e.data.from, e.data.to]), [['admin', 'annotator']]);
      const removed = (await events(server, 'membership.removed')).filter((e) => e.target_id === user.id);
      assert.deepEqual(removed.map((e) => e.data.workspace).sort(), ['alpha', 'beta']);
      assert.ok(removed.every((e) => e.data.source === 'sso' && e.data.provider === 'main'));
      const updated = (await events(server, 'user.updated')).filter((e) => e.target_id === user.id);
      assert.deepEqual(updated.at(0)!.data.source, 'sso');
      // The earlier login token was ended with the role change; the new one works.
      const old = await call(server, 'GET', '/api/me', { bearer: (await signIn(new PlainBrowser(), server.url, 'main', 'alice')).token! });
      assert.equal(old.status, 200);
    });

    it('takes the highest mapped role, and the default role when no group maps to one', async () => {
      accounts.set('bob', { preferred_username: 'bob', groups: ['argilla-annotators', 'argilla-owners', 'argilla-admins'] });
      assert.equal((await me(server, (await signIn(new PlainBrowser(), server.url, 'main', 'bob')).token!)).role, 'owner');
      accounts.set('carol', { preferred_username: 'carol', groups: ['somewhere-else'] });
      const carol = await me(server, (await signIn(new PlainBrowser(), server.url, 'main', 'carol')).token!);
      assert.equal(carol.role, 'annotator');
      assert.deepEqual(carol.workspaces, []);
    });

    it('reads roles from a nested claim (realm_access.roles)', async () => {
      accounts.set('rita', { preferred_username: 'rita', realm_access: { roles: ['offline_access', 'argilla-admin'] } });
      assert.equal((await me(server, (await signIn(new PlainBrowser(), server.url, 'realm', 'rita')).token!)).role, 'admin');
    });

    it('refuses a person no group maps to a role when the provider has no default role, creating nothing', async () => {
      accounts.set('dave', { preferred_username: 'dave', groups: ['team-alpha'] });
      const landing = await signIn(new PlainBrowser(), server.url, 'strict', 'dave');
      assert.equal(landing.token, null);
      assert.equal(landing.error, 'Strict gives your account no role on this server (no group of yours is mapped to one): ask an administrator.');
      assert.deepEqual((await call(server, 'GET', '/api/users?q=dave', { key: server.adminKey })).body, []);
      const failed = (await events(server, 'auth.sso.failed')).find((e) => e.data.username === 'dave')!;
      assert.deepEqual({ provider: failed.data.provider, reason: failed.data.reason }, { provider: 'strict', reason: 'no_role' });
      // With a mapped group it goes through; workspaces that do not exist are skipped (not created).
      accounts.set('dave', { preferred_username: 'dave', groups: ['argilla-annotators', 'team-alpha'] });
      const user = await me(server, (await signIn(new PlainBrowser(), server.url, 'strict', 'dave')).token!);
      assert.equal(user.role, 'annotator');
      assert.deepEqual(user.workspaces, ['alpha']);
    });

    it('refuses a disabled user', async () => {
      accounts.set('erin', { preferred_username: 'erin', groups: [] });
      const user = await me(server, (await signIn(new PlainBrowser(), server.url, 'main', 'erin')).token!);
      await updateUser(server.database, SYSTEM, user.id, { disabled: true });
      const landing = await signIn(new PlainBrowser(), server.url, 'main', 'erin');
      assert.equal(landing.token, null);
      assert.equal(landing.error, "Your account 'erin' is disabled on this server: ask an administrator.");
      const failed = (await events(server, 'auth.sso.failed')).find((e) => e.target_id === user.id)!;
      assert.equal(failed.data.reason, 'user_disabled');
    });

    it('refuses to take over a local user of the same username unless the provider allows linking', async () => {
      const local = await makeUser(server, { username: 'frank' });
      accounts.set('frank-sub', { preferred_username: 'frank', groups: [] });
      const refused = await signIn(new PlainBrowser(), server.url, 'main', 'frank-sub');
      assert.equal(refused.token, null);
      assert.equal(
        refused.error,
        "An account named 'frank' already exists on this server and is not linked to Test company: an administrator must allow linking existing accounts, or rename one of them.",
      );
      assert.equal((await events(server, 'auth.sso.failed')).find((e) => e.data.username === 'frank')!.data.reason, 'username_taken');
      const linked = await me(server, (await signIn(new PlainBrowser(), server.url, 'linking', 'frank-sub')).token!);
      assert.equal(linked.id, local.id);
      // Its password still works (linking sets none), and the link holds for the other provider too.
      assert.equal(typeof (await loginToken(server, 'frank', local.password)), 'string');
      assert.equal((await me(server, (await signIn(new PlainBrowser(), server.url, 'main', 'frank-sub')).token!)).id, local.id);
      // Another subject claiming the same username is refused even where linking is allowed.
      accounts.set('frank-impostor', { preferred_username: 'frank', groups: [] });
      const impostor = await signIn(new PlainBrowser(), server.url, 'linking', 'frank-impostor');
      assert.equal(impostor.error, "The account 'frank' on this server belongs to another single sign-on identity: ask an administrator.");
    });

    it('refuses a username the claim cannot give', async () => {
      accounts.set('nameless', { preferred_username: '...', groups: [] });
      const landing = await signIn(new PlainBrowser(), server.url, 'main', 'nameless');
      assert.equal(landing.error, "Test company gave no usable username (its claim 'preferred_username' is missing, or has no letters or digits): ask an administrator.");
    });

    describe('tampering', () => {
      const expectRefused = async (landingError: string | null, reason: string, message: string | RegExp) => {
        assert.ok(landingError !== null, 'expected a refusal');
        if (typeof message === 'string') assert.equal(landingError, message);
        else assert.match(landingError, message);
        const failed = await events(server, 'auth.sso.failed');
        assert.ok(failed.some((e) => e.data.reason === reason), `no auth.sso.failed with reason ${reason}: ${JSON.stringify(failed.map((e) => e.data.reason))}`);
      };

      it('refuses a callback whose state is not the one started', async () => {
        accounts.set('mallory', { preferred_username: 'mallory', groups: ['argilla-owners'] });
        const browser = new PlainBrowser();
        const { callback } = await signInUntilCallback(browser, server.url, 'main', 'mallory');
        const forged = new URL(callback);
        forged.searchParams.set('state', 'not-the-state-that-was-started');
        const landing = await finishAt(browser, forged.href);
        await expectRefused(landing.error, 'state_mismatch', 'This sign-in could not be matched with the one you started: start again from the login page.');
        // Without the cookie (another browser) it is refused too.
        const elsewhere = await finishAt(new PlainBrowser(), callback);
        await expectRefused(elsewhere.error, 'no_sign_in_started', /^No sign-in was started from this browser/);
      });

      it('refuses a code used a second time', async () => {
        accounts.set('replay', { preferred_username: 'replay', groups: [] });
        const browser = new PlainBrowser();
        const { callback, sealed } = await signInUntilCallback(browser, server.url, 'main', 'replay');
        assert.notEqual((await finishAt(browser, callback)).token, null);
        browser.setCookie(server.url, 'argilla_sso', sealed!);
        const again = await finishAt(browser, callback);
        assert.equal(again.token, null);
        await expectRefused(again.error, 'code_rejected', /^The identity provider Test company did not accept this sign-in/);
      });

      it("refuses a code issued to another application (a token for another audience)", async () => {
        accounts.set('victim', { preferred_username: 'victim', groups: ['argilla-owners'] });
        const browser = new PlainBrowser();
        const { callback } = await signInUntilCallback(browser, server.url, 'main', 'victim', {
          toProvider: (url) => {
            url.searchParams.set('client_id', 'other-app');
            return url;
          },
        });
        const landing = await finishAt(browser, callback);
        assert.equal(landing.token, null);
        await expectRefused(landing.error, 'code_rejected', /issued to another application/);
      });

      it('refuses an answer from another provider than the one the sign-in started with (issuer mismatch)', async () => {
        const browser = new PlainBrowser();
        const { callback } = await signInUntilCallback(browser, server.url, 'main', 'victim', {
          toProvider: (url) => new URL(url.pathname + url.search, rogue.issuer),
        });
        assert.equal(new URL(callback).searchParams.get('iss'), rogue.issuer);
        const landing = await finishAt(browser, callback);
        assert.equal(landing.token, null);
        await expectRefused(landing.error, 'issuer_mismatch', 'The answer did not come from the identity provider Test company (unexpected issuer): start again from the login page.');
      });

      it('refuses an expired ID token (a provider whose clock is two hours behind)', async () => {
        const landing = await signIn(new PlainBrowser(), server.url, 'skewed', 'clocky');
        assert.equal(landing.token, null);
        await expectRefused(
          landing.error,
          'token_expired',
          'The identity provider Skewed clock sent a token that has expired or is not valid yet: check that the clocks of both servers are right, then try again.',
        );
      });

      it('sends an unknown provider back to the login page with a sentence', async () => {
        const reply = await new PlainBrowser().request(`${server.url}/api/oauth2/providers/nope/authorize`);
        assert.equal(reply.status, 302);
        assert.equal(new URLSearchParams(new URL(reply.location!).hash.split('?')[1]).get('sso_error'), "There is no single sign-on provider named 'nope' on this server.");
      });
    });

    it("refuses a sign-in that would demote the last enabled admin, keeping the rule", async () => {
      accounts.set('last', { preferred_username: 'last', groups: ['argilla-admins'] });
      const admin = await me(server, (await signIn(new PlainBrowser(), server.url, 'main', 'last')).token!);
      assert.equal(admin.role, 'admin');
      // Every other manager disabled: this one is the last.
      const managers = await call(server, 'GET', '/api/users?limit=500', { key: server.adminKey });
      const others = managers.body.filter((u: any) => (u.role === 'owner' || u.role === 'admin') && u.id !== admin.id && !u.disabled);
      const lastKey = (await call(server, 'POST', '/api/me/api-keys', { bearer: (await signIn(new PlainBrowser(), server.url, 'main', 'last')).token!, json: { name: 'k' } })).body.api_key;
      for (const other of others) await updateUser(server.database, SYSTEM, other.id, { disabled: true });
      accounts.set('last', { preferred_username: 'last', groups: ['argilla-annotators'] });
      const landing = await signIn(new PlainBrowser(), server.url, 'main', 'last');
      assert.equal(landing.token, null);
      assert.match(landing.error!, /^Test company no longer gives 'last' an admin role, but it is the last enabled admin of this server/);
      const still = await call(server, 'GET', '/api/me', { key: lastKey });
      assert.equal(still.body.role, 'admin');
      for (const other of others) await updateUser(server.database, SYSTEM, other.id, { disabled: false });
    });
  });

  describe(`password login turned off (${backend.name})`, () => {
    let server: TestServer;
    before(async () => {
      const sso = loadSsoConfig({ ARGILLA_PASSWORD_LOGIN: 'false', ARGILLA_PASSWORD_LOGIN_ALLOWED_USERS: 'argilla' });
      server = await startTestServer(backend, { sso });
    });
    after(() => server?.close());

    it('leaves only the break-glass admin a password login; API keys keep working', async () => {
      const other = await makeUser(server, { role: 'admin' });
      const refused = await call(server, 'POST', '/api/security/token', { json: { username: other.username, password: other.password } });
      assertProblem(refused, 403, 'password_login_disabled');
      assert.equal(refused.body.detail, 'Password login is turned off on this server: log in through single sign-on.');
      assert.equal(typeof (await loginToken(server, 'argilla', '1234')), 'string');
      assert.equal((await call(server, 'GET', '/api/me', { key: other.apiKey })).status, 200);
      const listed = await call(server, 'GET', '/api/oauth2/providers');
      assert.deepEqual(listed.body, { items: [], password_login: false });
    });
  });
}
