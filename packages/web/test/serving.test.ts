// How the server serves the UI (no browser needed): the page and its files at `/` with security
// headers, the API untouched under /api, and nothing at all when there is no build.
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { backends, buildApp, freshDatabase, registerWebUi, WEB_DIST_DIR } from '@argilla-ts/server/testkit';
import { startUiServer, WEB_DIST, type UiServer } from './helpers.js';

const CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'";

function assertSecurityHeaders(headers: Headers, what: string): void {
  assert.equal(headers.get('content-security-policy'), CSP, `${what}: Content-Security-Policy`);
  assert.equal(headers.get('x-content-type-options'), 'nosniff', `${what}: X-Content-Type-Options`);
  assert.equal(headers.get('referrer-policy'), 'no-referrer', `${what}: Referrer-Policy`);
  assert.equal(headers.get('x-frame-options'), 'DENY', `${what}: X-Frame-Options`);
}

describe('serving the web UI', () => {
  let server: UiServer;
  before(async () => {
    server = await startUiServer();
  });
  after(async () => {
    await server?.close();
  });

  it('resolves the build folder from the server package to packages/web/dist', () => {
    assert.equal(WEB_DIST_DIR, WEB_DIST);
  });

  it('serves index.html at / with the security headers, revalidated on every visit', async () => {
    const response = await fetch(`${server.url}/`);
    assert.equal(response.status, 200);
    assert.match(response.headers.get('content-type') ?? '', /^text\/html/);
    assertSecurityHeaders(response.headers, '/');
    assert.equal(response.headers.get('cache-control'), 'no-cache');
    const html = await response.text();
    assert.match(html, /<div id="app">/);
    // No inline script: every <script> loads a file (the policy would block anything else).
    const scripts = [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)];
    assert.ok(scripts.length > 0, 'the page loads a script');
    for (const [, attributes, body] of scripts) {
      assert.match(attributes!, /\bsrc="\/assets\/[^"]+\.js"/);
      assert.equal(body!.trim(), '');
    }
    assert.doesNotMatch(html, /\sstyle="/, 'no inline style attributes');
  });

  it('serves the hashed assets with the headers, cached for good', async () => {
    const html = await (await fetch(`${server.url}/`)).text();
    const assets = [...html.matchAll(/(?:src|href)="(\/assets\/[^"]+)"/g)].map((match) => match[1]!);
    assert.ok(assets.some((path) => path.endsWith('.js')) && assets.some((path) => path.endsWith('.css')), `assets: ${assets.join(', ')}`);
    for (const path of assets) {
      const response = await fetch(server.url + path);
      assert.equal(response.status, 200, path);
      assertSecurityHeaders(response.headers, path);
      assert.equal(response.headers.get('cache-control'), 'public, max-age=31536000, immutable');
      assert.match(response.headers.get('content-type') ?? '', path.endsWith('.js') ? /javascript/ : /text\/css/);
    }
  });

  it('serves assets that a rebuild adds while the server runs, and nothing outside assets/', async () => {
    writeFileSync(join(server.distDir, 'assets', 'index-rebuilt.js'), 'console.log(1);\n');
    const added = await fetch(`${server.url}/assets/index-rebuilt.js`);
    assert.equal(added.status, 200);
    assert.equal(await added.text(), 'console.log(1);\n');
    assertSecurityHeaders(added.headers, 'a new asset');
    for (const path of ['/assets/', '/assets/..%2findex.html', '/assets/..%2f..%2f..%2fpackage.json']) {
      const response = await fetch(server.url + path);
      assert.ok([403, 404].includes(response.status), `${path}: ${response.status}`);
      assert.doesNotMatch(await response.text(), /<div id="app">|"name":/, path);
    }
  });

  it('keeps the API under /api: unknown API paths are 404 problems, never the page', async () => {
    for (const path of ['/api/nope', '/api/', '/api/users/x/y/z', '/nope', '/assets/missing.js', '/../package.json']) {
      const response = await fetch(server.url + path);
      assert.equal(response.status, 404, path);
      assert.match(response.headers.get('content-type') ?? '', /^application\/problem\+json/, path);
      assert.equal((await response.json()).code, 'route_not_found', path);
    }
    const info = await fetch(`${server.url}/api/_info`);
    assert.equal(info.status, 200);
    assert.equal(info.headers.get('cache-control'), 'no-store');
    const me = await fetch(`${server.url}/api/me`);
    assert.equal(me.status, 401, 'the API still asks for credentials');
  });

  it('asks for no credentials for the page and stays out of the OpenAPI document', async () => {
    const spec = await (await fetch(`${server.url}/api/openapi.json`)).json();
    assert.deepEqual(
      Object.keys(spec.paths).filter((path: string) => !path.startsWith('/api/')),
      [],
    );
  });

  it('registers once: a second registration is a no-op', async () => {
    // (buildApp may register it itself; the tests register it again.)
    const sqlite = backends().find((backend) => backend.name === 'sqlite')!;
    const database = await freshDatabase(sqlite);
    const app = await buildApp({ database, config: { tokenExpirationMinutes: 60, apiKeyRotationGraceSeconds: 3600, logLevel: 'silent' }, version: 'test' });
    try {
      await registerWebUi(app, { distDir: WEB_DIST });
      await registerWebUi(app, { distDir: WEB_DIST });
      const response = await app.inject({ url: '/' });
      assert.equal(response.statusCode, 200);
    } finally {
      await app.close();
      await database.close();
    }
  });

  it('does nothing, and logs nothing, when the build folder does not exist', async () => {
    const sqlite = backends().find((backend) => backend.name === 'sqlite')!;
    const database = await freshDatabase(sqlite);
    const lines: string[] = [];
    const { Writable } = await import('node:stream');
    const logStream = new Writable({
      write(chunk, _encoding, callback) {
        lines.push(String(chunk));
        callback();
      },
    });
    const app = await buildApp({ database, config: { tokenExpirationMinutes: 60, apiKeyRotationGraceSeconds: 3600, logLevel: 'trace' }, version: 'test', logStream });
    try {
      const before = lines.length;
      await registerWebUi(app, { distDir: join(mkdtempSync(join(tmpdir(), 'argilla-no-ui-')), 'dist') });
      await app.ready();
      assert.equal(lines.slice(before).join(''), '', 'nothing logged');
      const response = await app.inject({ url: '/' });
      assert.equal(response.statusCode, 404);
      assert.equal(response.json().code, 'route_not_found');
      assert.equal(response.headers['content-security-policy'], undefined);
    } finally {
      await app.close();
      await database.close();
    }
  });
});
