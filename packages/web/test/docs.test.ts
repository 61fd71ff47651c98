// The interactive API docs (/api/docs) in headless Chromium, under the same Content-Security-Policy
// as the web UI: the page loads with no policy violation and lists every operation of the OpenAPI
// document; opening one shows its details and "Try it out" calls the API from the page.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { browserSkipReason, launchBrowser, Screenshots, startUiServer, type UiServer } from './helpers.js';

const skip = browserSkipReason();

declare global {
  interface Window {
    __violations?: string[];
  }
}

describe('the API docs in Chromium', { skip }, () => {
  let server: UiServer;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  const shots = new Screenshots('docs');
  /** console errors, failed requests and policy violations */
  const problems: string[] = [];

  before(async () => {
    server = await startUiServer();
    browser = await launchBrowser();
    context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    // Every violation the page meets, reported by the browser itself as it happens.
    await context.addInitScript(() => {
      window.__violations = [];
      document.addEventListener('securitypolicyviolation', (event) => {
        window.__violations!.push(`${event.violatedDirective} blocked ${event.blockedURI || '(inline)'} at ${event.sourceFile}:${event.lineNumber}`);
      });
    });
    page = await context.newPage();
    page.on('console', (message) => {
      if (message.type() === 'error' || /Content.Security.Policy/i.test(message.text())) problems.push(`console: ${message.text()}`);
    });
    page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
    page.on('requestfailed', (request) => problems.push(`request failed: ${request.url()} ${request.failure()?.errorText}`));
  });

  after(async () => {
    await context?.close();
    await browser?.close();
    await server?.close();
  });

  it('serves /api/docs with the UI policy', async () => {
    const response = await page.goto(`${server.url}/api/docs`);
    assert.equal(response?.status(), 200);
    const policy = (await response!.allHeaders())['content-security-policy'] ?? '';
    assert.match(policy, /frame-ancestors 'none'/);
    assert.doesNotMatch(policy, /unsafe-inline|https:/);
  });

  it('lists every operation of the OpenAPI document, with no policy violation', async () => {
    const doc = (await (await fetch(`${server.url}/api/openapi.json`)).json()) as { paths: Record<string, Record<string, unknown>> };
    const expected = Object.values(doc.paths).reduce((count, item) => count + Object.keys(item).filter((m) => m !== 'parameters').length, 0);
    await page.locator('.opblock-summary-path').first().waitFor();
    // Tags are expanded by default: every operation has its row.
    const rows = page.locator('.opblock');
    assert.equal(await rows.count(), expected);
    const paths = await page.locator('.opblock-summary-path').allInnerTexts();
    assert.ok(paths.some((path) => path.replace(/\u200b/g, '') === '/api/users'), paths.join(', '));
    await shots.take(page, 'operations');
    assert.deepEqual(await page.evaluate(() => window.__violations), []);
    assert.deepEqual(problems, []);
  });

  it('opens an operation and tries it out from the page (same origin, allowed by connect-src)', async () => {
    const operation = page.locator('.opblock').filter({ has: page.locator('.opblock-summary-path', { hasText: '/api/_info' }) });
    await operation.locator('.opblock-summary').click();
    await operation.getByRole('button', { name: 'Try it out' }).click();
    await operation.getByRole('button', { name: 'Execute' }).click();
    const body = operation.locator('.responses-wrapper .live-responses-table .response-col_description pre').first();
    await body.waitFor();
    assert.match(await body.innerText(), /"server_version": "test"/);
    await shots.take(page, 'tried');
    assert.deepEqual(await page.evaluate(() => window.__violations), []);
    assert.deepEqual(problems, []);
  });
});
