// Runs the ```ts examples of packages/client/README.md, in order, against a fresh server, so the
// documentation cannot rot: each block is written to a temporary .mts file (the package import
// resolved to this build, http://localhost:6900 replaced by the test server's URL) and imported.
// Every `// → text` comment in a block is an output line the block must print, in that order.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { format } from 'node:util';
import { Argilla, getWorkspace } from '@argilla-ts/client';
import { backends, startTestServer, type TestServer } from './support.js';

const readmePath = fileURLToPath(new URL('../README.md', import.meta.url));
const readme = readFileSync(readmePath, 'utf8');

interface Block {
  /** the nearest heading above the block */
  title: string;
  code: string;
  /** the `// → ...` outputs, in order */
  expected: string[];
}

function tsBlocks(markdown: string): Block[] {
  const blocks: Block[] = [];
  let title = '';
  let code: string[] | null = null;
  for (const line of markdown.split('\n')) {
    if (code === null) {
      const heading = /^#+\s+(.*)$/.exec(line);
      if (heading) title = heading[1]!;
      if (/^```ts\s*$/.test(line)) code = [];
    } else if (/^```\s*$/.test(line)) {
      const text = code.join('\n');
      const expected = [...text.matchAll(/\/\/ → (.*)$/gm)].map((m) => m[1]!.trimEnd());
      blocks.push({ title, code: text, expected });
      code = null;
    } else {
      code.push(line);
    }
  }
  assert.equal(code, null, 'an unterminated ```ts block in the README');
  return blocks;
}

const blocks = tsBlocks(readme);
const packageUrl = import.meta.resolve('@argilla-ts/client');

describe('client: the README', () => {
  it('has the guide examples: create an admin and an annotator in a workspace, list and delete users, switch workspaces', () => {
    const code = blocks.map((b) => b.code).join('\n');
    assert.ok(blocks.length >= 7, `${blocks.length} ts blocks`);
    assert.match(code, /createUser\(\{[\s\S]*?role: 'admin'/);
    assert.match(code, /createUser\(\{[\s\S]*?workspaces: \['team'\]/);
    assert.match(code, /listUsers\(/);
    assert.match(code, /deleteUser\(/);
    assert.match(code, /init\(\{[^)]*workspace: 'team'/);
    assert.match(code, /setWorkspace\('argilla'\)/);
    assert.match(code, /login\(/);
    // The dataset guide: an admin creates a dataset with labels in a workspace, an annotator logs,
    // annotates and loads, an admin copies it to another workspace and deletes the original.
    assert.match(code, /createDataset\('reviews', \{\s*settings: \{[^}]*labels: \['pos', 'neg'\]/);
    assert.match(code, /ann\.log\(/);
    assert.match(code, /ann\.annotate\(/);
    assert.match(code, /ann\.load\(/);
    assert.match(code, /iterRecords\(/);
    assert.match(code, /rg\.copy\('reviews', 'reviews-2023', \{ workspace: 'argilla' \}\)/);
    assert.match(code, /rg\.delete\(/);
    for (const block of blocks) assert.match(block.code, /from '@argilla-ts\/client'/, `"${block.title}" imports the package`);
  });
});

// The examples create users with fixed names, so each backend gets a server of its own.
for (const backend of backends()) {
  describe(`client: the README examples run as written (${backend.name})`, () => {
    let server: TestServer;
    let dir: string;
    before(async () => {
      server = await startTestServer(backend);
      dir = mkdtempSync(join(tmpdir(), 'argilla-readme-'));
    });
    after(async () => {
      rmSync(dir, { recursive: true, force: true });
      await server.close();
    });

    it('every ```ts block, in order, prints what its comments say', async () => {
      const log = console.log;
      for (const [index, block] of blocks.entries()) {
        const source = block.code.replaceAll("'@argilla-ts/client'", JSON.stringify(packageUrl)).replaceAll('http://localhost:6900', server.url);
        const file = join(dir, `block-${backend.name}-${index + 1}.mts`);
        writeFileSync(file, source);
        const printed: string[] = [];
        console.log = (...args: unknown[]) => {
          printed.push(...format(...args).split('\n'));
        };
        try {
          await import(pathToFileURL(file).href);
        } catch (error) {
          throw new Error(`README block ${index + 1} ("${block.title}") failed: ${(error as Error).stack ?? error}`);
        } finally {
          console.log = log;
        }
        let at = 0;
        for (const expected of block.expected) {
          const found = printed.indexOf(expected, at);
          assert.ok(found >= 0, `README block ${index + 1} ("${block.title}") should print ${JSON.stringify(expected)}; it printed:\n${printed.join('\n')}`);
          at = found + 1;
        }
      }

      // What the examples did, seen from the server.
      const admin = new Argilla({ apiUrl: server.url, apiKey: server.adminKey });
      const users = await admin.listUsers();
      assert.deepEqual(users.items.map((u) => [u.username, u.role]), [
        ['argilla', 'admin'],
        ['john', 'admin'],
      ]);
      const john = await admin.getUserByUsername('john');
      assert.deepEqual(john.workspaces, ['team']);
      assert.equal(getWorkspace(), 'argilla', 'the default client is where the examples left it');

      // The datasets: the copy in 'argilla' with Ann's annotations (her username kept after her
      // deletion), the original deleted from 'team'.
      assert.deepEqual(await admin.listDatasets({ workspace: 'team' }), []);
      const [copy] = await admin.listDatasets({ workspace: 'argilla' });
      assert.equal(copy?.name, 'reviews-2023');
      assert.equal(copy?.records, 1204);
      assert.equal(copy?.annotated, 2);
      assert.deepEqual(copy?.settings, { task: 'text_classification', labels: ['pos', 'neg'], multi_label: false });
      const annotated = await admin.load('reviews-2023', { workspace: 'argilla', annotated: true });
      assert.deepEqual(
        annotated.map((r) => [r.id, r.annotations.map((a) => [a.username, a.user_id, a.value.labels])]),
        [
          ['r1', [['ann', null, ['pos']]]],
          ['r2', [['ann', null, ['neg']]]],
        ],
      );
    });
  });
}
