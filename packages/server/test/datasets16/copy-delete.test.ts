// rg.copy and rg.delete as the 1.6 Python client sends them: copy answers exactly 200 with
// {name, task} (here or into another workspace, records, annotations and predictions included),
// 409 when the name is taken in the target, 404 for a missing source or target; delete answers
// 200 with a JSON body.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { backends } from '../helpers/databases.js';
import { startTestServer, type TestServer } from '../helpers/http.js';
import { assertError16, createWorkspace, labels, rgLoad, rgLog, send, textRecord, uniqueName, type Session } from './support.js';

for (const backend of backends()) {
  describe(`1.6 client: rg.copy and rg.delete (${backend.name})`, () => {
    let server: TestServer;
    let s: Session;
    let target: Session;

    before(async () => {
      server = await startTestServer(backend);
      s = { server, key: server.adminKey, workspace: (await createWorkspace(server, uniqueName('team'))).name };
      target = { server, key: server.adminKey, workspace: (await createWorkspace(server, uniqueName('archive'))).name };
      const records = Array.from({ length: 30 }, (_, i) =>
        textRecord(i, `text ${i}`, { prediction: labels('m', ['pos', 0.7]), annotation: i % 3 ? null : labels('alice', ['pos', 1]) }),
      );
      assert.equal((await rgLog(s, 'reviews', 'TextClassification', records)).replies[0]!.status, 200);
    });
    after(() => server.close());

    it('copy in the same workspace: 200 {name, task, ...}, every record with its prediction and annotation', async () => {
      const reply = await send(s, 'PUT', '/api/datasets/reviews:copy', { tags: { team: 'x' }, metadata: { why: 'backup' }, name: 'reviews-copy', target_workspace: null });
      assert.equal(reply.status, 200);
      assert.deepEqual(reply.body, {
        id: `${s.workspace}.reviews-copy`,
        name: 'reviews-copy',
        task: 'TextClassification',
        owner: s.workspace,
        workspace: s.workspace,
        tags: { team: 'x' },
        metadata: { why: 'backup', source_workspace: s.workspace, copied_from: 'reviews' },
        created_at: reply.body.created_at,
        created_by: 'argilla',
        last_updated: reply.body.last_updated,
      });
      const original = await rgLoad(s, 'reviews');
      const copy = await rgLoad(s, 'reviews-copy');
      const strip = (r: any) => ({ ...r, last_updated: undefined });
      assert.deepEqual(copy.records.map(strip), original.records.map(strip));
    });

    it('copy to another workspace; then 409 when the name is taken there; 404 for a missing source or target', async () => {
      const reply = await send(s, 'PUT', '/api/datasets/reviews:copy', { tags: {}, metadata: {}, name: 'reviews', target_workspace: target.workspace });
      assert.equal(reply.status, 200);
      assert.deepEqual([reply.body.name, reply.body.task, reply.body.workspace], ['reviews', 'TextClassification', target.workspace]);
      assert.equal((await rgLoad(target, 'reviews')).records.length, 30);
      const taken = await send(s, 'PUT', '/api/datasets/reviews:copy', { tags: {}, metadata: {}, name: 'reviews', target_workspace: target.workspace });
      assert.deepEqual(assertError16(taken, 409, 'EntityAlreadyExistsError'), { type: 'Dataset', name: 'reviews', workspace: target.workspace });
      const missing = await send(s, 'PUT', '/api/datasets/nothing:copy', { tags: {}, metadata: {}, name: 'x', target_workspace: null });
      assert.deepEqual(assertError16(missing, 404, 'EntityNotFoundError'), { type: 'Dataset', name: 'nothing' });
      const noTarget = await send(s, 'PUT', '/api/datasets/reviews:copy', { tags: {}, metadata: {}, name: 'x', target_workspace: 'no-such-workspace' });
      assert.deepEqual(assertError16(noTarget, 404, 'EntityNotFoundError'), { type: 'Workspace', name: 'no-such-workspace' });
      assertError16(await send(s, 'PUT', '/api/datasets/reviews:copy', { tags: {}, metadata: {}, name: 'Not A Name' }), 422, 'ValidationError');
    });

    it('delete: 200 with a JSON body, records gone; the load then answers 404; a missing dataset answers 404', async () => {
      const reply = await send(s, 'DELETE', '/api/datasets/reviews-copy');
      assert.equal(reply.status, 200);
      assert.equal(reply.headers.get('content-type')?.startsWith('application/json'), true);
      assert.equal(reply.body.name, 'reviews-copy');
      assert.equal((await rgLoad(s, 'reviews-copy')).failure?.status, 404);
      assert.equal((await rgLoad(s, 'reviews-copy', { cached: true })).failure?.status, 404);
      const again = await send(s, 'DELETE', '/api/datasets/reviews-copy');
      assert.equal(again.status, 404);
      assert.equal(again.body.code, 'dataset_not_found');
      // the name is free again for a new first log
      assert.equal((await rgLog(s, 'reviews-copy', 'Text2Text', [{ id: 1, text: 'again', metadata: {}, status: 'Default' }])).replies[0]!.status, 200);
    });
  });
}
