// The client's identity and current workspace: constructor defaults, init's workspace choice,
// whoami, setWorkspace (checked on the server at call time), the module-level functions, and
// several clients in one process.
import { after, afterEach, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  Argilla,
  defaultClient,
  getWorkspace,
  init,
  setWorkspace,
  UnauthorizedError,
  whoami,
  WorkspaceError,
} from '@argilla-ts/client';
import { backends, clientOf, makeUser, rejectsWith, startTestServer, uniqueName, userWithClient, type TestServer } from './support.js';

/** A fetch that records each request's method, URL and headers before sending it. */
function recordingFetch(): { fetch: typeof fetch; requests: Array<{ method: string; url: string; headers: Headers }> } {
  const requests: Array<{ method: string; url: string; headers: Headers }> = [];
  return {
    requests,
    fetch: async (input, init) => {
      requests.push({ method: init?.method ?? 'GET', url: String(input), headers: new Headers(init?.headers) });
      return fetch(input, init);
    },
  };
}

async function rejectsWorkspace(promise: Promise<unknown>, code: 'invalid_workspace_name' | 'workspace_not_accessible', name: string) {
  await assert.rejects(promise, (error: unknown) => {
    assert.ok(error instanceof WorkspaceError, String(error));
    assert.equal(error.code, code);
    assert.equal(error.workspace, name);
    assert.equal(error.name, 'WorkspaceError');
    return true;
  });
}

/** The stored user, read through a function so that assertions on it do not narrow later reads. */
const userOf = (client: Argilla) => client.user;

const INVALID_NAMES = ['user name', 'user/name', 'user.name', 'UserName', '_', '-', '-team', '_team', '', 'team\n', 'équipe'];

describe('client: defaults without a server', () => {
  const saved = { ...process.env };
  afterEach(() => {
    for (const key of ['ARGILLA_API_URL', 'ARGILLA_API_KEY', 'ARGILLA_WORKSPACE']) {
      if (saved[key] === undefined) delete process.env[key];
      else process.env[key] = saved[key];
    }
  });

  it('defaults to http://localhost:6900 and the key argilla.apikey', async () => {
    delete process.env.ARGILLA_API_URL;
    delete process.env.ARGILLA_API_KEY;
    delete process.env.ARGILLA_WORKSPACE;
    const seen: Array<{ url: string; headers: Headers }> = [];
    const client = new Argilla({
      fetch: async (input, init) => {
        seen.push({ url: String(input), headers: new Headers(init?.headers) });
        return new Response(JSON.stringify({ version: 'x' }), { headers: { 'content-type': 'application/json' } });
      },
    });
    assert.equal(client.apiUrl, 'http://localhost:6900');
    assert.equal(client.getWorkspace(), undefined);
    await client.request('GET /api/_info');
    assert.equal(seen[0]!.url, 'http://localhost:6900/api/_info');
    assert.equal(seen[0]!.headers.get('x-argilla-api-key'), 'argilla.apikey');
    assert.equal(seen[0]!.headers.get('authorization'), null);
    assert.equal(seen[0]!.headers.get('accept'), 'application/json');
  });

  it('reads ARGILLA_API_URL and ARGILLA_API_KEY; explicit options win; a trailing slash is dropped', async () => {
    process.env.ARGILLA_API_URL = 'http://example.invalid:1234/';
    process.env.ARGILLA_API_KEY = 'key-from-env';
    const seen: Headers[] = [];
    const fake: typeof fetch = async (_input, init) => {
      seen.push(new Headers(init?.headers));
      return new Response('{}', { headers: { 'content-type': 'application/json' } });
    };
    const fromEnv = new Argilla({ fetch: fake });
    assert.equal(fromEnv.apiUrl, 'http://example.invalid:1234');
    await fromEnv.request('GET /api/_info');
    assert.equal(seen[0]!.get('x-argilla-api-key'), 'key-from-env');
    const explicit = new Argilla({ apiUrl: 'http://other.invalid/prefix/', apiKey: 'explicit-key', fetch: fake, headers: { 'x-extra': 'yes' } });
    assert.equal(explicit.apiUrl, 'http://other.invalid/prefix');
    await explicit.request('GET /api/_info');
    assert.equal(seen[1]!.get('x-argilla-api-key'), 'explicit-key');
    assert.equal(seen[1]!.get('x-extra'), 'yes');
    const none = new Argilla({ apiKey: null, fetch: fake });
    await none.request('GET /api/_info');
    assert.equal(seen[2]!.get('x-argilla-api-key'), null);
    const withToken = new Argilla({ token: 'tok', fetch: fake });
    await withToken.request('GET /api/_info');
    assert.equal(seen[3]!.get('x-argilla-api-key'), null, 'a token replaces the default key');
    assert.equal(seen[3]!.get('authorization'), 'Bearer tok');
    const clash = new Argilla({ apiKey: 'the-key', fetch: fake, headers: { 'X-Argilla-Api-Key': 'from-headers', Accept: 'text/plain' } });
    await clash.request('GET /api/_info');
    assert.equal(seen[4]!.get('x-argilla-api-key'), 'the-key', "the client's credentials replace a header of the same name");
    assert.equal(seen[4]!.get('accept'), 'text/plain', 'other headers are the caller\'s to set');
  });
});

for (const backend of backends()) {
  describe(`client: init, whoami and workspaces (${backend.name})`, () => {
    let server: TestServer;
    before(async () => {
      server = await startTestServer(backend);
    });
    after(() => server.close());

    it('init checks the key, stores the user and picks the workspace named after the user', async () => {
      const client = clientOf(server);
      assert.equal(userOf(client), undefined);
      assert.equal(await client.init(), client, 'init resolves to the client');
      assert.equal(client.user?.username, 'argilla');
      assert.equal(client.user?.role, 'admin');
      assert.equal(client.user?.api_key, 'argilla.apikey', '/api/me echoes the key in use');
      assert.equal(client.getWorkspace(), 'argilla');
    });

    it("init picks the user's own workspace even when it is not the first", async () => {
      const username = uniqueName('own');
      const first = uniqueName('ws');
      const made = await makeUser(server, { username, workspaces: [first, username] });
      const client = await clientOf(server, { apiKey: made.apiKey }).init();
      assert.deepEqual(client.user?.workspaces, [first, username]);
      assert.equal(client.getWorkspace(), username);
    });

    it('init picks the first accessible workspace when none is named after the user', async () => {
      const [a, b] = [uniqueName('first'), uniqueName('second')];
      const { client } = await userWithClient(server, { workspaces: [a, b] });
      await client.init();
      assert.equal(client.getWorkspace(), a);
    });

    it('init leaves the workspace unset for a user without workspaces', async () => {
      const { client } = await userWithClient(server, { workspaces: [] });
      await client.init();
      assert.equal(client.getWorkspace(), undefined);
      assert.deepEqual(client.user?.workspaces, []);
    });

    it('init with a workspace: accepted when accessible, refused when not, invalid names refused before any request', async () => {
      const [mine, other] = [uniqueName('mine'), uniqueName('other')];
      await makeUser(server, { workspaces: [other] });
      const made = await makeUser(server, { workspaces: [uniqueName('ws'), mine] });
      const ok = await clientOf(server, { apiKey: made.apiKey, workspace: mine }).init();
      assert.equal(ok.getWorkspace(), mine);

      const refused = clientOf(server, { apiKey: made.apiKey, workspace: other });
      await rejectsWorkspace(refused.init(), 'workspace_not_accessible', other);
      assert.equal(refused.getWorkspace(), undefined);

      const admin = await clientOf(server, { workspace: other }).init();
      assert.equal(admin.getWorkspace(), other, 'an admin may work in any workspace');

      const recorder = recordingFetch();
      const invalid = clientOf(server, { workspace: 'Not Valid', fetch: recorder.fetch });
      await rejectsWorkspace(invalid.init(), 'invalid_workspace_name', 'Not Valid');
      assert.equal(recorder.requests.length, 0, 'no request for an invalid name');
    });

    it('init reads ARGILLA_WORKSPACE when no workspace is given', async () => {
      const name = uniqueName('env');
      const made = await makeUser(server, { workspaces: [uniqueName('ws'), name] });
      process.env.ARGILLA_WORKSPACE = name;
      try {
        const client = await clientOf(server, { apiKey: made.apiKey }).init();
        assert.equal(client.getWorkspace(), name);
      } finally {
        delete process.env.ARGILLA_WORKSPACE;
      }
    });

    it('init and whoami reject a wrong key with UnauthorizedError (401) carrying the problem', async () => {
      const client = clientOf(server, { apiKey: 'not-a-key' });
      const error = await rejectsWith(client.init(), UnauthorizedError, 401, 'unauthorized');
      assert.equal(error.method, 'GET');
      assert.equal(error.url, `${server.url}/api/me`);
      assert.equal(error.problem.title, 'Unauthorized');
      assert.equal(userOf(client), undefined);
      await rejectsWith(client.whoami(), UnauthorizedError, 401);
    });

    it('whoami answers fresh from the server and updates the stored user', async () => {
      const { made, client } = await userWithClient(server, { workspaces: [] });
      await client.init();
      assert.deepEqual(client.user?.workspaces, []);
      const added = uniqueName('later');
      await clientOf(server).createWorkspace(added);
      const ws = await clientOf(server).getWorkspaceByName(added);
      await clientOf(server).addWorkspaceMember(ws.id, made.id);
      const me = await client.whoami();
      assert.equal(me.username, made.username);
      assert.equal(me.api_key, made.apiKey);
      assert.deepEqual(me.workspaces, [added]);
      assert.deepEqual(client.user, me);
    });

    it('setWorkspace accepts a member workspace and sends it as X-Argilla-Workspace afterwards', async () => {
      const [a, b] = [uniqueName('a'), uniqueName('b')];
      const made = await makeUser(server, { workspaces: [a, b] });
      const recorder = recordingFetch();
      const client = await clientOf(server, { apiKey: made.apiKey, fetch: recorder.fetch }).init();
      assert.equal(client.getWorkspace(), a);
      assert.equal(await client.setWorkspace(b), b);
      assert.equal(client.getWorkspace(), b);
      await client.whoami();
      assert.equal(recorder.requests.at(-1)!.headers.get('x-argilla-workspace'), b);
    });

    it('setWorkspace refuses a workspace the annotator is not a member of, keeping the current one', async () => {
      const other = uniqueName('other');
      await clientOf(server).createWorkspace(other);
      const mine = uniqueName('mine');
      const { client } = await userWithClient(server, { workspaces: [mine] });
      await client.init();
      await rejectsWorkspace(client.setWorkspace(other), 'workspace_not_accessible', other);
      assert.equal(client.getWorkspace(), mine);
    });

    it('setWorkspace accepts for an admin a workspace it is not a member of', async () => {
      const other = uniqueName('other');
      await makeUser(server, { workspaces: [other] });
      const admin = await clientOf(server).init();
      assert.ok(!(await admin.listWorkspaceMembers((await admin.getWorkspaceByName(other)).id)).some((u) => u.username === 'argilla'));
      assert.equal(await admin.setWorkspace(other), other);
      assert.equal(admin.getWorkspace(), other);
    });

    it('setWorkspace refuses a workspace that does not exist, even for an admin', async () => {
      const admin = await clientOf(server).init();
      const missing = uniqueName('missing');
      await rejectsWorkspace(admin.setWorkspace(missing), 'workspace_not_accessible', missing);
      assert.equal(admin.getWorkspace(), 'argilla');
    });

    it('setWorkspace refuses names that break the naming rule, without a request', async () => {
      const recorder = recordingFetch();
      const admin = await clientOf(server, { fetch: recorder.fetch }).init();
      const sent = recorder.requests.length;
      for (const name of INVALID_NAMES) {
        await rejectsWorkspace(admin.setWorkspace(name), 'invalid_workspace_name', name);
      }
      assert.equal(recorder.requests.length, sent);
      assert.equal(admin.getWorkspace(), 'argilla');
    });

    it('setWorkspace checks the server at call time: a workspace created or joined after init is accepted, a left one refused', async () => {
      const { made, client } = await userWithClient(server, { workspaces: [uniqueName('start')] });
      await client.init();
      const later = uniqueName('later');
      await rejectsWorkspace(client.setWorkspace(later), 'workspace_not_accessible', later);
      const admin = clientOf(server);
      const workspace = await admin.createWorkspace(later);
      await admin.addWorkspaceMember(workspace.id, made.id);
      assert.equal(await client.setWorkspace(later), later);
      assert.equal(client.getWorkspace(), later);
      await admin.removeWorkspaceMember(workspace.id, made.id);
      await rejectsWorkspace(client.setWorkspace(later), 'workspace_not_accessible', later);

      const adminClient = await clientOf(server).init();
      const fresh = uniqueName('fresh');
      await admin.createWorkspace(fresh);
      assert.equal(await adminClient.setWorkspace(fresh), fresh, 'an admin sees a workspace created after its init');
    });

    it('setWorkspace works before init (it asks the server itself)', async () => {
      const client = clientOf(server);
      assert.equal(await client.setWorkspace('argilla'), 'argilla');
      assert.equal(client.user?.username, 'argilla');
    });

    it('overlapping setWorkspace calls: the last one made wins', async () => {
      const [a, b] = [uniqueName('a'), uniqueName('b')];
      const made = await makeUser(server, { workspaces: [a, b] });
      let calls = 0;
      // The first answer is held back until after the second one arrived.
      let releaseFirst: () => void = () => {};
      const held = new Promise<void>((resolve) => (releaseFirst = resolve));
      const client = clientOf(server, {
        apiKey: made.apiKey,
        fetch: async (input, init) => {
          const call = ++calls;
          const response = await fetch(input, init);
          if (call === 1) await held;
          return response;
        },
      });
      const first = client.setWorkspace(a);
      const second = client.setWorkspace(b);
      assert.equal(await second, b);
      releaseFirst();
      assert.equal(await first, a);
      assert.equal(client.getWorkspace(), b);
    });

    it('module-level init, whoami, getWorkspace, setWorkspace and defaultClient act on one default client', async () => {
      const team = uniqueName('team');
      const made = await makeUser(server, { workspaces: [team] });
      const client = await init({ apiUrl: server.url, apiKey: server.adminKey });
      assert.equal(defaultClient(), client);
      assert.equal(getWorkspace(), 'argilla');
      assert.equal((await whoami()).username, 'argilla');
      assert.equal(await setWorkspace(team), team);
      assert.equal(getWorkspace(), team);
      await rejectsWorkspace(setWorkspace('Bad Name'), 'invalid_workspace_name', 'Bad Name');
      assert.equal(getWorkspace(), team);

      const annotator = await init({ apiUrl: server.url, apiKey: made.apiKey, workspace: team });
      assert.notEqual(annotator, client);
      assert.equal(defaultClient(), annotator);
      assert.equal((await whoami()).username, made.username);
      assert.equal(getWorkspace(), team);
      await rejectsWorkspace(setWorkspace('argilla'), 'workspace_not_accessible', 'argilla');

      // A failed init leaves the previous default client in place.
      await rejectsWith(init({ apiUrl: server.url, apiKey: 'wrong-key' }), UnauthorizedError, 401);
      assert.equal(defaultClient(), annotator);
      await rejectsWorkspace(init({ apiUrl: server.url, apiKey: made.apiKey, workspace: 'argilla' }), 'workspace_not_accessible', 'argilla');
      assert.equal(defaultClient(), annotator);
      assert.equal(getWorkspace(), team);
    });

    it('two clients with different keys in one process stay independent', async () => {
      const [mine, theirs] = [uniqueName('mine'), uniqueName('theirs')];
      const made = await makeUser(server, { workspaces: [mine] });
      const recorder = recordingFetch();
      const admin = await clientOf(server, { fetch: recorder.fetch }).init();
      const annotator = await clientOf(server, { apiKey: made.apiKey, fetch: recorder.fetch }).init();
      await admin.createWorkspace(theirs);
      await admin.setWorkspace(theirs);

      assert.equal(admin.getWorkspace(), theirs);
      assert.equal(annotator.getWorkspace(), mine);
      assert.equal((await admin.whoami()).username, 'argilla');
      assert.equal((await annotator.whoami()).username, made.username);
      assert.equal(admin.user?.username, 'argilla');
      assert.equal(annotator.user?.username, made.username);

      const [fromAdmin, fromAnnotator] = await Promise.all([admin.listWorkspaces(), annotator.listWorkspaces()]);
      assert.ok(fromAdmin.items.some((w) => w.name === theirs));
      assert.deepEqual(fromAnnotator.items.map((w) => w.name), [mine]);

      const last = recorder.requests.slice(-2);
      const keys = new Set(last.map((r) => r.headers.get('x-argilla-api-key')));
      assert.deepEqual(keys, new Set([server.adminKey, made.apiKey]));
      const workspaces = new Set(last.map((r) => r.headers.get('x-argilla-workspace')));
      assert.deepEqual(workspaces, new Set([theirs, mine]));

      // A login on one client changes nothing on the other.
      await annotator.login(made.username, made.password);
      assert.equal(admin.token, undefined);
      assert.equal((await admin.whoami()).username, 'argilla');
      assert.equal(admin.getWorkspace(), theirs);
    });
  });
}
