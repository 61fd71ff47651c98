// The interactive API docs (/api/docs) share the web UI's origin, where the UI keeps its login
// token: they get the UI's own security headers, Content-Security-Policy included (no inline code,
// no other origin, no framing). That the page still works under that policy is checked in a real
// browser by packages/web/test/docs.test.ts.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { WEB_SECURITY_HEADERS } from '../../src/http/web.js';
import { backends } from '../helpers/databases.js';
import { startTestServer, type TestServer } from '../helpers/http.js';

const UI_POLICY =
  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'";

function directives(policy: string): Map<string, string[]> {
  return new Map(
    policy
      .split(';')
      .map((part) => part.trim().split(/\s+/))
      .filter((words) => words[0])
      .map(([name, ...values]) => [name!, values]),
  );
}

for (const backend of backends()) {
  describe(`/api/docs security headers (${backend.name})`, () => {
    let server: TestServer;
    let paths: string[];
    before(async () => {
      server = await startTestServer(backend);
      const html = await (await fetch(`${server.url}/api/docs`)).text();
      const linked = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((match) => new URL(match[1]!, `${server.url}/api/docs`).pathname);
      paths = ['/api/docs', '/api/docs/', '/api/docs/json', '/api/docs/static/swagger-initializer.js', ...linked];
    });
    after(() => server.close());

    it("the UI's policy is the one tested here", () => {
      assert.equal(WEB_SECURITY_HEADERS['content-security-policy'], UI_POLICY);
    });

    it('the page, its scripts, styles, icons and the document it loads carry the UI policy exactly', async () => {
      assert.ok(paths.some((path) => path.endsWith('.js')) && paths.some((path) => path.endsWith('.css')), paths.join(', '));
      for (const path of paths) {
        const response = await fetch(server.url + path);
        assert.equal(response.status, 200, path);
        const policy = response.headers.get('content-security-policy') ?? '';
        assert.equal(policy, UI_POLICY, path);
        assert.deepEqual(directives(policy).get('frame-ancestors'), ["'none'"], path);
        assert.deepEqual(directives(policy).get('style-src'), ["'self'"], path);
        assert.deepEqual(directives(policy).get('script-src'), ["'self'"], path);
        assert.doesNotMatch(policy, /unsafe-inline|unsafe-eval|https:|\*/, path);
        assert.equal(response.headers.get('x-frame-options'), 'DENY', path);
        assert.equal(response.headers.get('x-content-type-options'), 'nosniff', path);
        assert.equal(response.headers.get('referrer-policy'), 'no-referrer', path);
      }
    });

    it('the page has no inline script or style (the policy would block them)', async () => {
      const html = await (await fetch(`${server.url}/api/docs`)).text();
      for (const [, attributes, body] of html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)) {
        assert.match(attributes!, /\bsrc="/);
        assert.equal(body!.trim(), '');
      }
      assert.doesNotMatch(html, /<style\b/);
      assert.doesNotMatch(html, /\sstyle="/);
      assert.doesNotMatch(html, /\son[a-z]+="/);
    });

    it('the redirect from the old index path carries the policy too', async () => {
      const response = await fetch(`${server.url}/api/docs/static/index.html`, { redirect: 'manual' });
      assert.equal(response.status, 302);
      assert.equal(response.headers.get('content-security-policy'), UI_POLICY);
    });
  });
}
