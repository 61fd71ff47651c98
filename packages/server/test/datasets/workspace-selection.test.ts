// How a dataset call names its workspace: the `workspace` query parameter, else
// the X-Argilla-Workspace header; neither is a 400 problem "A workspace must be provided"; an
// unknown workspace is a 404. Checked on every dataset route.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { backends } from '../helpers/databases.js';
import { call, startTestServer, type Reply, type TestServer } from '../helpers/http.js';
import { assertProblem } from '../http/support.js';
import { annotateOk, createWorkspace, datasetRow, logRecords, newDataset, SENTIMENT, snapshot, uniqueName, withQuery } from './support.js';

interface Route {
  name: string;
  method: string;
  /** the path without the workspace; `{d}` is the dataset */
  path: string;
  /** a fresh valid body (called once per request) */
  json?: () => unknown;
}

const ROUTES: Route[] = [
  { name: 'list datasets', method: 'GET', path: '/api/datasets' },
  { name: 'create a dataset', method: 'POST', path: '/api/datasets', json: () => ({ name: uniqueName('c') }) },
  { name: 'read a dataset', method: 'GET', path: '/api/datasets/{d}' },
  { name: 'delete a dataset', method: 'DELETE', path: '/api/datasets/{d}' },
  { name: 'read settings', method: 'GET', path: '/api/datasets/{d}/settings' },
  { name: 'change settings', method: 'PUT', path: '/api/datasets/{d}/settings', json: () => ({ task: 'text_classification', labels: ['x'], multi_label: false }) },
  { name: 'log records', method: 'POST', path: '/api/datasets/{d}/records:bulk', json: () => ({ records: [{ id: uniqueName('r'), fields: { t: 1 } }] }) },
  { name: 'load records', method: 'GET', path: '/api/datasets/{d}/records' },
  { name: 'annotate a record', method: 'PUT', path: '/api/datasets/{d}/records/r1/annotation', json: () => ({ value: { labels: ['pos'] }, status: 'submitted' }) },
  { name: 'copy a dataset', method: 'POST', path: '/api/datasets/{d}:copy', json: () => ({ name: uniqueName('cp') }) },
];

for (const backend of backends()) {
  describe(`dataset calls: choosing the workspace (${backend.name})`, () => {
    let server: TestServer;
    let A: string;
    let B: string;

    before(async () => {
      server = await startTestServer(backend);
      A = (await createWorkspace(server, uniqueName('a'))).name;
      B = (await createWorkspace(server, uniqueName('b'))).name;
    });
    after(() => server.close());

    /** A fresh dataset with the same name in A and in B, each with record r1. */
    async function twin(): Promise<string> {
      const name = uniqueName('d');
      for (const ws of [A, B]) {
        await newDataset(server, ws, { name, settings: SENTIMENT });
        await logRecords(server, ws, name, [{ id: 'r1', fields: { text: ws } }]);
      }
      return name;
    }

    function send(route: Route, dataset: string, query: Record<string, string | undefined>, headers: Record<string, string> = {}): Promise<Reply> {
      return call(server, route.method, withQuery(route.path.replace('{d}', dataset), query), {
        key: server.adminKey,
        json: route.json?.(),
        headers,
      });
    }

    for (const route of ROUTES) {
      it(`${route.name}: neither query nor header is a 400 "A workspace must be provided", nothing written`, async () => {
        const dataset = await twin();
        const before = await snapshot(server);
        for (const [query, headers] of [
          [{}, {}],
          [{ workspace: '' }, {}],
          [{}, { 'x-argilla-workspace': '' }],
        ] as const) {
          const body = assertProblem(await send(route, dataset, query, headers), 400, 'workspace_required');
          assert.match(body.detail, /^A workspace must be provided/);
        }
        assert.deepEqual(await snapshot(server), before);
      });

      it(`${route.name}: an unknown workspace is a 404 (query or header), nothing written`, async () => {
        const dataset = await twin();
        const missing = uniqueName('nowhere');
        const before = await snapshot(server);
        for (const reply of [await send(route, dataset, { workspace: missing }), await send(route, dataset, {}, { 'x-argilla-workspace': missing })]) {
          const body = assertProblem(reply, 404, 'workspace_not_found');
          assert.equal(body.params.name, missing);
        }
        assert.deepEqual(await snapshot(server), before);
      });

      it(`${route.name}: the X-Argilla-Workspace header alone works`, async () => {
        const dataset = await twin();
        const reply = await send(route, dataset, {}, { 'X-Argilla-Workspace': A });
        assert.equal(reply.status, 200, JSON.stringify(reply.body));
      });

      it(`${route.name}: ?workspace= wins over the header (an unknown one in the query is a 404 even with a good header)`, async () => {
        const dataset = await twin();
        const before = await snapshot(server);
        assertProblem(await send(route, dataset, { workspace: uniqueName('nowhere') }, { 'x-argilla-workspace': A }), 404, 'workspace_not_found');
        assert.deepEqual(await snapshot(server), before);
        const reply = await send(route, dataset, { workspace: A }, { 'x-argilla-workspace': uniqueName('nowhere') });
        assert.equal(reply.status, 200, JSON.stringify(reply.body));
      });
    }

    it('?workspace= wins over the header: the call acts on the query\'s workspace, not the header\'s', async () => {
      const dataset = await twin();
      // create: lands in A
      const created = await call(server, 'POST', withQuery('/api/datasets', { workspace: A }), {
        key: server.adminKey,
        json: { name: uniqueName('only-a') },
        headers: { 'x-argilla-workspace': B },
      });
      assert.equal(created.status, 200, JSON.stringify(created.body));
      assert.equal(created.body.workspace, A);
      assert.ok(await datasetRow(server, A, created.body.name));
      assert.equal(await datasetRow(server, B, created.body.name), undefined);

      // list: A's datasets
      const list = await call(server, 'GET', withQuery('/api/datasets', { workspace: A }), { key: server.adminKey, headers: { 'x-argilla-workspace': B } });
      assert.equal(list.status, 200);
      assert.ok(list.body.length > 0);
      assert.ok(list.body.every((d: any) => d.workspace === A), JSON.stringify(list.body));
      assert.ok(list.body.some((d: any) => d.name === created.body.name));

      // load: A's record (its text names the workspace)
      const load = await call(server, 'GET', withQuery(`/api/datasets/${dataset}/records`, { workspace: A }), {
        key: server.adminKey,
        headers: { 'x-argilla-workspace': B },
      });
      assert.equal(load.status, 200);
      assert.deepEqual(load.body.items.map((r: any) => r.fields.text), [A]);

      // annotate: A's record, not B's
      const annotated = await call(server, 'PUT', withQuery(`/api/datasets/${dataset}/records/r1/annotation`, { workspace: A }), {
        key: server.adminKey,
        json: { value: { labels: ['neg'] } },
        headers: { 'x-argilla-workspace': B },
      });
      assert.equal(annotated.status, 200, JSON.stringify(annotated.body));
      const a = await datasetRow(server, A, dataset);
      const b = await datasetRow(server, B, dataset);
      const rows = await server.database.db.selectFrom('annotations').select('dataset_id').where('dataset_id', 'in', [a!.id, b!.id]).execute();
      assert.deepEqual(
        rows.map((r) => r.dataset_id),
        [a!.id],
      );

      // delete: A's copy goes, B's stays
      const deleted = await call(server, 'DELETE', withQuery(`/api/datasets/${dataset}`, { workspace: A }), {
        key: server.adminKey,
        headers: { 'x-argilla-workspace': B },
      });
      assert.equal(deleted.status, 200);
      assert.equal(deleted.body.workspace, A);
      assert.equal(await datasetRow(server, A, dataset), undefined);
      assert.ok(await datasetRow(server, B, dataset));
    });

    it('the header alone selects the workspace: reads and writes go to it', async () => {
      const dataset = await twin();
      const load = await call(server, 'GET', `/api/datasets/${dataset}/records`, { key: server.adminKey, headers: { 'X-Argilla-Workspace': B } });
      assert.equal(load.status, 200);
      assert.deepEqual(load.body.items.map((r: any) => r.fields.text), [B]);
      const logged = await call(server, 'POST', `/api/datasets/${dataset}/records:bulk`, {
        key: server.adminKey,
        headers: { 'x-argilla-workspace': B },
        json: { records: [{ id: 'r2', fields: { text: 'two' } }] },
      });
      assert.equal(logged.status, 200, JSON.stringify(logged.body));
      await annotateOk(server, server.adminKey, B, dataset, 'r2', ['pos']);
      const b = await datasetRow(server, B, dataset);
      const a = await datasetRow(server, A, dataset);
      assert.equal(
        Number((await server.database.db.selectFrom('records').select((eb) => eb.fn.countAll().as('n')).where('dataset_id', '=', b!.id).executeTakeFirstOrThrow()).n),
        2,
      );
      assert.equal(
        Number((await server.database.db.selectFrom('records').select((eb) => eb.fn.countAll().as('n')).where('dataset_id', '=', a!.id).executeTakeFirstOrThrow()).n),
        1,
      );
    });
  });
}
