// Argilla's 1.x Python client (1.9 to 1.29) replayed request by request: how it connects, and
// every user and workspace method it offers, with the headers it sends and the checks it makes on
// each answer. The client tests `status_code == 200` on its typed calls (a 201 or 204 is an error
// for it), never follows a redirect, parses users and workspaces with strict models, and from 1.13
// asks /api/me before each owner-only method, refusing unless the role says `owner`. The server's
// default user is made an owner here, as ARGILLA_DEFAULT_USER_ROLE=owner does.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { backends } from '../helpers/databases.js';
import { makeUser, type Made, type TestServer } from '../helpers/http.js';
import { dsPath, newDataset } from '../datasets/support.js';
import {
  array,
  assertTime,
  assertWorkspaceModel,
  CLIENT_ROLES,
  items,
  replay,
  send,
  startServerWithDefaultRole,
  UNKNOWN_ID,
  uniqueName,
  UUID,
  type Client,
  type Step,
} from './support.js';

/** A range of 1.x releases that behave alike here; the features below are decided from `minor`, its first. */
interface Version {
  label: string;
  minor: number;
}

// Every range between two changes of the client's behaviour, from the first release that checks
// the server's version.
const VERSIONS: Version[] = [
  { label: '1.9–1.10', minor: 9 },
  { label: '1.11', minor: 11 },
  { label: '1.12', minor: 12 },
  { label: '1.13', minor: 13 },
  { label: '1.14', minor: 14 },
  { label: '1.15', minor: 15 },
  { label: '1.16–1.22', minor: 16 },
  { label: '1.23–1.29', minor: 23 },
];

const feature = {
  /** up to 1.22 the API key is also sent as a bearer token */
  bearer: (v: Version) => v.minor <= 22,
  /** the user and workspace methods exist from 1.11 */
  methods: (v: Version) => v.minor >= 11,
  /** from 1.13 each owner-only method first asks /api/me */
  roleGate: (v: Version) => v.minor >= 13,
  /** from 1.13 workspaces are listed through /api/v1/me/workspaces ({items}) */
  v1WorkspaceList: (v: Version) => v.minor >= 13,
  /** ws.delete() and user.workspaces exist from 1.13 */
  v1Deletes: (v: Version) => v.minor >= 13,
  /** User.create sends `workspaces` from 1.14 */
  createWithWorkspaces: (v: Version) => v.minor >= 14,
  /** from 1.16 adding or removing a member first looks the user up in GET /api/users */
  memberLookup: (v: Version) => v.minor >= 16,
  /** rg.list_workspaces() exists from 1.15 */
  listWorkspaces: (v: Version) => v.minor >= 15,
};

const DEFAULT_USERNAME = 'argilla';
const DEFAULT_KEY = 'argilla.apikey';
const PASSWORD = 'a-good-password';

/**
 * The user model, with every field any 1.x generation requires: 1.11+ need a UUID id, a first
 * name, a known role, an api_key string and both times; 1.13–1.15 need `workspaces` as a list
 * (null crashes them), the others accept a list.
 */
function assertUserModel(body: any, expected: Record<string, unknown> = {}): void {
  const context = JSON.stringify(body);
  assert.equal(typeof body, 'object', context);
  assert.ok(body !== null && !Array.isArray(body), context);
  assert.match(body.id, UUID, context);
  assert.equal(typeof body.username, 'string', context);
  assert.equal(typeof body.first_name, 'string', context);
  assert.ok(CLIENT_ROLES.includes(body.role), context);
  assert.equal(typeof body.api_key, 'string', context);
  assert.ok(Array.isArray(body.workspaces), `workspaces must be a list: ${context}`);
  for (const name of body.workspaces) assert.equal(typeof name, 'string', context);
  assertTime(body.inserted_at, context);
  assertTime(body.updated_at, context);
  for (const [key, value] of Object.entries(expected)) assert.deepEqual(body[key], value, `${key} of ${context}`);
}

/** The headers a 1.x client sends with this key (and the workspace it chose, if any). */
function clientOf(v: Version, key: string, workspace?: string): Client {
  return { key, bearer: feature.bearer(v) ? key : undefined, workspace };
}

/**
 * `rg.init(api_key=key, workspace=workspace)`: the requests it makes and the checks that can make
 * it fail. Returns the steps and the headers the client sends afterwards.
 */
function initSteps(v: Version, username: string, key: string, workspace?: string): { steps: Step[]; client: Client } {
  const isDefault = username === DEFAULT_USERNAME;
  const steps: Step[] = [
    {
      why: 'init asks who the key belongs to',
      method: 'GET',
      path: '/api/me',
      status: 200,
      save: 'me',
      parse: (me) => {
        assertUserModel(me, { username });
        // Up to 1.11 the chosen workspace must be the username or one of the user's workspaces.
        if (v.minor <= 11 && workspace !== undefined && workspace !== username) assert.ok(me.workspaces.includes(workspace), `'${workspace}' not in me.workspaces`);
        // The default user is placed in its own workspace when it has one (1.12.1+ checks it).
        if (isDefault) assert.ok(me.workspaces.includes(DEFAULT_USERNAME), "the default user's workspaces lack 'argilla'");
      },
    },
  ];
  // From 1.12 a workspace is chosen only when given (or for the default user, its own).
  const chosen = v.minor <= 11 ? (workspace ?? username) : (workspace ?? (isDefault ? DEFAULT_USERNAME : undefined));
  if (v.minor >= 12 && v.minor <= 14 && chosen !== undefined) {
    steps.push(
      { why: 'set_workspace asks /api/me again', method: 'GET', path: '/api/me', status: 200, save: 'me2', parse: (me) => assertUserModel(me, { username }) },
      {
        why: 'set_workspace lists the workspaces and keeps those in me.workspaces',
        method: 'GET',
        path: '/api/workspaces',
        status: 200,
        parse: (body, saved) => {
          const listed = array(body);
          for (const w of listed) assertWorkspaceModel(w);
          const allowed = listed.filter((w) => saved.me2.workspaces.includes(w.name)).map((w) => w.name);
          assert.ok(allowed.includes(chosen), `'${chosen}' is not among ${JSON.stringify(allowed)}`);
        },
      },
    );
  }
  if (v.minor >= 15 && chosen !== undefined) {
    steps.push({
      why: "set_workspace checks the name against the caller's workspaces",
      method: 'GET',
      path: '/api/v1/me/workspaces',
      status: 200,
      parse: (body) => {
        const listed = items(body);
        for (const w of listed) assertWorkspaceModel(w);
        assert.ok(
          listed.some((w) => w.name === chosen),
          `'${chosen}' is not among ${JSON.stringify(listed.map((w) => w.name))}`,
        );
      },
    });
  }
  if (v.minor >= 9) {
    steps.push({
      why: "init compares the server's major.minor version with its own (a missing version crashes it)",
      method: 'GET',
      path: '/api/_info',
      status: 200,
      parse: (info) => {
        assert.equal(typeof info.version, 'string');
        assert.match(info.version, /^\d+\.\d+\.\d+$/, 'not a PEP 440 release version');
        assert.equal(info.version, '1.6.0');
        assert.equal(info.server_name, 'argilla-ts');
        assert.equal(typeof info.server_version, 'string');
        assert.ok(info.server_version.length > 0);
      },
    });
  }
  return { steps, client: clientOf(v, key, chosen) };
}

/** The /api/me call the role gate makes before a method, when the version has the gate. */
function gate(v: Version, allowed: string[] = ['owner']): Step[] {
  if (!feature.roleGate(v)) return [];
  return [
    {
      why: `the role gate asks /api/me and needs ${allowed.join(' or ')}`,
      method: 'GET',
      path: '/api/me',
      status: 200,
      parse: (me) => {
        assertUserModel(me);
        assert.ok(allowed.includes(me.role), `role ${me.role} would be refused by the client`);
      },
    },
  ];
}

interface NewUser {
  username: string;
  password: string;
  first_name?: string;
  last_name?: string;
  role?: string;
  workspaces?: string[];
}

/** The 1.x client's methods, each as the requests it makes; `status` is the answer expected. */
const py = {
  /** rg.User.create(...): the body drops unset values; first name defaults to the username */
  userCreate(v: Version, input: NewUser, status = 200, code?: string): Step[] {
    const json: Record<string, unknown> = {
      first_name: input.first_name ?? input.username,
      username: input.username,
      role: input.role ?? 'annotator',
      password: input.password,
    };
    if (input.last_name !== undefined) json.last_name = input.last_name;
    if (input.workspaces !== undefined && feature.createWithWorkspaces(v)) json.workspaces = input.workspaces;
    return [
      ...gate(v),
      {
        why: 'User.create',
        method: 'POST',
        path: '/api/users',
        json,
        status,
        code,
        save: 'user',
        parse: (user) => {
          if (status !== 200) return;
          assertUserModel(user, { username: input.username, first_name: json.first_name, role: json.role });
          for (const name of (json.workspaces as string[] | undefined) ?? []) assert.ok(user.workspaces.includes(name), `not in ${name}`);
        },
      },
    ];
  },

  /** rg.User.from_name / from_id / list: the whole list, searched by the client */
  userLookup(v: Version, what: string, find?: (u: any) => boolean, matches = 1): Step[] {
    return [
      ...gate(v),
      {
        why: what,
        method: 'GET',
        path: '/api/users',
        status: 200,
        save: 'users',
        parse: (body) => {
          const users = array(body);
          for (const u of users) assertUserModel(u);
          if (find) assert.equal(users.filter(find).length, matches, `${what}: ${matches} match(es) expected`);
        },
      },
    ];
  },

  /** user.delete(): the deleted user comes back */
  userDelete(v: Version, id: string, status = 200, code?: string): Step[] {
    return [
      ...gate(v),
      {
        why: 'user.delete',
        method: 'DELETE',
        path: `/api/users/${id}`,
        status,
        code,
        parse: (user) => {
          if (status === 200) assertUserModel(user, { id });
        },
      },
    ];
  },

  /** user.workspaces: an owner asks for the user's workspaces, anyone else gets its own */
  userWorkspaces(v: Version, callerRole: string, userId: string): Step[] {
    return [
      { why: 'user.workspaces asks who is calling', method: 'GET', path: '/api/me', status: 200, parse: (me) => assertUserModel(me, { role: callerRole }) },
      {
        why: 'user.workspaces lists them',
        method: 'GET',
        path: callerRole === 'owner' ? `/api/v1/users/${userId}/workspaces` : '/api/v1/me/workspaces',
        status: 200,
        save: 'workspaces',
        parse: (body) => items(body).forEach((w) => assertWorkspaceModel(w)),
      },
    ];
  },

  /** rg.Workspace.list() / from_name(): the old array route up to 1.12, the v1 one after */
  workspaceList(v: Version, present: string[] = [], absent: string[] = []): Step[] {
    return [
      {
        why: 'Workspace.list / from_name',
        method: 'GET',
        path: feature.v1WorkspaceList(v) ? '/api/v1/me/workspaces' : '/api/workspaces',
        status: 200,
        save: 'workspaces',
        parse: (body) => {
          const listed = feature.v1WorkspaceList(v) ? items(body) : array(body);
          for (const w of listed) assertWorkspaceModel(w);
          const names = listed.map((w) => w.name);
          for (const name of present) assert.ok(names.includes(name), `${name} missing from ${JSON.stringify(names)}`);
          for (const name of absent) assert.ok(!names.includes(name), `${name} should not be listed`);
        },
      },
    ];
  },

  workspaceCreate(v: Version, name: string, status = 200, code?: string): Step[] {
    return [
      ...gate(v),
      {
        why: 'Workspace.create',
        method: 'POST',
        path: '/api/workspaces',
        json: { name },
        status,
        code,
        save: 'workspace',
        parse: (w) => {
          if (status === 200) assertWorkspaceModel(w, name);
        },
      },
    ];
  },

  workspaceFromId(id: string, status = 200, code?: string): Step[] {
    return [
      {
        why: 'Workspace.from_id',
        method: 'GET',
        path: `/api/v1/workspaces/${id}`,
        status,
        code,
        parse: (w) => {
          if (status !== 200) return;
          assertWorkspaceModel(w);
          assert.equal(w.id, id);
        },
      },
    ];
  },

  /** ws.add_user / ws.delete_user: from 1.16 the user is looked up first (User.from_id) */
  member(v: Version, method: 'POST' | 'DELETE', workspaceId: string, userId: string, status = 200, code?: string): Step[] {
    // User.from_id, with its own role gate; an owner is never sent (the client only warns).
    const lookup = feature.memberLookup(v)
      ? py.userLookup(v, 'User.from_id finds the member', (u) => u.id === userId && u.role !== 'owner')
      : [];
    return [
      ...gate(v),
      ...lookup,
      {
        why: method === 'POST' ? 'ws.add_user (no body)' : 'ws.delete_user',
        method,
        path: `/api/workspaces/${workspaceId}/users/${userId}`,
        status,
        code,
        parse: (user) => {
          if (status === 200) assertUserModel(user, { id: userId });
        },
      },
    ];
  },

  /** ws.users: owners and admins pass the gate; a plain array of full users */
  workspaceUsers(v: Version, workspaceId: string, members: string[]): Step[] {
    return [
      ...gate(v, ['owner', 'admin']),
      {
        why: 'ws.users',
        method: 'GET',
        path: `/api/workspaces/${workspaceId}/users`,
        status: 200,
        parse: (body) => {
          const users = array(body);
          for (const u of users) assertUserModel(u);
          assert.deepEqual(users.map((u) => u.id).sort(), [...members].sort());
        },
      },
    ];
  },

  /** ws.delete() (1.13+): the deleted workspace comes back */
  workspaceDelete(v: Version, id: string, status = 200, code?: string): Step[] {
    return [
      ...gate(v),
      {
        why: 'ws.delete',
        method: 'DELETE',
        path: `/api/v1/workspaces/${id}`,
        status,
        code,
        parse: (w) => {
          if (status !== 200) return;
          assertWorkspaceModel(w);
          assert.equal(w.id, id);
        },
      },
    ];
  },
};

for (const backend of backends()) {
  describe(`Argilla 1.x clients (${backend.name})`, () => {
    let server: TestServer;
    before(async () => {
      server = await startServerWithDefaultRole(backend, 'owner');
    });
    after(() => server.close());

    /** The default user (an owner) connected with this client version, no workspace given. */
    async function connectOwner(v: Version): Promise<Client> {
      const { steps, client } = initSteps(v, DEFAULT_USERNAME, DEFAULT_KEY);
      await replay(server, clientOf(v, DEFAULT_KEY), steps);
      return client;
    }

    it('the default user is an owner, so the 1.13+ role gate lets it manage users and workspaces', async () => {
      const reply = await send(server, { key: DEFAULT_KEY }, 'GET', '/api/me');
      assert.equal(reply.status, 200);
      assertUserModel(reply.body, { username: DEFAULT_USERNAME, role: 'owner', api_key: DEFAULT_KEY });
    });

    it('a user with no working API key still carries api_key as a string (empty)', async () => {
      const owner = clientOf(VERSIONS.at(-1)!, DEFAULT_KEY);
      const made = await makeUser(server);
      const keys = await send(server, owner, 'GET', `/api/users/${made.id}/api-keys`);
      assert.equal(keys.status, 200, JSON.stringify(keys.body));
      for (const k of keys.body) assert.equal((await send(server, owner, 'DELETE', `/api/users/${made.id}/api-keys/${k.id}`)).status, 200);
      const { users } = await replay(server, owner, py.userLookup(VERSIONS.at(-1)!, 'User.from_id', (u) => u.id === made.id));
      assert.equal(users.find((u: any) => u.id === made.id).api_key, '');
    });

    for (const v of VERSIONS) {
      describe(`client ${v.label} (${feature.bearer(v) ? 'API key also sent as a bearer token' : 'API key header only'})`, () => {
        it('connects as the default user without naming a workspace', async () => {
          await connectOwner(v);
        });

        it('connects with a workspace, and the workspace header it then sends changes nothing on user routes', async () => {
          const owner = clientOf(v, DEFAULT_KEY);
          const workspace = uniqueName('ws');
          assert.equal((await send(server, owner, 'POST', '/api/workspaces', { name: workspace })).status, 200);
          const { steps, client } = initSteps(v, DEFAULT_USERNAME, DEFAULT_KEY, workspace);
          await replay(server, owner, steps);
          assert.equal(client.workspace, workspace);
          await replay(server, client, [
            { why: 'User.me', method: 'GET', path: '/api/me', status: 200, parse: (me) => assertUserModel(me, { role: 'owner' }) },
            ...(feature.methods(v) ? py.userLookup(v, 'User.list') : []),
          ]);
        });

        if (!feature.methods(v)) return;

        it('users: create (with workspaces from 1.14), find by name and by id, list, delete; 409 twice, 404 once gone', async () => {
          const client = await connectOwner(v);
          const username = uniqueName('u');
          const newWorkspace = uniqueName('nw');
          const { user } = await replay(server, client, py.userCreate(v, { username, password: PASSWORD, last_name: 'Last', workspaces: [newWorkspace] }));
          assert.equal(user.last_name, 'Last');
          if (feature.createWithWorkspaces(v)) {
            // A workspace named at creation that did not exist is created with the user.
            assert.deepEqual(user.workspaces, [newWorkspace]);
            await replay(server, client, py.workspaceList(v, [newWorkspace]));
          } else {
            assert.deepEqual(user.workspaces, []);
          }
          // The new user's key, returned in full this once, connects with the same client (up to
          // 1.11 its username, not a workspace, then goes in the workspace header: user routes ignore it).
          const connected = initSteps(v, username, user.api_key);
          await replay(server, clientOf(v, user.api_key), connected.steps);
          await replay(server, connected.client, [
            { why: 'User.me', method: 'GET', path: '/api/me', status: 200, parse: (me) => assertUserModel(me, { id: user.id, api_key: user.api_key }) },
          ]);
          await replay(server, client, [
            // a username the client's own checks let through but the server refuses (too long)
            ...py.userCreate(v, { username: 'a'.repeat(129), password: PASSWORD }, 422, 'validation_error'),
            ...py.userCreate(v, { username, password: PASSWORD }, 409, 'user_already_exists'),
            ...py.userLookup(v, 'User.from_name', (u) => u.username === username),
            ...py.userLookup(v, 'User.from_id', (u) => u.id === user.id),
            ...py.userLookup(v, 'User.list'),
            ...py.userDelete(v, user.id),
            ...py.userLookup(v, 'User.from_id no longer finds it', (u) => u.id === user.id, 0),
            ...py.userDelete(v, user.id, 404, 'user_not_found'),
          ]);
        });

        it('users: an annotator, an admin and an owner can be created with their roles', async () => {
          const client = await connectOwner(v);
          for (const role of CLIENT_ROLES) {
            const { user } = await replay(server, client, py.userCreate(v, { username: uniqueName(role.slice(0, 3)), password: PASSWORD, first_name: 'First', role }));
            assert.equal(user.role, role);
            assert.equal(user.first_name, 'First');
          }
        });

        it('workspaces: create, find by name and by id, list; 409 twice; 404 for an unknown id, 422 for a malformed one', async () => {
          const client = await connectOwner(v);
          const name = uniqueName('ws');
          const { workspace } = await replay(server, client, py.workspaceCreate(v, name));
          await replay(server, client, [
            ...py.workspaceCreate(v, name, 409, 'workspace_already_exists'),
            ...py.workspaceList(v, [name]),
            ...py.workspaceFromId(workspace.id),
            ...py.workspaceFromId(UNKNOWN_ID, 404, 'workspace_not_found'),
            ...py.workspaceFromId('not-a-uuid', 422, 'validation_error'),
          ]);
          if (feature.listWorkspaces(v)) {
            await replay(server, client, [
              {
                why: 'rg.list_workspaces',
                method: 'GET',
                path: '/api/v1/me/workspaces',
                status: 200,
                parse: (body) => assert.ok(items(body).some((w) => w.id === workspace.id)),
              },
            ]);
          }
        });

        it('members: add (a POST with no body), list, remove; 409 when added twice, 404 when removing a non-member', async () => {
          const client = await connectOwner(v);
          const { workspace } = await replay(server, client, py.workspaceCreate(v, uniqueName('ws')));
          const { user } = await replay(server, client, py.userCreate(v, { username: uniqueName('m'), password: PASSWORD }));
          const { user: other } = await replay(server, client, py.userCreate(v, { username: uniqueName('m'), password: PASSWORD }));
          await replay(server, client, [
            ...py.member(v, 'POST', workspace.id, user.id),
            ...py.member(v, 'POST', workspace.id, other.id),
            ...py.workspaceUsers(v, workspace.id, [user.id, other.id]),
            ...py.member(v, 'POST', workspace.id, user.id, 409, 'membership_already_exists'),
            ...py.member(v, 'DELETE', workspace.id, other.id),
            ...py.workspaceUsers(v, workspace.id, [user.id]),
            ...py.member(v, 'DELETE', workspace.id, other.id, 404, 'membership_not_found'),
          ]);
          // The member sees the workspace through its own connection.
          const { steps, client: memberClient } = initSteps(v, user.username, user.api_key, workspace.name);
          await replay(server, clientOf(v, user.api_key), steps);
          await replay(server, memberClient, [...py.workspaceList(v, [workspace.name]), ...py.workspaceFromId(workspace.id)]);
        });

        if (!feature.v1Deletes(v)) return;

        it('ws.delete: 409 while the workspace holds a dataset, then 200 with the workspace, then 404', async () => {
          const client = await connectOwner(v);
          const { workspace } = await replay(server, client, py.workspaceCreate(v, uniqueName('ws')));
          const dataset = await newDataset(server, workspace.name, { key: DEFAULT_KEY });
          await replay(server, client, py.workspaceDelete(v, workspace.id, 409, 'workspace_not_empty'));
          assert.equal((await send(server, client, 'DELETE', dsPath(workspace.name, dataset.name))).status, 200);
          await replay(server, client, [
            ...py.workspaceDelete(v, workspace.id),
            ...py.workspaceList(v, [], [workspace.name]),
            ...py.workspaceDelete(v, workspace.id, 404, 'workspace_not_found'),
            ...py.workspaceFromId(workspace.id, 404, 'workspace_not_found'),
          ]);
        });

        it("user.workspaces: an owner reads the user's own list; an annotator gets its memberships", async () => {
          const client = await connectOwner(v);
          const mine = uniqueName('ws');
          const { user } = await replay(server, client, py.userCreate(v, { username: uniqueName('u'), password: PASSWORD }));
          const { workspace } = await replay(server, client, py.workspaceCreate(v, mine));
          await replay(server, client, py.member(v, 'POST', workspace.id, user.id));
          const asOwner = await replay(server, client, py.userWorkspaces(v, 'owner', user.id));
          assert.deepEqual(
            asOwner.workspaces.items.map((w: any) => w.name),
            [mine],
          );
          const asAnnotator = await replay(server, clientOf(v, user.api_key), py.userWorkspaces(v, 'annotator', user.id));
          assert.deepEqual(
            asAnnotator.workspaces.items.map((w: any) => w.name),
            [mine],
          );
        });
      });
    }

    describe('other roles through a 1.x client', () => {
      let annotator: Made;
      let admin: Made;
      let member: { id: string; name: string };
      let outside: { id: string; name: string };
      before(async () => {
        const owner = { key: DEFAULT_KEY };
        member = (await send(server, owner, 'POST', '/api/workspaces', { name: uniqueName('ws') })).body;
        outside = (await send(server, owner, 'POST', '/api/workspaces', { name: uniqueName('ws') })).body;
        annotator = await makeUser(server, { role: 'annotator', workspaces: [member.name] });
        admin = await makeUser(server, { role: 'admin' });
      });

      for (const v of VERSIONS.filter(feature.methods)) {
        it(`${v.label}: an annotator connects to its workspace and sees only its memberships`, async () => {
          const { steps, client } = initSteps(v, annotator.username, annotator.apiKey, member.name);
          await replay(server, clientOf(v, annotator.apiKey), steps);
          await replay(server, client, [
            { why: 'User.me', method: 'GET', path: '/api/me', status: 200, parse: (me) => assertUserModel(me, { role: 'annotator', workspaces: [member.name] }) },
            ...py.workspaceList(v, [member.name], [outside.name, DEFAULT_USERNAME]),
            ...py.workspaceFromId(member.id),
            ...py.workspaceFromId(outside.id, 404, 'workspace_not_found'),
            ...(feature.v1Deletes(v) ? py.userWorkspaces(v, 'annotator', annotator.id) : []),
          ]);
        });

        it(`${v.label}: an admin is told its role is admin (so the 1.13+ gate allows it ws.users only)`, async () => {
          const { steps, client } = initSteps(v, admin.username, admin.apiKey);
          await replay(server, clientOf(v, admin.apiKey), steps);
          await replay(server, client, [
            { why: 'User.me', method: 'GET', path: '/api/me', status: 200, parse: (me) => assertUserModel(me, { role: 'admin' }) },
            ...py.workspaceUsers(v, member.id, [annotator.id]),
          ]);
        });
      }
    });
  });
}
