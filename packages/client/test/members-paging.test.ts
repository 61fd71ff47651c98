// The client's calls for a workspace's members, now that the server pages that list:
// listWorkspaceMembers still resolves to every member (past one page), listWorkspaceMembersPage
// answers one page with the total, iterWorkspaceMembers walks them page by page.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Argilla } from '@argilla-ts/client';
import { backends, clientOf, makeUser, startTestServer, uniqueName, type Made, type TestServer } from './support.js';

for (const backend of backends()) {
  describe(`client: workspace members, paged (${backend.name})`, () => {
    let server: TestServer;
    let admin: Argilla;
    let workspace: { id: string; name: string };
    let members: Made[];
    before(async () => {
      server = await startTestServer(backend);
      admin = clientOf(server, { apiKey: server.adminKey });
      workspace = await admin.createWorkspace(uniqueName('team'));
      members = [];
      for (let i = 0; i < 5; i++) members.push(await makeUser(server, { workspaces: [workspace.name] }));
    });
    after(() => server.close());

    it('listWorkspaceMembersPage answers one page with the total', async () => {
      const { items, total } = await admin.listWorkspaceMembersPage(workspace.id, { limit: 2, offset: 1 });
      assert.equal(total, 5);
      assert.deepEqual(items.map((u) => u.id), members.slice(1, 3).map((m) => m.id));
    });

    it('iterWorkspaceMembers walks every member, a page at a time, in the order they joined', async () => {
      const seen: string[] = [];
      for await (const user of admin.iterWorkspaceMembers(workspace.id, { pageSize: 2 })) seen.push(user.id);
      assert.deepEqual(seen, members.map((m) => m.id));
    });

    it('listWorkspaceMembers still resolves to every member', async () => {
      assert.deepEqual((await admin.listWorkspaceMembers(workspace.id)).map((u) => u.id), members.map((m) => m.id));
    });
  });
}
