// Argilla's 2.x Python SDK (2.0 to 2.8) replayed request by request against the /api/v1 routes.
// The SDK sends only X-Argilla-Api-Key (plus, on a private Hugging Face Space, the Space's own
// bearer token), accepts any 2xx, never follows a redirect, reads lists from `{"items": [...]}`,
// sends its models' full dumps (null id and times included) when it creates something, and on
// 2.0–2.5 parses times with Python's datetime.fromisoformat.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { backends } from '../helpers/databases.js';
import { loginToken, makeUser, startTestServer, type Made, type TestServer } from '../helpers/http.js';
import { dsPath, newDataset } from '../datasets/support.js';
import {
  assertTime,
  assertV1User,
  assertWorkspaceModel,
  CLIENT_ROLES,
  items,
  replay,
  SDK_WORKSPACE_NAME,
  send,
  UNKNOWN_ID,
  uniqueName,
  UUID,
  type Client,
  type Step,
} from './support.js';

const PASSWORD = 'a-good-password';

/** The fields of a user the SDK keeps from a fetched one, which `update()` sends back as they are. */
const USER_MODEL_FIELDS = ['id', 'username', 'first_name', 'last_name', 'role', 'inserted_at', 'updated_at'];

interface NewUser {
  username: string;
  password: string;
  role?: string;
  first_name?: string;
  last_name?: string;
  id?: string;
}

/** `rg.User(...)`'s dump as `create()` sends it: unset values as nulls, first name defaulting to the username. */
function userDump(input: NewUser): Record<string, unknown> {
  return {
    id: input.id ?? null,
    inserted_at: null,
    updated_at: null,
    username: input.username,
    role: input.role ?? 'annotator',
    first_name: input.first_name ?? input.username,
    last_name: input.last_name ?? null,
    password: input.password,
  };
}

/** `rg.Workspace(name=...)`'s create body: the name alone up to 2.6, the full dump from 2.7. */
function workspaceBody(generation: '2.0-2.6' | '2.7+', name: string, id?: string): Record<string, unknown> {
  return generation === '2.0-2.6' ? { name } : { id: id ?? null, inserted_at: null, updated_at: null, name };
}

/** The SDK's calls, each as the requests it makes; `status` is the answer expected. */
const sdk = {
  /** Argilla(...) from 2.0.1, and `client.me` */
  connect(expected: Record<string, unknown> = {}): Step[] {
    return [{ why: 'connecting checks the credentials', method: 'GET', path: '/api/v1/me', status: 200, save: 'me', parse: (me) => assertV1User(me, expected) }];
  },

  /** client.users.list() / client.users("name"): the whole list, searched by the SDK */
  usersList(find?: (u: any) => boolean): Step[] {
    return [
      {
        why: find ? 'client.users("name") searches the list' : 'client.users.list()',
        method: 'GET',
        path: '/api/v1/users',
        status: 200,
        save: 'users',
        parse: (body) => {
          const users = items(body);
          for (const u of users) assertV1User(u);
          if (find) assert.equal(users.filter(find).length, 1, 'no single match');
        },
      },
    ];
  },

  userById(id: string, status = 200, code?: string): Step[] {
    return [
      {
        why: 'client.users(id=...)',
        method: 'GET',
        path: `/api/v1/users/${id}`,
        status,
        code,
        save: 'user',
        parse: (u) => {
          if (status === 200) assertV1User(u, { id });
        },
      },
    ];
  },

  userCreate(json: Record<string, unknown>, status = 201, code?: string): Step[] {
    return [
      {
        why: 'rg.User(...).create()',
        method: 'POST',
        path: '/api/v1/users',
        json,
        status,
        code,
        save: 'user',
        parse: (u) => {
          if (status !== 201) return;
          assertV1User(u, { username: json.username, role: json.role, first_name: json.first_name, last_name: json.last_name });
          if (json.id !== null) assert.equal(u.id, json.id);
        },
      },
    ];
  },

  userUpdate(id: string, json: Record<string, unknown>, status = 200, code?: string): Step[] {
    return [
      {
        why: 'user.update() sends the dump of the user it holds',
        method: 'PATCH',
        path: `/api/v1/users/${id}`,
        json,
        status,
        code,
        save: 'user',
        parse: (u) => {
          if (status === 200) assertV1User(u, { id });
        },
      },
    ];
  },

  userDelete(id: string, status = 200, code?: string): Step[] {
    return [
      {
        why: 'user.delete()',
        method: 'DELETE',
        path: `/api/v1/users/${id}`,
        status,
        code,
        parse: (u) => {
          if (status === 200) assertV1User(u, { id });
        },
      },
    ];
  },

  userWorkspaces(id: string, names: string[]): Step[] {
    return [
      {
        why: "the SDK's list_by_user_id",
        method: 'GET',
        path: `/api/v1/users/${id}/workspaces`,
        status: 200,
        parse: (body) => {
          const listed = items(body);
          for (const w of listed) assertWorkspaceModel(w);
          assert.deepEqual(listed.map((w) => w.name).sort(), [...names].sort());
        },
      },
    ];
  },

  /** client.workspaces.list() / client.workspaces("name") / .default */
  workspacesList(present: string[] = [], absent: string[] = []): Step[] {
    return [
      {
        why: 'client.workspaces.list()',
        method: 'GET',
        path: '/api/v1/me/workspaces',
        status: 200,
        save: 'workspaces',
        parse: (body) => {
          const listed = items(body);
          // The SDK's model refuses a workspace whose name it does not accept.
          for (const w of listed) assertWorkspaceModel(w);
          const names = listed.map((w) => w.name);
          for (const name of present) assert.ok(names.includes(name), `${name} missing from ${JSON.stringify(names)}`);
          for (const name of absent) assert.ok(!names.includes(name), `${name} should not be listed`);
        },
      },
    ];
  },

  workspaceById(id: string, status = 200, code?: string): Step[] {
    return [
      {
        why: 'client.workspaces(id=...)',
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

  workspaceCreate(json: Record<string, unknown>, status = 201, code?: string): Step[] {
    return [
      {
        why: 'rg.Workspace(name=...).create()',
        method: 'POST',
        path: '/api/v1/workspaces',
        json,
        status,
        code,
        save: 'workspace',
        parse: (w) => {
          if (status !== 201) return;
          assertWorkspaceModel(w, json.name as string);
          if (json.id) assert.equal(w.id, json.id);
        },
      },
    ];
  },

  workspaceDelete(id: string, status = 200, code?: string): Step[] {
    return [
      {
        why: 'ws.delete()',
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

  workspaceUsers(id: string, members: string[]): Step[] {
    return [
      {
        why: 'ws.users',
        method: 'GET',
        path: `/api/v1/workspaces/${id}/users`,
        status: 200,
        parse: (body) => {
          const users = items(body);
          for (const u of users) assertV1User(u);
          assert.deepEqual(users.map((u) => u.id).sort(), [...members].sort());
        },
      },
    ];
  },

  /** user.add_to_workspace(ws) / ws.add_user(user): the answer is parsed as a user */
  addMember(workspaceId: string, userId: string, status = 201, code?: string): Step[] {
    return [
      {
        why: 'user.add_to_workspace(ws)',
        method: 'POST',
        path: `/api/v1/workspaces/${workspaceId}/users`,
        json: { user_id: userId },
        status,
        code,
        parse: (u) => {
          if (status === 201) assertV1User(u, { id: userId });
        },
      },
    ];
  },

  removeMember(workspaceId: string, userId: string, status = 200, code?: string): Step[] {
    return [
      {
        why: 'user.remove_from_workspace(ws)',
        method: 'DELETE',
        path: `/api/v1/workspaces/${workspaceId}/users/${userId}`,
        status,
        code,
        parse: (u) => {
          if (status === 200) assertV1User(u, { id: userId });
        },
      },
    ];
  },

  /** ws.datasets: every dataset the caller sees, kept by the SDK when in this workspace */
  datasets(workspaceId: string, names: string[]): Step[] {
    return [
      {
        why: 'ws.datasets',
        method: 'GET',
        path: '/api/v1/me/datasets',
        status: 200,
        parse: (body) => {
          const listed = items(body);
          for (const d of listed) {
            const context = JSON.stringify(d);
            assert.match(d.id, UUID, context);
            assert.equal(typeof d.name, 'string', context);
            assert.match(d.workspace_id, UUID, context);
            assertTime(d.inserted_at, context);
            assertTime(d.updated_at, context);
          }
          assert.deepEqual(listed.filter((d) => d.workspace_id === workspaceId).map((d) => d.name).sort(), [...names].sort());
        },
      },
    ];
  },
};

for (const backend of backends()) {
  describe(`Argilla 2.x SDK (${backend.name})`, () => {
    let server: TestServer;
    let owner: Made;
    /** the SDK connected as an owner */
    let client: Client;
    before(async () => {
      server = await startTestServer(backend);
      owner = await makeUser(server, { role: 'owner' });
      client = { key: owner.apiKey };
    });
    after(() => server.close());

    /** a user made through the SDK; returns the server's object */
    async function newUser(input: Partial<NewUser> = {}): Promise<any> {
      const { user } = await replay(server, client, sdk.userCreate(userDump({ username: uniqueName('u'), password: PASSWORD, ...input })));
      return user;
    }

    async function newWorkspace(): Promise<any> {
      const { workspace } = await replay(server, client, sdk.workspaceCreate(workspaceBody('2.7+', uniqueName('ws'))));
      return workspace;
    }

    it('connecting (2.0.1+): GET /api/v1/me answers the caller; a wrong key is 401', async () => {
      const { me } = await replay(server, client, sdk.connect({ id: owner.id, username: owner.username, role: 'owner', first_name: 'Test', last_name: 'User' }));
      assert.ok(!('workspaces' in me) || Array.isArray(me.workspaces));
      await replay(server, { key: 'argilla.wrong-key' }, [{ why: 'bad credentials', method: 'GET', path: '/api/v1/me', status: 401, code: 'unauthorized' }]);
      await replay(server, {}, [{ why: 'no credentials', method: 'GET', path: '/api/v1/me', status: 401, code: 'unauthorized' }]);
    });

    it("a private Hugging Face Space: the Space's bearer token beside a valid API key is no obstacle", async () => {
      const hf = { key: owner.apiKey, bearer: 'hf_aBcDeFgHiJkLmNoPqRsTuVwXyZ012345' };
      await replay(server, hf, [
        ...sdk.connect({ id: owner.id }),
        ...sdk.workspaceCreate(workspaceBody('2.7+', uniqueName('ws'))),
        ...sdk.usersList((u) => u.id === owner.id),
      ]);
      // The key decides: the same garbage bearer with a wrong key, or alone, is 401.
      await replay(server, { ...hf, key: 'argilla.wrong-key' }, [{ why: 'bad key', method: 'GET', path: '/api/v1/me', status: 401, code: 'unauthorized' }]);
      await replay(server, { bearer: hf.bearer }, [{ why: 'bearer alone', method: 'GET', path: '/api/v1/me', status: 401, code: 'unauthorized' }]);
    });

    it('users: create from the dump with null id and times (201), list, find by name and by id; 404 for an unknown id', async () => {
      const username = uniqueName('u');
      const { user } = await replay(server, client, sdk.userCreate(userDump({ username, password: PASSWORD })));
      assert.equal(user.first_name, username);
      assert.equal(user.last_name, null);
      assert.equal(user.role, 'annotator');
      await replay(server, client, [
        ...sdk.usersList((u) => u.username === username),
        ...sdk.userById(user.id),
        ...sdk.userById(UNKNOWN_ID, 404, 'user_not_found'),
      ]);
      for (const role of CLIENT_ROLES) {
        const made = await newUser({ role, first_name: 'First', last_name: 'Last' });
        assert.equal(made.role, role);
        assert.equal(made.last_name, 'Last');
      }
    });

    it('users: 409 for a taken username, 422 for a password out of bounds', async () => {
      const taken = await newUser();
      await replay(server, client, [
        ...sdk.userCreate(userDump({ username: taken.username, password: PASSWORD }), 409, 'user_already_exists'),
        ...sdk.userCreate(userDump({ username: uniqueName('u'), password: 'short' }), 422, 'validation_error'),
        ...sdk.userCreate(userDump({ username: uniqueName('u'), password: 'x'.repeat(101) }), 422, 'validation_error'),
      ]);
    });

    it('users: a predefined id is kept; the same id again is 409', async () => {
      const id = randomUUID();
      const user = await newUser({ id });
      assert.equal(user.id, id);
      await replay(server, client, [
        ...sdk.userById(id),
        ...sdk.userCreate(userDump({ id, username: uniqueName('u'), password: PASSWORD }), 409, 'user_already_exists'),
      ]);
    });

    it('user.update (2.6+): PATCH with the full dump of a fetched user, times included, changes names, role and password', async () => {
      const created = await newUser({ first_name: 'Before' });
      const { user: fetched } = await replay(server, client, sdk.userById(created.id));
      const dump = Object.fromEntries(USER_MODEL_FIELDS.map((k) => [k, fetched[k]]));
      assert.equal(typeof dump.inserted_at, 'string');
      const { user } = await replay(server, client, sdk.userUpdate(created.id, { ...dump, first_name: 'After', last_name: 'Family', role: 'admin' }));
      assertV1User(user, { id: created.id, username: created.username, first_name: 'After', last_name: 'Family', role: 'admin', inserted_at: fetched.inserted_at });
      assert.ok(user.updated_at >= fetched.updated_at);
      // The SDK holds the answer and sends it back on the next update, with a new password.
      const next = Object.fromEntries(USER_MODEL_FIELDS.map((k) => [k, user[k]]));
      const { user: again } = await replay(server, client, sdk.userUpdate(created.id, { ...next, role: 'annotator', password: 'a-new-password' }));
      assertV1User(again, { role: 'annotator', first_name: 'After' });
      assert.equal(typeof (await loginToken(server, created.username, 'a-new-password')), 'string');
      // From 2.6 the SDK holds the times as datetimes and writes them back in pydantic's form (`Z`).
      const zulu = (t: string) => t.replace('+00:00', 'Z');
      await replay(server, client, [
        ...sdk.userById(created.id),
        ...sdk.userUpdate(created.id, { ...next, role: 'annotator', inserted_at: zulu(user.inserted_at), updated_at: zulu(user.updated_at) }),
      ]);
      // A last name set to null (as the SDK dumps an unset one) leaves the user without one.
      const { user: cleared } = await replay(server, client, sdk.userUpdate(created.id, { ...next, role: 'annotator', last_name: null }));
      assert.equal(cleared.last_name, null);
    });

    it('user.update: a different username is refused (422), and so is a null first name; 404 for an unknown id', async () => {
      const created = await newUser();
      const dump = Object.fromEntries(USER_MODEL_FIELDS.map((k) => [k, created[k]]));
      await replay(server, client, [
        ...sdk.userUpdate(created.id, { ...dump, username: uniqueName('renamed') }, 422, 'validation_error'),
        ...sdk.userUpdate(created.id, { ...dump, first_name: null }, 422, 'validation_error'),
        ...sdk.userUpdate(UNKNOWN_ID, { ...dump, id: UNKNOWN_ID }, 404, 'user_not_found'),
        ...sdk.userById(created.id),
      ]);
    });

    it('user.delete: 200 with the user, then 404', async () => {
      const created = await newUser();
      await replay(server, client, [
        ...sdk.userDelete(created.id),
        ...sdk.userById(created.id, 404, 'user_not_found'),
        ...sdk.userDelete(created.id, 404, 'user_not_found'),
      ]);
    });

    it('workspaces: create with the 2.0–2.6 body and the 2.7+ dump (201), find by id; 409 for a taken name or id; 404 unknown', async () => {
      const old = uniqueName('ws');
      const { workspace: first } = await replay(server, client, sdk.workspaceCreate(workspaceBody('2.0-2.6', old)));
      const id = randomUUID();
      const dumped = uniqueName('ws');
      const { workspace: second } = await replay(server, client, sdk.workspaceCreate(workspaceBody('2.7+', dumped, id)));
      assert.equal(second.id, id);
      await replay(server, client, [
        ...sdk.workspaceCreate(workspaceBody('2.7+', uniqueName('ws'))),
        ...sdk.workspacesList([old, dumped]),
        ...sdk.workspaceById(first.id),
        ...sdk.workspaceById(id),
        ...sdk.workspaceById(UNKNOWN_ID, 404, 'workspace_not_found'),
        ...sdk.workspaceCreate(workspaceBody('2.0-2.6', old), 409, 'workspace_already_exists'),
        ...sdk.workspaceCreate(workspaceBody('2.7+', uniqueName('ws'), id), 409, 'workspace_already_exists'),
      ]);
    });

    it('workspace names listed are all names the SDK accepts', async () => {
      const { workspaces } = await replay(server, client, sdk.workspacesList(['argilla']));
      for (const w of workspaces.items) assert.match(w.name, SDK_WORKSPACE_NAME);
    });

    it('members: add (201 with the user), list, remove (200 with the user); 409 twice, 422 for an unknown user, 404 once removed', async () => {
      const workspace = await newWorkspace();
      const user = await newUser();
      const other = await newUser();
      await replay(server, client, [
        ...sdk.addMember(workspace.id, user.id),
        // ws.add_user("name") looks the user up in the list first
        ...sdk.usersList((u) => u.username === other.username),
        ...sdk.addMember(workspace.id, other.id),
        ...sdk.workspaceUsers(workspace.id, [user.id, other.id]),
        ...sdk.addMember(workspace.id, user.id, 409, 'membership_already_exists'),
        ...sdk.addMember(workspace.id, UNKNOWN_ID, 422, 'validation_error'),
        ...sdk.removeMember(workspace.id, other.id),
        ...sdk.workspaceUsers(workspace.id, [user.id]),
        ...sdk.removeMember(workspace.id, other.id, 404, 'membership_not_found'),
        ...sdk.userWorkspaces(user.id, [workspace.name]),
        ...sdk.userWorkspaces(other.id, []),
      ]);
    });

    it('ws.delete: 409 while the workspace holds a dataset, then 200 with the workspace, then 404', async () => {
      const workspace = await newWorkspace();
      const dataset = await newDataset(server, workspace.name, { key: owner.apiKey });
      await replay(server, client, [...sdk.datasets(workspace.id, [dataset.name]), ...sdk.workspaceDelete(workspace.id, 409, 'workspace_not_empty')]);
      assert.equal((await send(server, client, 'DELETE', dsPath(workspace.name, dataset.name))).status, 200);
      await replay(server, client, [
        ...sdk.datasets(workspace.id, []),
        ...sdk.workspaceDelete(workspace.id),
        ...sdk.workspacesList([], [workspace.name]),
        ...sdk.workspaceDelete(workspace.id, 404, 'workspace_not_found'),
      ]);
    });

    it('the default user, created without a first name, has its username as one', async () => {
      const { users } = await replay(server, client, sdk.usersList((u) => u.username === 'argilla'));
      const argilla = users.items.find((u: any) => u.username === 'argilla');
      assert.equal(argilla.first_name, 'argilla');
      await replay(server, client, sdk.userById(argilla.id));
    });

    describe('an annotator through the SDK', () => {
      let annotator: Made;
      let member: any;
      let outside: any;
      let memberDataset: any;
      let outsideDataset: any;
      before(async () => {
        member = await newWorkspace();
        outside = await newWorkspace();
        annotator = await makeUser(server, { workspaces: [member.name] });
        memberDataset = await newDataset(server, member.name, { key: owner.apiKey });
        outsideDataset = await newDataset(server, outside.name, { key: owner.apiKey });
      });

      it('sees itself, its workspaces and their datasets only', async () => {
        await replay(server, { key: annotator.apiKey }, [
          ...sdk.connect({ id: annotator.id, role: 'annotator' }),
          ...sdk.workspacesList([member.name], [outside.name, 'argilla']),
          ...sdk.workspaceById(member.id),
          ...sdk.workspaceById(outside.id, 404, 'workspace_not_found'),
          ...sdk.datasets(member.id, [memberDataset.name]),
          ...sdk.datasets(outside.id, []),
        ]);
        assert.ok(outsideDataset.name);
      });
    });
  });
}
