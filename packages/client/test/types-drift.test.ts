// The client's wire types (src/generated/api.ts) are generated from the server's OpenAPI document
// by scripts/generate-types.ts. This suite regenerates them from a real server and fails when the
// committed file no longer matches, so the client cannot drift from the server unnoticed.
// ARGILLA_UPDATE_CLIENT_TYPES=1 npm test -- packages/client/test/types-drift.test.ts rewrites the file.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { enumConstName, generateTypes, schemaToType, stringEnumValues } from '../scripts/generate-types.js';
import { backends, startTestServer, type TestServer } from './support.js';

const generatedFile = fileURLToPath(new URL('../src/generated/api.ts', import.meta.url));

/** The text without comments and blank lines: what the types are, not how they are described. */
function typesOnly(source: string): string {
  return source
    .replace(/\/\*[\s\S]*?\*\//g, '')
    .split('\n')
    .filter((line) => !/^\s*\/\//.test(line) && line.trim() !== '')
    .join('\n');
}

/** The first differing line of two texts with a little context, or undefined when they are equal. */
function firstDifference(committed: string, expected: string): string | undefined {
  if (committed === expected) return undefined;
  const [a, b] = [committed.split('\n'), expected.split('\n')];
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  const context = (lines: string[]) => lines.slice(Math.max(0, i - 3), i + 4).join('\n');
  return `first difference at type line ${i + 1}:\n--- committed\n${context(a)}\n+++ from the server\n${context(b)}`;
}

// The OpenAPI document does not depend on the database: one backend is enough.
const backend = backends()[0]!;

describe(`client: generated types match the server's OpenAPI document (${backend.name})`, () => {
  let server: TestServer;
  let document: unknown;
  before(async () => {
    server = await startTestServer(backend);
    const response = await fetch(`${server.url}/api/openapi.json`);
    assert.equal(response.status, 200);
    document = await response.json();
  });
  after(() => server.close());

  it('src/generated/api.ts is what scripts/generate-types.ts makes of /api/openapi.json', (t) => {
    const expected = generateTypes(document);
    const committed = readFileSync(generatedFile, 'utf8');
    if (process.env.ARGILLA_UPDATE_CLIENT_TYPES === '1' && committed !== expected) {
      writeFileSync(generatedFile, expected);
      t.diagnostic(`rewrote ${generatedFile}`);
      return;
    }
    const hint = 'the server API changed: run `ARGILLA_UPDATE_CLIENT_TYPES=1 npm test -- packages/client/test/types-drift.test.ts` (or `npm run generate-types -w packages/client -- --url <server>`), rebuild the client and fix what no longer compiles';
    const difference = firstDifference(typesOnly(committed), typesOnly(expected));
    if (difference !== undefined) assert.fail(`${hint}\n${difference}`);
    // Only descriptions differ: not a drift of the contract, but worth regenerating.
    if (committed !== expected) t.diagnostic(`doc comments in ${generatedFile} are out of date; regenerate it`);
  });

  it('every operation the client calls is in the document, with the method the client uses', () => {
    const paths = (document as { paths: Record<string, Record<string, unknown>> }).paths;
    const used = [
      'GET /api/me',
      'GET /api/users',
      'POST /api/users',
      'GET /api/users/{id}',
      'PATCH /api/users/{id}',
      'DELETE /api/users/{id}',
      'GET /api/v1/users/{id}/workspaces',
      'GET /api/workspaces',
      'POST /api/workspaces',
      'GET /api/workspaces/{id}',
      'DELETE /api/workspaces/{id}',
      'GET /api/workspaces/{id}/users',
      'POST /api/workspaces/{id}/users/{user_id}',
      'DELETE /api/workspaces/{id}/users/{user_id}',
      'POST /api/security/token',
      'POST /api/security/logout',
      'GET /api/datasets',
      'POST /api/datasets',
      'GET /api/datasets/{name}',
      'DELETE /api/datasets/{name}',
      'GET /api/datasets/{name}/settings',
      'PUT /api/datasets/{name}/settings',
      'POST /api/datasets/{name}/records:bulk',
      'GET /api/datasets/{name}/records',
      'PUT /api/datasets/{name}/records/{id}/annotation',
      'POST /api/datasets/{name}:copy',
    ];
    for (const key of used) {
      const [method, path] = key.split(' ') as [string, string];
      assert.ok(paths[path]?.[method.toLowerCase()], `${key} is missing from /api/openapi.json`);
    }
  });
});

describe('client: the type generator', () => {
  it('translates the JSON Schema constructs the server emits', () => {
    assert.equal(schemaToType({ type: 'string' }), 'string');
    assert.equal(schemaToType({ type: 'integer' }), 'number');
    assert.equal(schemaToType({ type: ['string', 'null'] }), 'string | null');
    assert.equal(schemaToType({ anyOf: [{ type: 'string', enum: ['a'] }, { const: 'b' }] }), '"a" | "b"');
    assert.equal(schemaToType({ $ref: '#/components/schemas/User' }), 'User');
    assert.equal(schemaToType({ type: 'array', items: { $ref: '#/components/schemas/User' } }), 'User[]');
    assert.equal(schemaToType({ type: 'array', items: { anyOf: [{ type: 'string' }, { type: 'null' }] } }), 'Array<string | null>');
    assert.equal(schemaToType({ type: 'object', additionalProperties: {} }), 'Record<string, unknown>');
    assert.equal(schemaToType({ not: {} }), 'unknown');
    assert.equal(
      schemaToType({ type: 'object', required: ['a-b'], properties: { 'a-b': { type: 'boolean', description: 'dash' }, c: { type: 'number' } } }),
      '{\n  /** dash */\n  "a-b": boolean;\n  c?: number;\n}',
    );
  });

  it('makes one Operations entry per route, sorted, with path, query, body, content types, answer and errors', () => {
    const text = generateTypes({
      openapi: '3.1.0',
      components: { schemas: { Thing: { type: 'object', required: ['id'], properties: { id: { type: 'string' } } } } },
      paths: {
        '/api/things/{id}': {
          put: {
            summary: 'Replace a thing',
            parameters: [
              { in: 'path', name: 'id', required: true, schema: { type: 'string' } },
              { in: 'query', name: 'dry', required: false, schema: { type: 'boolean' } },
            ],
            requestBody: { content: { 'application/json': { schema: { $ref: '#/components/schemas/Thing' } } } },
            responses: { '200': { content: { 'application/json': { schema: { $ref: '#/components/schemas/Thing' } } } }, '404': {} },
          },
        },
        '/api/a': { get: { responses: { '200': { content: { 'application/json': { schema: { type: 'array', items: { type: 'string' } } } } } } } },
      },
    });
    assert.match(text, /export interface Thing \{\n {2}id: string;\n\}/);
    assert.ok(text.indexOf('"GET /api/a"') < text.indexOf('"PUT /api/things/{id}"'), 'sorted by path');
    assert.match(text, /\/\*\* Replace a thing \*\/\n {2}"PUT \/api\/things\/\{id\}": \{\n {4}path: \{\n {6}id: string;\n {4}\};\n {4}query: \{\n {6}dry\?: boolean;\n {4}\};\n {4}body: Thing;\n {4}contentTypes: "application\/json";\n {4}response: Thing;\n {4}errors: 404;\n/);
    assert.match(text, /"GET \/api\/a": \{\n {4}path: never;\n {4}query: never;\n {4}body: never;\n {4}contentTypes: never;\n {4}response: string\[\];\n {4}errors: never;/);
    assert.equal(generateTypes(JSON.parse(JSON.stringify({ paths: {} }))), generateTypes({ paths: {} }), 'deterministic');
  });

  it("renames a schema that would shadow one of TypeScript's global types (Record → ApiRecord)", () => {
    const text = generateTypes({
      components: {
        schemas: {
          Record: { type: 'object', required: ['fields'], properties: { fields: { type: 'object', additionalProperties: {} } } },
        },
      },
      paths: {
        '/api/records': { get: { responses: { '200': { content: { 'application/json': { schema: { $ref: '#/components/schemas/Record' } } } } } } },
      },
    });
    assert.match(text, /export interface ApiRecord \{\n {2}fields: Record<string, unknown>;\n\}/);
    assert.match(text, /response: ApiRecord;/);
    assert.doesNotMatch(text, /interface Record\b/);
  });

  it('writes LIMITS from the x-argilla-limits extension, keys in camelCase and sorted; nothing without it', () => {
    const text = generateTypes({
      'x-argilla-limits': { page_size_max: 1000, name_pattern: '^[a-z]+$', 'body-limit-bytes': 1048576, flag: true },
      paths: {},
    });
    assert.match(
      text,
      /export const LIMITS = \{\n {2}bodyLimitBytes: 1048576,\n {2}flag: true,\n {2}namePattern: "\^\[a-z\]\+\$",\n {2}pageSizeMax: 1000,\n\} as const;\n/,
    );
    assert.doesNotMatch(generateTypes({ paths: {} }), /LIMITS/);
    const reordered = generateTypes({ 'x-argilla-limits': { flag: true, 'body-limit-bytes': 1048576, name_pattern: '^[a-z]+$', page_size_max: 1000 }, paths: {} });
    assert.equal(reordered, text, 'the order the server writes the entries in does not matter');
    assert.throws(() => generateTypes({ 'x-argilla-limits': { a_b: 1, aB: 2 }, paths: {} }), /both become 'aB'/);
  });

  it('lists the values of every string enum schema in a constant named after it', () => {
    assert.equal(enumConstName('AuditEventType'), 'AUDIT_EVENT_TYPES');
    assert.equal(enumConstName('ErrorCode'), 'ERROR_CODES');
    assert.equal(enumConstName('Permission'), 'PERMISSIONS');
    assert.equal(enumConstName('AnnotationStatus'), 'ANNOTATION_STATUSES');
    assert.equal(enumConstName('Policy'), 'POLICIES');
    assert.equal(enumConstName('HTTPMethod'), 'HTTP_METHODS');
    // the two forms the server may publish: an enum, and a union of one-value enums (or consts)
    assert.deepEqual(stringEnumValues({ type: 'string', enum: ['a', 'b'] }), ['a', 'b']);
    assert.deepEqual(stringEnumValues({ anyOf: [{ type: 'string', enum: ['a'] }, { type: 'string', const: 'b' }] }), ['a', 'b']);
    assert.equal(stringEnumValues({ anyOf: [{ type: 'string', enum: ['a'] }, { type: 'number' }] }), undefined);
    assert.equal(stringEnumValues({ enum: [1, 2] }), undefined);
    assert.equal(stringEnumValues({ type: 'object', properties: {} }), undefined);

    const text = generateTypes({
      components: {
        schemas: {
          ErrorCode: { type: 'string', enum: ['last_admin', 'forbidden'] },
          Role: { anyOf: [{ type: 'string', enum: ['admin'] }, { type: 'string', enum: ['annotator'] }] },
          Thing: { type: 'object', properties: { code: { $ref: '#/components/schemas/ErrorCode' } } },
        },
      },
      paths: {},
    });
    assert.match(text, /export type ErrorCode = "last_admin" \| "forbidden";\n(\/\*\*.*\*\/\n)?export const ERROR_CODES = \[\n {2}"last_admin",\n {2}"forbidden",\n\] as const;\n/);
    assert.match(text, /export type Role = "admin" \| "annotator";\n(\/\*\*.*\*\/\n)?export const ROLES = \[\n {2}"admin",\n {2}"annotator",\n\] as const;\n/);
    assert.doesNotMatch(text, /THINGS/);
    assert.throws(
      () => generateTypes({ components: { schemas: { Limit: { enum: ['a'] } } }, 'x-argilla-limits': { a: 1 }, paths: {} }),
      /LIMITS is generated twice/,
    );
  });

  it('the committed file carries what the client relies on: LIMITS and the enum constants', async () => {
    const api = await import('../src/generated/api.js');
    assert.equal(typeof api.LIMITS.pageSizeMax, 'number');
    assert.equal(typeof api.LIMITS.bulkRecordsMax, 'number');
    assert.equal(typeof api.LIMITS.bodyLimitBytes, 'number');
    assert.doesNotThrow(() => new RegExp(api.LIMITS.namePattern));
    for (const list of [api.ERROR_CODES, api.AUDIT_EVENT_TYPES, api.PERMISSIONS]) {
      assert.ok(Array.isArray(list) && list.length > 0 && list.every((value) => typeof value === 'string'));
    }
  });
});
