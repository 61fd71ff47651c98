// The dataset permission table, cell by cell: every action against a dataset in workspace
// W, by an admin (member of W or not), an annotator member of W, an annotator who is not a member of
// W, and a caller without credentials. Allowed cells must do what they say; refused cells must
// answer the right problem and leave the database exactly as it was.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { backends } from '../helpers/databases.js';
import { call, makeUser, startTestServer, type Made, type Reply, type TestServer } from '../helpers/http.js';
import { assertProblem } from '../http/support.js';
import {
  annotateOk,
  annotationPath,
  annotationRows,
  countWhere,
  createWorkspace,
  datasetRow,
  dsPath,
  logRecords,
  newDataset,
  SENTIMENT,
  snapshot,
  uniqueName,
} from './support.js';

/** The dataset permission table, as data: 'yes' or the status an annotator gets. Admins: yes everywhere. */
type Cell = 'yes' | 403 | 404;
const PERMISSION_TABLE: Array<{ action: ActionName; admin: Cell; member: Cell; nonMember: Cell }> = [
  { action: 'list datasets', admin: 'yes', member: 'yes', nonMember: 404 },
  { action: 'read one', admin: 'yes', member: 'yes', nonMember: 404 },
  { action: 'read one (its settings)', admin: 'yes', member: 'yes', nonMember: 404 },
  { action: 'load its records', admin: 'yes', member: 'yes', nonMember: 404 },
  { action: 'create a dataset', admin: 'yes', member: 403, nonMember: 404 },
  { action: 'delete it', admin: 'yes', member: 403, nonMember: 404 },
  { action: 'change its settings', admin: 'yes', member: 403, nonMember: 404 },
  { action: 'log records', admin: 'yes', member: 'yes', nonMember: 404 },
  { action: 'annotate a record', admin: 'yes', member: 'yes', nonMember: 404 },
  { action: 'copy to another workspace', admin: 'yes', member: 403, nonMember: 404 },
];

type CallerKind = 'admin (member of W)' | 'admin (not a member of W)' | 'annotator (member of W)' | 'annotator (not a member of W)' | 'no credentials';
const CALLERS: Array<{ kind: CallerKind; column: 'admin' | 'member' | 'nonMember' | 'none' }> = [
  { kind: 'admin (member of W)', column: 'admin' },
  { kind: 'admin (not a member of W)', column: 'admin' },
  { kind: 'annotator (member of W)', column: 'member' },
  { kind: 'annotator (not a member of W)', column: 'nonMember' },
  { kind: 'no credentials', column: 'none' },
];

interface Fixture {
  server: TestServer;
  /** the workspace of the dataset */
  W: string;
  /** another workspace (the target of copies) */
  W2: string;
  /** a fresh dataset in W: settings pos/neg, records r1 (annotated 'pos' by the default admin) and r2 */
  dataset: string;
  datasetId: string;
  caller: Made | null;
  /** a fresh, unused dataset name */
  freshName: string;
  newSettings: { task: 'text_classification'; labels: string[]; multi_label: boolean };
}

interface Request {
  method: string;
  path: string;
  json?: unknown;
}

type ActionName =
  | 'list datasets'
  | 'read one'
  | 'read one (its settings)'
  | 'load its records'
  | 'create a dataset'
  | 'delete it'
  | 'change its settings'
  | 'log records'
  | 'annotate a record'
  | 'copy to another workspace';

interface Action {
  request(fx: Fixture): Request;
  /** what an allowed call must have answered and done */
  verify(fx: Fixture, reply: Reply): Promise<void>;
}

const ACTIONS: Record<ActionName, Action> = {
  'list datasets': {
    request: (fx) => ({ method: 'GET', path: dsPath(fx.W) }),
    async verify(fx, reply) {
      assert.ok(Array.isArray(reply.body), JSON.stringify(reply.body));
      const mine = reply.body.find((d: any) => d.name === fx.dataset);
      assert.ok(mine, `${fx.dataset} missing from ${JSON.stringify(reply.body.map((d: any) => d.name))}`);
      assert.equal(mine.workspace, fx.W);
      assert.equal(mine.records, 2);
      assert.equal(mine.annotated, 1);
      for (const d of reply.body) assert.equal(d.workspace, fx.W, 'a dataset of another workspace is listed');
    },
  },
  'read one': {
    request: (fx) => ({ method: 'GET', path: dsPath(fx.W, fx.dataset) }),
    async verify(fx, reply) {
      assert.equal(reply.body.id, fx.datasetId);
      assert.equal(reply.body.name, fx.dataset);
      assert.equal(reply.body.workspace, fx.W);
      assert.deepEqual(reply.body.settings, SENTIMENT);
    },
  },
  'read one (its settings)': {
    request: (fx) => ({ method: 'GET', path: dsPath(fx.W, fx.dataset, '/settings') }),
    async verify(_fx, reply) {
      assert.deepEqual(reply.body, SENTIMENT);
    },
  },
  'load its records': {
    request: (fx) => ({ method: 'GET', path: dsPath(fx.W, fx.dataset, '/records') }),
    async verify(_fx, reply) {
      assert.deepEqual(
        reply.body.items.map((r: any) => r.id),
        ['r1', 'r2'],
      );
      assert.deepEqual(reply.body.items[0].annotations.map((a: any) => [a.username, a.value]), [['argilla', { labels: ['pos'] }]]);
      assert.equal(reply.body.next_cursor, null);
    },
  },
  'create a dataset': {
    request: (fx) => ({ method: 'POST', path: dsPath(fx.W), json: { name: fx.freshName, settings: fx.newSettings } }),
    async verify(fx, reply) {
      assert.equal(reply.body.name, fx.freshName);
      assert.equal(reply.body.workspace, fx.W);
      assert.equal(reply.body.created_by, fx.caller!.username);
      const row = await datasetRow(fx.server, fx.W, fx.freshName);
      assert.ok(row, 'the dataset was not stored');
      assert.deepEqual(JSON.parse(row.settings), fx.newSettings);
    },
  },
  'delete it': {
    request: (fx) => ({ method: 'DELETE', path: dsPath(fx.W, fx.dataset) }),
    async verify(fx, reply) {
      assert.equal(reply.body.name, fx.dataset);
      assert.equal(await datasetRow(fx.server, fx.W, fx.dataset), undefined, 'the dataset is still stored');
      assert.equal(await countWhere(fx.server, 'records', fx.datasetId), 0);
      assert.equal(await countWhere(fx.server, 'annotations', fx.datasetId), 0);
    },
  },
  'change its settings': {
    request: (fx) => ({ method: 'PUT', path: dsPath(fx.W, fx.dataset, '/settings'), json: fx.newSettings }),
    async verify(fx, reply) {
      assert.deepEqual(reply.body, fx.newSettings);
      const row = await datasetRow(fx.server, fx.W, fx.dataset);
      assert.deepEqual(JSON.parse(row!.settings), fx.newSettings);
    },
  },
  'log records': {
    request: (fx) => ({
      method: 'POST',
      path: dsPath(fx.W, fx.dataset, '/records:bulk'),
      json: { records: [{ id: 'r3', fields: { text: 'logged' }, metadata: { by: 'caller' } }] },
    }),
    async verify(fx, reply) {
      assert.equal(reply.body.processed, 1, JSON.stringify(reply.body));
      assert.equal(reply.body.failed, 0, JSON.stringify(reply.body));
      assert.equal(await countWhere(fx.server, 'records', fx.datasetId), 3);
    },
  },
  'annotate a record': {
    request: (fx) => ({ method: 'PUT', path: annotationPath(fx.W, fx.dataset, 'r2'), json: { value: { labels: ['neg'] }, status: 'submitted' } }),
    async verify(fx, reply) {
      assert.equal(reply.body.id, 'r2');
      const rows = await annotationRows(fx.server, fx.datasetId, 'r2');
      assert.equal(rows.length, 1, JSON.stringify(rows));
      assert.equal(rows[0]!.user_id, fx.caller!.id, 'the annotation is not stored with the caller\'s user id');
      assert.equal(rows[0]!.username, fx.caller!.username);
      assert.deepEqual(JSON.parse(rows[0]!.value), { labels: ['neg'] });
    },
  },
  'copy to another workspace': {
    request: (fx) => ({ method: 'POST', path: dsPath(fx.W, `${fx.dataset}:copy`), json: { name: fx.freshName, target_workspace: fx.W2 } }),
    async verify(fx, reply) {
      assert.equal(reply.body.name, fx.freshName);
      assert.equal(reply.body.workspace, fx.W2);
      const copy = await datasetRow(fx.server, fx.W2, fx.freshName);
      assert.ok(copy, 'the copy was not stored');
      assert.equal(await countWhere(fx.server, 'records', copy.id), 2);
      assert.equal(await countWhere(fx.server, 'annotations', copy.id), 1);
      assert.equal(await countWhere(fx.server, 'records', fx.datasetId), 2, 'the source changed');
    },
  },
};

function send(server: TestServer, request: Request, credentials: { key?: string; bearer?: string }): Promise<Reply> {
  return call(server, request.method, request.path, { ...credentials, json: request.json });
}

for (const backend of backends()) {
  describe(`dataset permission table (${backend.name})`, () => {
    let server: TestServer;
    let W: string;
    let W2: string;
    const callers = new Map<CallerKind, Made | null>();

    before(async () => {
      server = await startTestServer(backend);
      W = (await createWorkspace(server, uniqueName('w'))).name;
      W2 = (await createWorkspace(server, uniqueName('w2'))).name;
      const elsewhere = (await createWorkspace(server, uniqueName('else'))).name;
      callers.set('admin (member of W)', await makeUser(server, { role: 'admin', workspaces: [W] }));
      callers.set('admin (not a member of W)', await makeUser(server, { role: 'admin', workspaces: [] }));
      // Members of the copy target too: membership there must not open the admin-only doors.
      callers.set('annotator (member of W)', await makeUser(server, { role: 'annotator', workspaces: [W, W2] }));
      // A member of other workspaces (the copy target included), just not of W.
      callers.set('annotator (not a member of W)', await makeUser(server, { role: 'annotator', workspaces: [W2, elsewhere] }));
      callers.set('no credentials', null);
    });
    after(() => server.close());

    async function fixture(caller: Made | null): Promise<Fixture> {
      const dataset = await newDataset(server, W, { settings: SENTIMENT });
      await logRecords(server, W, dataset.name, [
        { id: 'r1', fields: { text: 'good' } },
        { id: 'r2', fields: { text: 'bad' } },
      ]);
      await annotateOk(server, server.adminKey, W, dataset.name, 'r1', ['pos']);
      return {
        server,
        W,
        W2,
        dataset: dataset.name,
        datasetId: dataset.id,
        caller,
        freshName: uniqueName('new'),
        newSettings: { task: 'text_classification', labels: ['a', 'b', 'c'], multi_label: true },
      };
    }

    it('the test table covers every action of the table and every route', () => {
      assert.deepEqual(PERMISSION_TABLE.map((r) => r.action).sort(), Object.keys(ACTIONS).sort());
    });

    for (const row of PERMISSION_TABLE) {
      for (const { kind, column } of CALLERS) {
        const expected = column === 'none' ? 401 : row[column] === 'yes' ? 200 : row[column];
        it(`${row.action} as ${kind}: ${expected === 200 ? 'allowed' : expected}`, async () => {
          const caller = callers.get(kind)!;
          const fx = await fixture(caller);
          const request = ACTIONS[row.action].request(fx);
          if (expected === 200) {
            const reply = await send(server, request, { key: caller!.apiKey });
            assert.equal(reply.status, 200, `${row.action} as ${kind}: ${reply.status} ${JSON.stringify(reply.body)}`);
            assert.match(reply.headers.get('content-type') ?? '', /^application\/json/);
            await ACTIONS[row.action].verify(fx, reply);
            return;
          }
          const before = await snapshot(server);
          if (expected === 401) {
            for (const credentials of [{}, { key: 'argilla_not-a-key-000000000000000000000000' }, { bearer: 'not-a-token' }]) {
              assertProblem(await send(server, request, credentials), 401, 'unauthorized');
            }
          } else if (expected === 403) {
            const body = assertProblem(await send(server, request, { key: caller!.apiKey }), 403, 'forbidden');
            assert.ok(!/does not exist/.test(body.detail), body.detail);
            // the bearer form of the same key is refused the same way
            assertProblem(await send(server, request, { bearer: caller!.apiKey }), 403, 'forbidden');
          } else {
            const body = assertProblem(await send(server, request, { key: caller!.apiKey }), 404, 'workspace_not_found');
            assert.equal(body.params.name, W, JSON.stringify(body));
            assert.equal(body.params.type, 'Workspace', JSON.stringify(body));
            // Indistinguishable from a workspace that does not exist at all.
            const missing = uniqueName('missing');
            const unknown = assertProblem(
              await send(server, { ...request, path: request.path.replace(`workspace=${W}`, `workspace=${missing}`) }, { key: caller!.apiKey }),
              404,
              'workspace_not_found',
            );
            assert.equal(unknown.detail, body.detail.replace(W, missing));
          }
          assert.deepEqual(await snapshot(server), before, `${row.action} as ${kind} was refused but changed the database`);
        });
      }
    }
  });
}
