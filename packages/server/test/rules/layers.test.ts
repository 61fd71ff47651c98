// One home per rule, checked on the sources: queries live in db/ (repositories), transactions are
// opened through db/'s inTransaction (so the caches see their writes), and only the policies
// module decides by role name.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

const SRC = join(import.meta.dirname, '..', '..', 'src');

function sources(folder: string): string[] {
  return readdirSync(folder).flatMap((name) => {
    const path = join(folder, name);
    if (statSync(path).isDirectory()) return sources(path);
    return name.endsWith('.ts') ? [path] : [];
  });
}

/** Lines of the files outside `allowed` folders that match `pattern`, as `file:line: text`. */
function offenders(pattern: RegExp, allowed: string[]): string[] {
  return sources(SRC)
    .filter((path) => !allowed.some((folder) => relative(SRC, path).startsWith(folder)))
    .flatMap((path) =>
      readFileSync(path, 'utf8')
        .split('\n')
        .flatMap((line, i) => (pattern.test(line) && !/^\s*(\/\/|\*)/.test(line) ? [`${relative(SRC, path)}:${i + 1}: ${line.trim()}`] : [])),
    );
}

describe('layers', () => {
  it('no query builder or SQL outside db/', () => {
    assert.deepEqual(offenders(/\.(selectFrom|insertInto|updateTable|deleteFrom|executeQuery)\(|\bsql`/, ['db/']), []);
  });

  it('no transaction opened outside db/ (inTransaction lets the caches see the writes)', () => {
    assert.deepEqual(offenders(/\.transaction\(\)/, ['db/']), []);
  });

  it('no decision by role name outside the policies module', () => {
    assert.deepEqual(offenders(/(role|ROLE)\s*[!=]==?\s*'(admin|annotator)'|'(admin|annotator)'\s*[!=]==?/, ['domain/policies.ts']), []);
  });
});
