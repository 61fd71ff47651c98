// Fuzzing every route of /api/openapi.json (issue 8, "Bad input"): a seeded generator sends a few
// thousand random and malformed requests (wrong types, huge strings, odd Unicode, NUL, lone
// surrogates, missing and extra fields, injection-like strings, random methods, content types,
// ids and query strings) as an admin, as an annotator and anonymously. Never a 5xx; every error
// is a problem document with its request id; and the database changes only in rows that a
// successful request touched.
//
// Reproduce a run with FUZZ_SEED=<seed printed by the test>; FUZZ_REQUESTS sets the number of
// requests per backend (default 5000) and FUZZ_SECONDS the time budget (default 45).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { backends } from '../helpers/databases.js';
import { call, makeUser, type Made, type TestServer } from '../helpers/http.js';
import { startServer } from './support.js';

/** mulberry32: a tiny seeded pseudo-random generator, uniform in [0, 1). */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

class Random {
  private readonly next: () => number;
  constructor(seed: number) {
    this.next = mulberry32(seed);
  }
  float(): number {
    return this.next();
  }
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)]!;
  }
  /** picks by weight: [[weight, value], ...] */
  weighted<T>(items: ReadonlyArray<readonly [number, T]>): T {
    const total = items.reduce((sum, [w]) => sum + w, 0);
    let r = this.next() * total;
    for (const [w, value] of items) {
      r -= w;
      if (r < 0) return value;
    }
    return items[items.length - 1]![1];
  }
}

const NASTY_STRINGS = [
  '',
  ' ',
  'a',
  'null',
  'undefined',
  'true',
  '0',
  '-1',
  '1e309',
  'NaN',
  "'; drop table users; --",
  "' OR '1'='1",
  '" OR 1=1 --',
  "admin'--",
  '1; select pg_sleep(5)',
  '{"$ne":1}',
  '{"$gt":""}',
  '../../etc/passwd',
  '..\\..\\windows\\win.ini',
  '%2e%2e%2f%2e%2e%2fetc%2fpasswd',
  '<script>alert(1)</script>',
  '${7*7}',
  '{{7*7}}',
  '__proto__',
  'constructor',
  'a\u0000b',
  '\u0000',
  '\ud800',
  '\udfff',
  'x\ud83dy',
  '\ud83d\ude00',
  'z\u0338\u0322\u031ba\u0335l\u0334g\u0336o',
  '\u202eevil',
  '\ufeffbom',
  '\uff46\uff55\uff4c\uff4c',
  '\u0130stanbul',
  '\u00df',
  '\n',
  'name\n',
  '\r\n\r\n',
  '\t',
  'ok-name',
  'fuzz-ws',
  'fuzz_user-1',
  'argilla',
  'argilla.apikey',
  'admin',
  'annotator',
  'ADMIN',
  'long-enough-password',
  '2027-01-01T00:00:00Z',
  '2001-01-01T00:00:00Z',
  'not-a-time',
  '00000000-0000-0000-0000-000000000000',
  '00000000-0000-4000-8000-000000000000',
  'ffffffff-ffff-ffff-ffff-ffffffffffff',
  'x'.repeat(101),
  'y'.repeat(1000),
  '-leading',
  '_leading',
  'UPPER',
  'user name',
  'user/name',
  'user.name',
];

const CONTENT_TYPES: ReadonlyArray<readonly [number, string | undefined]> = [
  [60, 'application/json'],
  [5, 'application/json; charset=utf-8'],
  [3, 'APPLICATION/JSON'],
  [3, 'application/json; charset=latin1'],
  [6, 'application/x-www-form-urlencoded'],
  [4, 'text/plain'],
  [3, 'multipart/form-data; boundary=xyz'],
  [3, 'application/xml'],
  [3, 'application/octet-stream'],
  [2, ''],
  [2, 'application/problem+json'],
  [2, 'invalid content type'],
  [4, undefined],
];

const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'] as const;

function randomString(rng: Random, maxLength = 40): string {
  const length = rng.int(maxLength + 1);
  let out = '';
  for (let i = 0; i < length; i++) {
    out += rng.weighted<() => string>([
      [50, () => String.fromCharCode(0x61 + rng.int(26))],
      [10, () => String.fromCharCode(0x30 + rng.int(10))],
      [8, () => rng.pick(['-', '_', '.', ' ', '/', '\\', '"', "'", '%', '&', '=', '?', '#', '+', ';', '{', '}', '[', ']'])],
      [5, () => String.fromCharCode(rng.int(32))],
      [5, () => String.fromCharCode(0x80 + rng.int(0x780))],
      [4, () => String.fromCharCode(0xd800 + rng.int(0x800))],
      [4, () => String.fromCodePoint(0x1f300 + rng.int(0x300))],
      [3, () => String.fromCharCode(0x4e00 + rng.int(0x5000))],
      [2, () => String.fromCharCode(rng.pick([0x200b, 0x202e, 0xfeff, 0xfffe, 0xffff, 0x2028]))],
    ])();
  }
  return out;
}

function stringValue(rng: Random): string {
  return rng.weighted<() => string>([
    [45, () => rng.pick(NASTY_STRINGS)],
    [35, () => randomString(rng)],
    [10, () => randomUUID()],
    [6, () => randomString(rng, 300)],
    [4, () => 'h'.repeat(1000 + rng.int(200_000))],
  ])();
}

function jsonValue(rng: Random, fields: string[], depth = 0): unknown {
  return rng.weighted<() => unknown>([
    [8, () => null],
    [8, () => rng.chance(0.5)],
    [10, () => rng.pick([0, -1, 1, 1.5, -0, 2 ** 53, -(2 ** 63), 1e308, Number.MIN_VALUE, 42])],
    [40, () => stringValue(rng)],
    [depth < 4 ? 12 : 0, () => Array.from({ length: rng.int(5) }, () => jsonValue(rng, fields, depth + 1))],
    [depth < 4 ? 12 : 0, () => randomObject(rng, fields, depth + 1)],
  ])();
}

function randomObject(rng: Random, fields: string[], depth = 0): Record<string, unknown> {
  const object: Record<string, unknown> = {};
  for (const field of fields) if (rng.chance(0.6)) object[field] = jsonValue(rng, fields, depth + 1);
  const extras = rng.int(3);
  for (let i = 0; i < extras; i++) {
    const key = rng.pick(['__proto__', 'constructor', 'prototype', '$where', 'id', 'role', 'is_admin', 'digest', 'password_hash', randomString(rng, 10)]);
    object[key] = jsonValue(rng, fields, depth + 1);
  }
  return object;
}

/** A body for a request, as the bytes to send (or none). */
function randomBody(rng: Random, fields: string[]): string | Uint8Array | undefined {
  return rng.weighted<() => string | Uint8Array | undefined>([
    [38, () => JSON.stringify(randomObject(rng, fields))],
    [12, () => JSON.stringify(jsonValue(rng, fields))],
    [
      14,
      () =>
        rng.pick([
          '{',
          '{"name":',
          '{"name": "x",}',
          "{'name': 'x'}",
          '[1, 2',
          'NaN',
          '{"a":1}{"b":2}',
          '\u0000',
          'nul',
          '"unterminated',
          '{"name": "\\ud800"}',
          '{"name": "\\udfff\\ud800"}',
          '{"username": "a\\u0000b", "password": "\\u0000\\u0000\\u0000\\u0000\\u0000\\u0000\\u0000\\u0000"}',
          '{"name": "\\u0000"}',
          '{"__proto__": {"role": "admin"}}',
          '{"constructor": {"prototype": {"role": "admin"}}}',
          '{"name": 1e999}',
          '{"name": -}',
          ' ',
          '\ufeff{}',
        ]),
    ],
    [4, () => JSON.stringify({ [rng.pick(fields.length ? fields : ['name'])]: 'z'.repeat(50_000 + rng.int(150_000)) })],
    [10, () => undefined],
    [2, () => '['.repeat(3000) + ']'.repeat(3000)],
    [3, () => Uint8Array.from([0x7b, 0x22, 0x6e, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0xed, 0xa0, 0x80, 0xc3, 0x22, 0x7d])],
    [1, () => JSON.stringify({ name: 'q'.repeat(1024 * 1024 + 10) })],
    [8, () => new URLSearchParams(Object.fromEntries(fields.filter(() => rng.chance(0.6)).map((f) => [f, stringValue(rng)]))).toString()],
    [4, () => randomString(rng, 200)],
  ])();
}

/** Percent-encodes a path segment; strings that encodeURIComponent refuses (lone surrogates) go byte by byte. */
function encodeSegment(value: string): string {
  try {
    return encodeURIComponent(value);
  } catch {
    return [...Buffer.from(value, 'utf8')].map((b) => `%${b.toString(16).padStart(2, '0')}`).join('');
  }
}

interface Pools {
  users: string[];
  workspaces: string[];
  keys: string[];
  datasets: string[];
  readOnlyUsers: string[];
}

function pathParam(rng: Random, route: string, param: string, method: string, pools: Pools): string {
  const real = (): string => {
    if (param === 'key_id') return rng.pick(pools.keys);
    if (param === 'user_id') return rng.pick(pools.users);
    if (param === 'name') return rng.pick(pools.datasets);
    if (route.startsWith('/api/users')) return rng.pick(method === 'GET' ? [...pools.users, ...pools.readOnlyUsers] : pools.users);
    if (route.startsWith('/api/workspaces')) return rng.pick(pools.workspaces);
    return randomUUID();
  };
  return rng.weighted<() => string>([
    [45, () => encodeSegment(real())],
    [5, () => encodeSegment(real().toUpperCase())],
    [15, () => randomUUID()],
    [20, () => encodeSegment(stringValue(rng).slice(0, 300))],
    [3, () => 'x'.repeat(5000)],
    [4, () => rng.pick(['%zz', '%', '%e0%a4%a', '%ED%A0%80', '%00', '%C0%AF', '%2e%2e', '..', '.'])],
    [3, () => `{${param}}`],
    [3, () => ''],
    [2, () => `${randomUUID()}%00`],
  ])();
}

function randomQuery(rng: Random, names: string[]): string {
  if (rng.chance(0.3)) return '';
  const params = new URLSearchParams();
  const count = 1 + rng.int(4);
  for (let i = 0; i < count; i++) {
    const name = rng.chance(0.7) && names.length ? rng.pick(names) : rng.pick(['limit', 'offset', 'cursor', 'q', 'role', '__proto__[x]', 'a[b]', randomString(rng, 8)]);
    const value = rng.weighted<() => string>([
      [30, () => stringValue(rng).slice(0, 2000)],
      [20, () => String(rng.pick([-1, 0, 1, 2, 1000, 1001, 1e9, 2 ** 53, 1.5, -0.5]))],
      [10, () => rng.pick(['abc', '1e3', '0x10', ' 5', '5 ', '', 'true', '[]', '{}'])],
      [10, () => new Date(Date.now() + (rng.float() - 0.5) * 1e11).toISOString()],
      [5, () => Buffer.from(randomString(rng, 40)).toString('base64url')],
    ])();
    params.append(name, value);
  }
  let query = params.toString();
  if (rng.chance(0.1)) query += rng.pick(['&limit=%zz', '&%', '&=&=', '&limit=1&limit=2', '&q=%00', '&cursor=%ED%A0%80']);
  return `?${query}`;
}

/** The paths of the Argilla 1.6 Python client's own routes (their last segment says which). */
const PYTHON16_PATH = /^\/api\/datasets\/[^/]*(?::copy|\/(?:TextClassification|TokenClassification|Text2Text)(?::bulk)|\/records\/:search)$/;

interface Route {
  method: string;
  path: string;
  fields: string[];
  query: string[];
}

function routesOf(doc: any): Route[] {
  const routes: Route[] = [];
  for (const [path, operations] of Object.entries<Record<string, any>>(doc.paths)) {
    for (const [method, operation] of Object.entries<any>(operations)) {
      if (!['get', 'post', 'put', 'patch', 'delete'].includes(method)) continue;
      const content = operation.requestBody?.content ?? {};
      const fields = new Set<string>();
      for (const media of Object.values<any>(content)) for (const field of Object.keys(media.schema?.properties ?? {})) fields.add(field);
      const query = (operation.parameters ?? []).filter((p: any) => p.in === 'query').map((p: any) => p.name as string);
      routes.push({ method: method.toUpperCase(), path, fields: [...fields], query });
    }
  }
  return routes;
}

interface Sent {
  description: string;
  method: string;
  path: string;
  status: number;
  text: string;
  requestBody: string | undefined;
}

const TRACKED = ['users', 'workspaces', 'memberships', 'api_keys'] as const;
type Tracked = (typeof TRACKED)[number];
type Snapshot = Record<Tracked, Map<string, Record<string, unknown>>>;

async function snapshot(server: TestServer): Promise<Snapshot> {
  const result = {} as Snapshot;
  for (const table of TRACKED) {
    const rows = (await server.database.db.selectFrom(table).selectAll().execute()) as Array<Record<string, unknown>>;
    result[table] = new Map(
      rows.map((row) => {
        // a key's last use is bookkeeping written by any authenticated request
        const { last_used_at: _ignored, ...rest } = row;
        return [String(row.id), table === 'api_keys' ? rest : row];
      }),
    );
  }
  return result;
}

/** Every string anywhere in a JSON value. */
function stringsIn(value: unknown, into: Set<string>): void {
  if (typeof value === 'string') into.add(value.toLowerCase());
  else if (Array.isArray(value)) for (const item of value) stringsIn(item, into);
  else if (value && typeof value === 'object') for (const item of Object.values(value)) stringsIn(item, into);
}

const UUID_IN_TEXT = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi;

const seed = process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : Math.floor(Math.random() * 2 ** 32);
const REQUESTS = Number(process.env.FUZZ_REQUESTS ?? 5000);
const BUDGET_MS = Number(process.env.FUZZ_SECONDS ?? 45) * 1000;
const CONCURRENCY = 8;

for (const backend of backends()) {
  describe(`fuzzing every route (${backend.name})`, () => {
    let server: TestServer;
    let annotator: Made;
    let routes: Route[];
    const pools: Pools = { users: [], workspaces: [], keys: [], datasets: ['fuzz-ds', 'nope-ds'], readOnlyUsers: [] };

    before(async () => {
      server = await startServer(backend);
      annotator = await makeUser(server, { workspaces: ['fuzz-home'] });
      const adminId = (await call(server, 'GET', '/api/me', { key: server.adminKey })).body.id;
      pools.readOnlyUsers.push(adminId, annotator.id);
      // victims: users, workspaces and keys that the fuzzer may legitimately change or delete
      for (let i = 0; i < 3; i++) {
        const victim = await makeUser(server, { workspaces: [`fuzz-victim-${i}`] });
        pools.users.push(victim.id);
        const key = await call(server, 'POST', `/api/users/${victim.id}/api-keys`, { key: server.adminKey, json: { name: `victim-${i}` } });
        assert.equal(key.status, 200);
        pools.keys.push(key.body.id);
      }
      const rows = await server.database.db.selectFrom('workspaces').select(['id', 'name']).execute();
      pools.workspaces.push(...rows.filter((w) => w.name.startsWith('fuzz-victim-')).map((w) => w.id));
      const keyRows = await server.database.db.selectFrom('api_keys').select('id').where('user_id', 'in', pools.users).execute();
      for (const row of keyRows) if (!pools.keys.includes(row.id)) pools.keys.push(row.id);
      const doc = await call(server, 'GET', '/api/openapi.json');
      assert.equal(doc.status, 200);
      routes = routesOf(doc.body);
    });
    after(() => server.close());

    it(`never answers 5xx, answers every error with a problem, and changes only what succeeded (seed ${seed})`, async (t) => {
      t.diagnostic(`FUZZ_SEED=${seed} (${backend.name})`);
      assert.ok(routes.length >= 20, `only ${routes.length} routes in the OpenAPI document`);
      for (const must of ['/api/me/password', '/api/me/api-keys', '/api/users/{id}/api-keys/{key_id}', '/api/audit-events', '/api/security/token']) {
        assert.ok(routes.some((r) => r.path === must), `${must} is not in the OpenAPI document`);
      }
      const rng = new Random(seed ^ (backend.name === 'sqlite' ? 0 : 0x9e3779b9));
      const before = await snapshot(server);
      const problems: string[] = [];
      const sent: Sent[] = [];
      const covered = new Set<string>();
      const deadline = Date.now() + BUDGET_MS;

      // The whole sequence of requests is drawn up front from the seed, so a seed names the run.
      const plan = Array.from({ length: REQUESTS }, (_, index) => {
        const route = rng.pick(routes);
        const method = rng.chance(0.1) ? rng.pick(METHODS) : route.method;
        const path = route.path.replace(/\{([^}]+)\}/g, (_m, param: string) => pathParam(rng, route.path, param, method, pools));
        const query = randomQuery(rng, route.query);
        const who = rng.weighted<string>([
          [45, 'admin'],
          [30, 'annotator'],
          [15, 'anonymous'],
          [4, 'bearer-garbage'],
          [3, 'wrong-key'],
          [3, 'both'],
        ]);
        const headers: Record<string, string> = {};
        if (who === 'admin') headers['x-argilla-api-key'] = server.adminKey;
        if (who === 'annotator') headers[rng.chance(0.5) ? 'x-argilla-api-key' : 'authorization'] = rng.chance(0.5) ? annotator.apiKey : `Bearer ${annotator.apiKey}`;
        if (headers.authorization === annotator.apiKey) headers.authorization = `Bearer ${annotator.apiKey}`;
        if (who === 'bearer-garbage') headers.authorization = rng.pick(['Bearer', 'Bearer ', 'Basic YWRtaW46MTIzNA==', `Bearer ${'a'.repeat(5000)}`, 'Bearer a b c', 'bearer {"$ne":1}']);
        if (who === 'wrong-key') headers['x-argilla-api-key'] = rng.pick(["'; drop table users; --", 'argilla_' + 'A'.repeat(43), ' ', '{"$ne":1}', 'x'.repeat(8000)]);
        if (who === 'both') {
          headers['x-argilla-api-key'] = annotator.apiKey;
          headers.authorization = `Bearer ${server.adminKey}`;
        }
        if (rng.chance(0.1)) headers['x-request-id'] = rng.pick(['fuzz-req-1', '../../etc', 'a'.repeat(100), 'ok_id.1', '']);
        const hasBody = method !== 'GET' && method !== 'HEAD' && (route.fields.length > 0 || rng.chance(0.3));
        const body = hasBody ? randomBody(rng, route.fields) : undefined;
        const contentType = body !== undefined ? rng.weighted(CONTENT_TYPES) : rng.chance(0.1) ? 'application/json' : undefined;
        if (contentType !== undefined) headers['content-type'] = contentType;
        return { index, route, method, url: path + query, headers, body, who };
      });

      let next = 0;
      const worker = async () => {
        while (next < plan.length && Date.now() < deadline) {
          const request = plan[next++]!;
          const description = `#${request.index} ${request.method} ${request.url.slice(0, 200)} as ${request.who}, content-type ${request.headers['content-type'] ?? '-'}, body ${
            request.body === undefined ? '-' : typeof request.body === 'string' ? JSON.stringify(request.body.slice(0, 200)) : `bytes(${request.body.length})`
          } [FUZZ_SEED=${seed}]`;
          let response: Response;
          try {
            response = await fetch(server.url + request.url, { method: request.method, headers: request.headers, body: request.body as RequestInit['body'] });
          } catch (error) {
            problems.push(`${description}: the request failed: ${(error as Error).message}`);
            continue;
          }
          const text = await response.text();
          const status = response.status;
          covered.add(`${request.route.method} ${request.route.path}`);
          sent.push({ description, method: request.method, path: request.url.split('?')[0]!, status, text, requestBody: typeof request.body === 'string' ? request.body : undefined });
          if (status >= 500) {
            problems.push(`${description}: ${status} ${text.slice(0, 300)}`);
            continue;
          }
          if (request.method === 'HEAD') continue;
          if (status >= 400) {
            const contentType = response.headers.get('content-type') ?? '';
            let body: any;
            try {
              body = JSON.parse(text);
            } catch {
              problems.push(`${description}: ${status} is not JSON: ${text.slice(0, 200)}`);
              continue;
            }
            const pathOnly = request.url.split('?')[0]!;
            if (PYTHON16_PATH.test(pathOnly) && typeof body?.detail === 'object') {
              // The 1.6 client's error body: detail.code names its exception, detail.params its
              // arguments (a 422's with error locations), beside this server's code and request id.
              // Errors before the route is reached (no such route, an undecodable path, text that
              // cannot be stored) are problem documents, checked below like any other.
              const detail = body?.detail;
              if (!/^application\/json/.test(contentType)) problems.push(`${description}: ${status} with content-type ${contentType}`);
              if (typeof detail?.code !== 'string' || !/^argilla\.api\.errors::[A-Za-z]+$/.test(detail.code) || typeof detail.params !== 'object' || detail.params === null) {
                problems.push(`${description}: ${status} is not a 1.6 error body: ${text.slice(0, 200)}`);
              }
              if (typeof body?.code !== 'string' || body.request_id !== response.headers.get('x-request-id')) {
                problems.push(`${description}: ${status} without its code or request id: ${text.slice(0, 200)}`);
              }
              const locs = detail?.params?.errors;
              if (status === 422 && !(Array.isArray(locs) && locs.length > 0 && locs.every((e: any) => Array.isArray(e?.loc)))) problems.push(`${description}: 422 without error locations`);
              continue;
            }
            if (!/^application\/problem\+json/.test(contentType)) problems.push(`${description}: ${status} with content-type ${contentType}`);
            if (body?.status !== status || typeof body?.code !== 'string' || typeof body?.detail !== 'string') {
              problems.push(`${description}: ${status} is not a problem document: ${text.slice(0, 200)}`);
            }
            if (typeof body?.request_id !== 'string' || body.request_id.length === 0 || body.request_id !== response.headers.get('x-request-id')) {
              problems.push(`${description}: ${status} problem without the request id: ${text.slice(0, 200)}`);
            }
            if (status === 422 && !(Array.isArray(body?.errors) && body.errors.length > 0)) problems.push(`${description}: 422 without errors`);
          } else if (status >= 200 && status < 300 && text.length > 0) {
            try {
              JSON.parse(text);
            } catch {
              problems.push(`${description}: ${status} answer is not JSON: ${text.slice(0, 200)}`);
            }
          }
        }
      };
      await Promise.all(Array.from({ length: CONCURRENCY }, worker));

      const statuses: Record<number, number> = {};
      for (const s of sent) statuses[s.status] = (statuses[s.status] ?? 0) + 1;
      const changes = sent.filter((x) => x.status >= 200 && x.status < 300 && x.method !== 'GET' && x.method !== 'HEAD').length;
      t.diagnostic(`${sent.length} requests to ${covered.size} of ${routes.length} routes (${changes} successful changes); statuses ${JSON.stringify(statuses)}`);
      assert.ok(sent.length >= Math.min(REQUESTS, 1000), `only ${sent.length} requests were sent within the time budget`);
      assert.equal(covered.size, routes.length, `routes never fuzzed: ${routes.filter((r) => !covered.has(`${r.method} ${r.path}`)).map((r) => `${r.method} ${r.path}`).join(', ')}`);

      // The database changed only in rows that a successful request touched: its path, its answer
      // or (for workspaces created with a user) the names it sent.
      const explained = new Set<string>();
      for (const s of sent) {
        if (s.status < 200 || s.status >= 300 || s.method === 'GET' || s.method === 'HEAD') continue;
        let path = s.path;
        try {
          path = decodeURIComponent(s.path);
        } catch {
          // keep it encoded
        }
        for (const id of path.match(UUID_IN_TEXT) ?? []) explained.add(id.toLowerCase());
        for (const id of s.text.match(UUID_IN_TEXT) ?? []) explained.add(id.toLowerCase());
        try {
          stringsIn(JSON.parse(s.text), explained);
        } catch {
          // not JSON
        }
        try {
          if (s.requestBody) stringsIn(JSON.parse(s.requestBody), explained);
        } catch {
          // not JSON
        }
      }
      const afterwards = await snapshot(server);
      const unexplained: string[] = [];
      const isExplained = (row: Record<string, unknown>) =>
        ['id', 'user_id', 'workspace_id', 'name', 'username'].some((column) => typeof row[column] === 'string' && explained.has((row[column] as string).toLowerCase()));
      for (const table of TRACKED) {
        const was = before[table];
        const now = afterwards[table];
        for (const [id, row] of now) {
          const old = was.get(id);
          if (!old && !isExplained(row)) unexplained.push(`${table}: added ${JSON.stringify(row)}`);
          if (old && JSON.stringify(old) !== JSON.stringify(row) && !isExplained(row)) unexplained.push(`${table}: changed ${JSON.stringify(old)} -> ${JSON.stringify(row)}`);
        }
        for (const [id, row] of was) if (!now.has(id) && !isExplained(row)) unexplained.push(`${table}: removed ${JSON.stringify(row)}`);
      }
      assert.deepEqual(
        { badAnswers: problems.slice(0, 25), unexplainedChanges: unexplained.slice(0, 25) },
        { badAnswers: [], unexplainedChanges: [] },
        `${problems.length} bad answers and ${unexplained.length} changes no successful request explains (first 25 of each) [FUZZ_SEED=${seed}]`,
      );
      // the users that authenticated the fuzzing were never in the pools of mutating requests
      const me = await call(server, 'GET', '/api/me', { key: annotator.apiKey });
      assert.equal(me.status, 200, 'the annotator still authenticates');
      assert.equal((await call(server, 'GET', '/api/me', { key: server.adminKey })).status, 200, 'the admin still authenticates');
    });

    it('a NUL character in any text input (body, form, query) is refused or stored, never a 5xx', async () => {
      const victim = (await makeUser(server)).id;
      const cursor = Buffer.from(JSON.stringify(['2030-01-01T00:00:00.000000Z\u0000', 'x\u0000'])).toString('base64url');
      const form = (fields: Record<string, string>) => ({
        body: new URLSearchParams(fields).toString(),
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      });
      const cases: Array<[string, string, Parameters<typeof call>[3]]> = [
        ['POST', '/api/security/token', form({ username: 'a\u0000b', password: 'whatever-1' })],
        ['POST', '/api/security/token', { json: { username: 'nul\u0000', password: 'whatever-1' } }],
        ['POST', '/api/security/token', { json: { username: 'argilla', password: '\u0000\u0000\u0000\u0000' } }],
        ['POST', '/api/users', { key: server.adminKey, json: { username: 'nul-first', first_name: 'a\u0000b', password: 'long-enough-pw' } }],
        ['POST', '/api/users', { key: server.adminKey, json: { username: 'nul-last', first_name: 'A', last_name: 'b\u0000', password: 'long-enough-pw' } }],
        ['POST', '/api/users', { key: server.adminKey, json: { username: 'nul-email', first_name: 'A', email: 'a\u0000@b.co', password: 'long-enough-pw' } }],
        ['POST', '/api/users', { key: server.adminKey, json: { username: 'nul-password', first_name: 'A', password: 'pass\u0000word-long' } }],
        ['POST', '/api/users', { key: server.adminKey, json: { username: 'nul\u0000name', first_name: 'A', password: 'long-enough-pw' } }],
        ['PATCH', `/api/users/${victim}`, { key: server.adminKey, json: { first_name: 'x\u0000' } }],
        ['PATCH', `/api/users/${victim}`, { key: server.adminKey, json: { last_name: 'y\u0000' } }],
        ['PATCH', `/api/users/${victim}`, { key: server.adminKey, json: { email: 'x\u0000@y.zz' } }],
        ['PATCH', '/api/me/password', { key: annotator.apiKey, json: { current_password: '\u0000', new_password: '12345678\u0000' } }],
        ['POST', '/api/me/api-keys', { key: annotator.apiKey, json: { name: 'k\u0000' } }],
        ['POST', `/api/users/${victim}/api-keys`, { key: server.adminKey, json: { name: 'k\u0000' } }],
        ['POST', '/api/me/api-keys', { key: annotator.apiKey, json: { name: 'k', expires_at: '2030-01-01T00:00:00Z\u0000' } }],
        ['POST', '/api/workspaces', { key: server.adminKey, json: { name: 'w\u0000' } }],
        ['GET', '/api/users?q=%00', { key: server.adminKey }],
        ['GET', '/api/users?workspace=%00', { key: server.adminKey }],
        ['GET', '/api/users?role=%00', { key: server.adminKey }],
        ['GET', '/api/audit-events?actor=%00', { key: server.adminKey }],
        ['GET', '/api/audit-events?target=a%00b', { key: server.adminKey }],
        ['GET', '/api/audit-events?type=user%00', { key: server.adminKey }],
        ['GET', `/api/audit-events?cursor=${cursor}`, { key: server.adminKey }],
        ['GET', '/api/datasets?workspace=%00', { key: server.adminKey }],
        ['POST', '/api/datasets?workspace=fuzz-home', { key: server.adminKey, json: { name: 'd\u0000' } }],
      ];
      const failures: string[] = [];
      for (const [method, path, options] of cases) {
        const reply = await call(server, method, path, options);
        if (reply.status >= 500) failures.push(`${method} ${path} ${options?.body ?? JSON.stringify(options?.json ?? null)} -> ${reply.status}`);
      }
      assert.deepEqual(failures, [], `${failures.length} of ${cases.length} requests with a NUL got a 5xx`);
    });
  });
}
