// The YAML of `argilla users migrate`: anchors, aliases and merge keys (`<<: *defaults`) are
// resolved as YAML defines them; a tag other than YAML's plain ones (`!!js/function`, `!custom`,
// `!!binary`...) is refused naming its line; aliases that expand far beyond what the file holds
// ("billion laughs") are refused at once; every refusal exits 1 and writes nothing. The file is read
// an entry at a time, so anchors must work across the whole file, however long.
import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { fileWith, inspect, migrated } from './support.js';
import { LIMITS } from '../../src/domain/limits.js';
import { parseUsersFile } from '../../src/tasks/usersFile.js';
import { backends } from '../helpers/databases.js';
import { runCli, type CliResult } from '../helpers/cli.js';
import { digestSecret } from '../../src/lib/secrets.js';

const root = process.env.ARGILLA_TEST_ROOT ?? join(import.meta.dirname, '..', '..', '..', '..');
const GUIDE_FILE = join(root, 'packages', 'server', 'test', 'fixtures', 'seed-users.yaml');
const HASH = '$2y$05$xtl7iy3bpqchUwiQMjEHe.tY7OaIjDrg43W3TB4EHQ7izvdjvGtPS';

/** Exit 1, one `Error:` line matching `message`, no stack trace, nothing claiming success. */
function assertRefused(result: CliResult, message: RegExp, what: string): void {
  assert.equal(result.code, 1, `${what}: ${result.stdout}${result.stderr}`);
  assert.match(result.stderr, message, what);
  assert.match(result.stderr, /^Error: /, what);
  assert.doesNotMatch(result.stderr, /\n\s+at /, `${what}: no stack trace`);
  assert.doesNotMatch(result.stdout, /successfully/, what);
}

const ANCHORS = `# one entry's fields reused by the others
- &defaults
  username: first
  full_name: First User
  hashed_password: &hash ${HASH}
  workspaces: &teams [argilla, team]
  disabled: false
- <<: *defaults
  username: second
  full_name: Second User
  api_key: second-key-123
- username: third
  hashed_password: *hash
  workspaces: *teams
  api_key: !!str 12345678
- <<: [{ email: fourth@example.com, disabled: true }, *defaults]
  username: fourth
  full_name: !!str Fourth
`;

describe('parsing the users file (no database)', () => {
  it('resolves anchors, aliases and merge keys; explicit keys win over merged ones', () => {
    const entries = parseUsersFile(ANCHORS);
    assert.deepEqual(
      entries,
      [
        { position: 1, line: 2, username: 'first', full_name: 'First User', hashed_password: HASH, workspaces: ['argilla', 'team'], disabled: false },
        {
          position: 2,
          line: 8,
          username: 'second',
          full_name: 'Second User',
          hashed_password: HASH,
          workspaces: ['argilla', 'team'],
          disabled: false,
          api_key: 'second-key-123',
        },
        { position: 3, line: 12, username: 'third', hashed_password: HASH, workspaces: ['argilla', 'team'], api_key: '12345678' },
        {
          position: 4,
          line: 16,
          username: 'fourth',
          full_name: 'Fourth',
          email: 'fourth@example.com',
          hashed_password: HASH,
          workspaces: ['argilla', 'team'],
          disabled: true,
        },
      ],
    );
  });

  it('keeps anchors across a long file (read an entry at a time) and the lines of late entries', () => {
    const count = 3000;
    let text = `- username: u-0\n  hashed_password: &h ${HASH}\n  workspaces: &w [shared]\n`;
    for (let i = 1; i < count; i++) text += `- username: u-${i}\n  hashed_password: *h\n  workspaces: *w\n`;
    const entries = parseUsersFile(text);
    assert.equal(entries.length, count);
    const last = entries.at(-1)!;
    assert.deepEqual(last, { position: count, line: 3 * (count - 1) + 1, username: `u-${count - 1}`, hashed_password: HASH, workspaces: ['shared'] });
    // An error late in the file names its entry and line.
    const bad = `${text}- username: late\n  hashed_password: [not, text]\n`;
    assert.throws(() => parseUsersFile(bad), new RegExp(`entry ${count + 1} \\(line ${3 * count + 1}\\), username 'late': hashed_password: must be text`));
  });

  it('an alias of an anchor defined later, or never, names its line', () => {
    assert.throws(() => parseUsersFile(`- username: a\n  hashed_password: *later\n- username: b\n  hashed_password: &later ${HASH}\n`), /line 2: .*\*later.*no anchor/);
    assert.throws(() => parseUsersFile(`- username: a\n  hashed_password: ${HASH}\n  full_name: *nowhere\n`), /line 3: .*\*nowhere/);
  });

  it('a merge key whose value is not a mapping is refused naming its line', () => {
    assert.throws(() => parseUsersFile(`- username: a\n  hashed_password: &h ${HASH}\n- <<: *h\n  username: b\n`), /line 3: .*<<.*mapping/);
  });

  it('unknown tags are refused naming the tag and its line, in values, keys, lists and entries', () => {
    const cases: Array<[string, RegExp]> = [
      [`- username: a\n  hashed_password: ${HASH}\n  full_name: !!js/function 'function () { return 1 }'\n`, /line 3: unknown tag '!!js\/function'/],
      [`- username: a\n  hashed_password: ${HASH}\n  full_name: !custom Alice\n`, /line 3: unknown tag '!custom'/],
      [`- username: a\n  hashed_password: ${HASH}\n  workspaces: [ok, !custom x]\n`, /line 3: unknown tag '!custom'/],
      [`- username: a\n  hashed_password: ${HASH}\n  !custom full_name: Alice\n`, /line 3: unknown tag '!custom'/],
      [`- !custom\n  username: a\n  hashed_password: ${HASH}\n`, /line 1: unknown tag '!custom'/],
      [`- username: a\n  hashed_password: ${HASH}\n  full_name: !!binary aGVsbG8=\n`, /line 3: unknown tag '!!binary'/],
      [`- username: a\n  hashed_password: ${HASH}\n  workspaces: !!set { a, b }\n`, /line 3: unknown tag '!!set'/],
      [`- username: a\n  hashed_password: ${HASH}\n  email: !<tag:example.com,2024:mail> a@b.c\n`, /line 3: unknown tag '!<tag:example.com,2024:mail>'/],
    ];
    for (const [text, message] of cases) assert.throws(() => parseUsersFile(text), message, text);
  });

  it("YAML's own tags for plain values are accepted", () => {
    const [entry] = parseUsersFile(`- !!map\n  username: !!str a\n  hashed_password: ! ${HASH}\n  workspaces: !!seq [ !!str w ]\n  disabled: !!bool false\n`);
    assert.deepEqual(entry, { position: 1, line: 1, username: 'a', hashed_password: HASH, workspaces: ['w'], disabled: false });
  });

  it('a "billion laughs" file is refused at once, naming the limit', () => {
    const levels = ['&l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]'];
    for (let i = 1; i <= 9; i++) levels.push(`&l${i} [${Array(10).fill(`*l${i - 1}`).join(', ')}]`);
    const text = `- username: laughs\n  hashed_password: ${HASH}\n${levels.map((level, i) => `  x${i}: ${level}\n`).join('')}`;
    assert.throws(() => parseUsersFile(text), (error: Error) => {
      assert.match(error.message, /line \d+: aliases repeat more than .* values/);
      assert.match(error.message, new RegExp(String(LIMITS.users_file_alias_ratio_max)));
      return true;
    });
  });

  it('a file holding several YAML documents is refused', () => {
    assert.throws(() => parseUsersFile(`- username: a\n  hashed_password: ${HASH}\n---\n- username: b\n  hashed_password: ${HASH}\n`), /line 3: .*one YAML document/);
  });

  it('duplicate keys and syntax errors still name their line', () => {
    assert.throws(() => parseUsersFile(`- username: a\n  username: b\n  hashed_password: ${HASH}\n`), /not valid YAML at line 2/);
    assert.throws(() => parseUsersFile('- username: [unclosed\n'), /not valid YAML at line \d/);
  });
});

for (const backend of backends()) {
  describe(`users migrate with anchors, tags and aliases (${backend.name})`, () => {
    let db: Awaited<ReturnType<typeof migrated>>;
    before(async () => {
      db = await migrated(backend);
    });

    it('imports anchors, aliases and merge keys with the merged fields applied', async () => {
      const result = await runCli(['users', 'migrate', '--file', fileWith(ANCHORS)], db.env);
      assert.equal(result.code, 0, result.stderr);
      const state = await inspect(db.target);
      assert.deepEqual(state.users.map((u) => u.username), ['first', 'second', 'third', 'fourth']);
      const second = state.byName.get('second')!;
      assert.equal(second.first_name, 'Second User');
      assert.equal(second.password_hash, HASH, 'the merged hashed_password');
      assert.equal(second.role, 'annotator', 'the merged workspaces make an annotator');
      assert.equal(second.disabled, 0);
      assert.deepEqual([...state.workspacesOf('second')].sort(), ['argilla', 'second', 'team']);
      const fourth = state.byName.get('fourth')!;
      assert.equal(fourth.email, 'fourth@example.com');
      assert.equal(fourth.disabled, 1, 'the first merged mapping wins over the later one');
      assert.equal(fourth.first_name, 'Fourth');
      assert.deepEqual([...state.workspacesOf('third')].sort(), ['argilla', 'team', 'third']);
      const owners = new Map(state.keys.map((k) => [k.digest, k.user_id]));
      assert.equal(owners.get(digestSecret('12345678')), state.byName.get('third')!.id);
      assert.equal(owners.get(digestSecret('second-key-123')), second.id);
    });

    it("takes role: owner (Argilla's later clients need it), and refuses a role that does not exist naming it", async () => {
      const owner = ['- username: yaml-owner', '  full_name: Yaml Owner', `  hashed_password: ${HASH}`, '  role: owner', '  workspaces: [team]', ''].join('\n');
      const result = await runCli(['users', 'migrate', '--file', fileWith(owner)], db.env);
      assert.equal(result.code, 0, result.stderr);
      const state = await inspect(db.target);
      assert.equal(state.byName.get('yaml-owner')!.role, 'owner');
      assert.deepEqual([...state.workspacesOf('yaml-owner')].sort(), ['team', 'yaml-owner']);
      const bad = owner.replace('yaml-owner', 'yaml-root').replace('Yaml Owner', 'Root').replace('role: owner', 'role: root');
      assertRefused(await runCli(['users', 'migrate', '--file', fileWith(bad)], db.env), /role.*must be 'owner', 'admin' or 'annotator'/, 'role: root');
      assert.equal((await inspect(db.target)).byName.get('yaml-root'), undefined);
    });

    it('refuses !!js/function and !custom tags: exit 1, the line and tag named, nothing written', async () => {
      const fresh = await migrated(backend);
      const cases: Array<[string, RegExp]> = [
        [`- username: ok\n  hashed_password: ${HASH}\n- username: evil\n  hashed_password: ${HASH}\n  full_name: !!js/function 'function () {}'\n`, /line 5: unknown tag '!!js\/function'/],
        [`- username: ok\n  hashed_password: ${HASH}\n- username: custom\n  hashed_password: !custom ${HASH}\n`, /line 4: unknown tag '!custom'/],
      ];
      for (const [text, message] of cases) {
        assertRefused(await runCli(['users', 'migrate', '--file', fileWith(text)], fresh.env), message, text);
        const state = await inspect(fresh.target);
        assert.deepEqual([state.users.length, state.workspaces.length], [0, 0], text);
      }
    });

    it('refuses a billion-laughs file: exit 1 with a clear message, nothing written', { timeout: 120_000 }, async () => {
      const fresh = await migrated(backend);
      const levels = ['&l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]'];
      for (let i = 1; i <= 9; i++) levels.push(`&l${i} [${Array(10).fill(`*l${i - 1}`).join(', ')}]`);
      // The anchors first, then a list that would expand to 10^10 names.
      const text = `- username: ok\n  hashed_password: ${HASH}\n- username: laughs\n  hashed_password: ${HASH}\n${levels.map((level, i) => `  x${i}: ${level}\n`).join('')}  workspaces: *l9\n`;
      const result = await runCli(['users', 'migrate', '--file', fileWith(text)], fresh.env);
      assertRefused(result, /aliases repeat more than [\d,]+ values/, 'billion laughs');
      const state = await inspect(fresh.target);
      assert.deepEqual([state.users.length, state.workspaces.length], [0, 0]);
    });

    it("the guide's users file still imports", async () => {
      const fresh = await migrated(backend);
      const result = await runCli(['users', 'migrate', '--file', GUIDE_FILE], fresh.env);
      assert.equal(result.code, 0, result.stderr);
      const state = await inspect(fresh.target);
      assert.deepEqual(state.users.map((u) => u.username), ['john', 'tanya', 'daisy']);
      assert.deepEqual([...state.workspacesOf('daisy')].sort(), ['argilla', 'daisy', 'latam', 'team']);
    });
  });
}
