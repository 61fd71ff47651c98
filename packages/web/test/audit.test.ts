// API key rotation on the profile page and the admins' audit log, in headless Chromium against the
// real server: a rotated key's new secret works and the old one still does (grace period), a second
// rotation of the old key is refused in words; the audit log shows those events with actor and
// address, filters them (kept in the address), pages to older events and back; annotators are kept out.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { adminCall, browserSkipReason, launchBrowser, logIn, Screenshots, startUiServer, type UiServer } from './helpers.js';

const skip = browserSkipReason();

const KEY_NAME = 'nightly-export';
const ANNOTATOR = 'audit-ann';
const ANNOTATOR_PASSWORD = 'audit-ann-pw';
const WORKSPACES = 23;
const LOOPBACK = /^(::ffff:)?127\.0\.0\.1$|^::1$/;

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** GET /api/me with an API key: the status and, when accepted, the username. */
async function whoIs(server: UiServer, apiKey: string): Promise<{ status: number; username?: string }> {
  const response = await fetch(`${server.url}/api/me`, { headers: { 'x-argilla-api-key': apiKey } });
  const body = (await response.json()) as { username?: string };
  return { status: response.status, username: response.ok ? body.username : undefined };
}

describe('API key rotation and the audit log in Chromium', { skip }, () => {
  let server: UiServer;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  const shots = new Screenshots('audit');
  const problems: string[] = [];
  /** the admin's key made for rotating, as created */
  let oldKey: { id: string; preview: string; api_key: string };
  let newSecret = '';
  let annotatorKey = '';

  before(async () => {
    server = await startUiServer();
    oldKey = await adminCall(server, 'POST', '/api/me/api-keys', { name: KEY_NAME });
    const annotator = await adminCall(server, 'POST', '/api/users', { username: ANNOTATOR, first_name: 'Audit', password: ANNOTATOR_PASSWORD });
    annotatorKey = annotator.api_key;
    browser = await launchBrowser();
    context = await browser.newContext({ viewport: { width: 1280, height: 860 } });
    page = await context.newPage();
    page.on('console', (message) => {
      // The 409 the second rotation provokes is logged by Chromium as a failed load.
      if (message.type() === 'error' && !/Failed to load resource: the server responded with a status of 4\d\d/.test(message.text())) {
        problems.push(`console: ${message.text()}`);
      }
    });
    page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
    await page.goto(`${server.url}/#/profile`);
    await logIn(page, 'argilla', '1234');
    await page.getByRole('heading', { level: 1, name: 'Your profile' }).waitFor();
  });

  after(async () => {
    await context?.close();
    await browser?.close();
    await server?.close();
  });

  const keyRow = (preview: string) => page.getByTestId('api-keys').locator(`tr[data-preview="${preview}"]`);
  const auditCount = () => page.getByTestId('audit-count');
  const auditRows = () => page.getByTestId('audit-table').locator('tbody tr');
  const filters = () => page.locator('form[role=search]');

  it('rotates an API key after confirmation: the new secret is shown once and works, the old one still works', async () => {
    const row = keyRow(oldKey.preview);
    await row.getByRole('button', { name: `Rotate key ${KEY_NAME}` }).click();
    const dialog = page.getByRole('dialog', { name: 'Rotate this API key?' });
    await dialog.waitFor();
    const explanation = await dialog.innerText();
    assert.match(explanation, new RegExp(`Key "${KEY_NAME}" \\(${escapeRegExp(oldKey.preview)}\\) is replaced by a new key`));
    assert.match(explanation, /keeps working for a grace period \(one hour, unless the server sets another with\s+ARGILLA_API_KEY_ROTATION_GRACE_SECONDS\)/);
    assert.match(explanation, /After that it stops working/);
    await shots.take(page, 'profile-rotate-confirm');
    // Cancelling changes nothing.
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await dialog.waitFor({ state: 'hidden' });
    assert.equal(await page.getByTestId('api-keys').getByRole('row', { name: new RegExp(KEY_NAME) }).count(), 1);

    await row.getByRole('button', { name: `Rotate key ${KEY_NAME}` }).click();
    await dialog.getByRole('button', { name: 'Rotate key' }).click();
    await dialog.waitFor({ state: 'hidden' });
    const notice = page.getByTestId('rotated-key');
    // The old key's end of grace appears once the list has been reloaded.
    await notice.filter({ hasText: 'keeps working until' }).waitFor();
    assert.match(await notice.innerText(), new RegExp(`Key "${KEY_NAME}" rotated: below is its new secret\\. The old one \\(${escapeRegExp(oldKey.preview)}\\) keeps working until`));
    newSecret = await page.getByLabel('Your new API key').inputValue();
    assert.match(newSecret, /^argilla_/);
    assert.notEqual(newSecret, oldKey.api_key);
    await page.getByText('Copy it now: it will not be shown again.').waitFor();

    // Both secrets authenticate as the admin, for now.
    assert.deepEqual(await whoIs(server, newSecret), { status: 200, username: 'argilla' });
    assert.deepEqual(await whoIs(server, oldKey.api_key), { status: 200, username: 'argilla' });

    // The list holds the old key (now ending with the grace period, an hour away) and its replacement.
    const keys: Array<{ id: string; name: string; preview: string; expires_at: string | null }> = await adminCall(server, 'GET', '/api/me/api-keys');
    const named = keys.filter((key) => key.name === KEY_NAME);
    assert.equal(named.length, 2);
    const old = named.find((key) => key.id === oldKey.id)!;
    const replacement = named.find((key) => key.id !== oldKey.id)!;
    assert.ok(old.expires_at, 'the old key now expires');
    const graceLeft = Date.parse(old.expires_at) - Date.now();
    assert.ok(graceLeft > 3500_000 && graceLeft <= 3600_000, `grace left: ${graceLeft} ms`);
    assert.equal(replacement.expires_at, null);
    assert.ok(newSecret.endsWith(replacement.preview.split('…')[1]!), 'the new row is the shown secret');
    await keyRow(replacement.preview).waitFor();
    assert.notEqual(await keyRow(oldKey.preview).locator('td[data-label="Expires"]').innerText(), 'never');
    assert.equal(await keyRow(replacement.preview).locator('td[data-label="Expires"]').innerText(), 'never');
    await shots.take(page, 'profile-rotated');
  });

  it('refuses to rotate the replaced key a second time, saying why', async () => {
    await keyRow(oldKey.preview).getByRole('button', { name: `Rotate key ${KEY_NAME}` }).click();
    const dialog = page.getByRole('dialog', { name: 'Rotate this API key?' });
    await dialog.getByRole('button', { name: 'Rotate key' }).click();
    const error = dialog.getByRole('alert');
    await error.waitFor();
    assert.equal(await error.innerText(), `API key '${KEY_NAME}' (${oldKey.preview}) was already rotated: rotate its replacement instead.`);
    await shots.take(page, 'profile-rotate-refused');
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden' });
    // Nothing changed: still the two keys, the new secret still shown and working.
    assert.equal(await page.getByTestId('api-keys').getByRole('row', { name: new RegExp(KEY_NAME) }).count(), 2);
    assert.equal(await page.getByLabel('Your new API key').inputValue(), newSecret);
    assert.equal((await whoIs(server, newSecret)).status, 200);
  });

  it('shows the admin the audit log: the login and the rotation, with actor and address, no secret', async () => {
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Audit log' }).click();
    await page.getByRole('heading', { level: 1, name: 'Audit log' }).waitFor();
    assert.equal(await page.title(), 'Audit log · Argilla');
    // The default admin (made at start), the key and the annotator (through the API), the login, the rotation.
    await auditCount().filter({ hasText: 'Events 1–5 of 5, newest first' }).waitFor();
    // Newest first: the rotation is the last change made (the refused one recorded nothing).
    assert.equal(await auditRows().first().getAttribute('data-type'), 'api_key.rotated');
    const rotated = page.locator('tr[data-type="api_key.rotated"]');
    assert.equal(await rotated.count(), 1);
    assert.equal(await rotated.locator('td[data-label="Actor"]').innerText(), 'argilla');
    assert.match(await rotated.locator('td[data-label="Address"]').innerText(), LOOPBACK);
    assert.match(await rotated.locator('td[data-label="Target"]').innerText(), /^api_key [0-9a-f]{8}…$/);
    const details = await rotated.locator('td[data-label="Details"]').innerText();
    assert.match(details, new RegExp(`name=${KEY_NAME}`));
    assert.match(details, new RegExp(`replaces=${oldKey.id}`));

    const login = page.locator('tr[data-type="auth.login.succeeded"]');
    assert.equal(await login.count(), 1);
    assert.equal(await login.locator('td[data-label="Actor"]').innerText(), 'argilla');
    assert.match(await login.locator('td[data-label="Address"]').innerText(), LOOPBACK);
    assert.match(await login.locator('td[data-label="Details"]').innerText(), /username=argilla/);
    // The annotator made through the API by argilla; the default admin made at start by the system.
    const annotatorCreated = page.locator('tr[data-type="user.created"]', { hasText: `username=${ANNOTATOR}` });
    assert.equal(await annotatorCreated.locator('td[data-label="Actor"]').innerText(), 'argilla');
    const adminCreated = page.locator('tr[data-type="user.created"]', { hasText: 'default_user=true' });
    assert.equal(await adminCreated.locator('td[data-label="Actor"]').innerText(), 'system');
    assert.equal(await adminCreated.locator('td[data-label="Address"]').innerText(), '—');
    assert.match(await adminCreated.locator('td[data-label="Details"]').innerText(), /username=argilla role=admin workspaces=\["argilla"\]/);

    const text = await page.locator('main').innerText();
    assert.ok(!text.includes(newSecret) && !text.includes(oldKey.api_key), 'no secret on the page');
    // Everything fits on the first page, so there is nowhere to go.
    assert.equal(await page.getByRole('button', { name: 'Older events' }).isDisabled(), true);
    assert.equal(await page.getByRole('button', { name: 'Newest events' }).isDisabled(), true);
    await shots.take(page, 'audit-log');
  });

  it('filters by event type and by actor, keeping the filters in the address', async () => {
    // A failed login: an event without actor.
    const failed = await fetch(`${server.url}/api/security/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ username: ANNOTATOR, password: 'not-the-password' }).toString(),
    });
    assert.equal(failed.status, 401);

    await filters().getByLabel('Event').selectOption('api_key');
    await filters().getByRole('button', { name: 'Apply filters' }).click();
    await page.waitForURL(/#\/audit\?type=api_key$/);
    await auditCount().filter({ hasText: 'Events 1–2 of 2, newest first' }).waitFor();
    assert.deepEqual(await auditRows().evaluateAll((rows) => rows.map((row) => row.getAttribute('data-type'))), ['api_key.rotated', 'api_key.created']);

    await filters().getByLabel('Event').selectOption('api_key.rotated');
    // Not applied until the button is pressed.
    assert.match(page.url(), /#\/audit\?type=api_key$/);
    assert.equal(await auditRows().count(), 2);
    await filters().getByRole('button', { name: 'Apply filters' }).click();
    await auditCount().filter({ hasText: 'Events 1–1 of 1, newest first' }).waitFor();
    assert.equal(await auditRows().first().getAttribute('data-type'), 'api_key.rotated');
    // A reload keeps the filter, in the form too.
    await page.reload();
    await auditCount().filter({ hasText: 'Events 1–1 of 1, newest first' }).waitFor();
    assert.equal(await filters().getByLabel('Event').inputValue(), 'api_key.rotated');

    await filters().getByLabel('Event').selectOption('auth.login.failed');
    await filters().getByRole('button', { name: 'Apply filters' }).click();
    await auditCount().filter({ hasText: 'Events 1–1 of 1, newest first' }).waitFor();
    const failure = page.locator('tr[data-type="auth.login.failed"]');
    await failure.waitFor();
    assert.equal(await failure.locator('td[data-label="Actor"]').innerText(), 'anonymous');
    assert.match(await failure.locator('td[data-label="Details"]').innerText(), new RegExp(`username=${ANNOTATOR}`));

    // By actor: nobody did anything as this name; argilla did all that has an actor.
    await filters().getByLabel('Event').selectOption('');
    await filters().getByLabel('Actor').fill('nobody-at-all');
    await filters().getByRole('button', { name: 'Apply filters' }).click();
    await page.waitForURL(/#\/audit\?actor=nobody-at-all$/);
    await auditCount().filter({ hasText: 'No event matches.' }).waitFor();
    assert.equal(await page.getByTestId('audit-table').count(), 0);
    await shots.take(page, 'audit-no-match');
    await filters().getByLabel('Actor').fill('argilla');
    await filters().getByRole('button', { name: 'Apply filters' }).click();
    await auditCount().filter({ hasText: 'Events 1–4 of 4, newest first' }).waitFor();
    assert.deepEqual(await page.locator('td[data-label="Actor"]').allInnerTexts(), ['argilla', 'argilla', 'argilla', 'argilla']);
    assert.equal(await page.locator('tr[data-type="auth.login.failed"]').count(), 0);

    await page.getByRole('button', { name: 'Clear filters' }).click();
    await page.waitForURL(/#\/audit$/);
    await page.locator('tr[data-type="auth.login.failed"]').waitFor();
    assert.equal(await filters().getByLabel('Actor').inputValue(), '');
  });

  it('pages to older events with the cursor, and back to the newest', async () => {
    const names = Array.from({ length: WORKSPACES }, (_, i) => `audit-ws-${String(i + 1).padStart(2, '0')}`);
    for (const name of names) await adminCall(server, 'POST', '/api/workspaces', { name });

    await filters().getByLabel('Event').selectOption('workspace');
    await filters().getByLabel('Per page').selectOption('10');
    await filters().getByRole('button', { name: 'Apply filters' }).click();
    await page.waitForURL(/#\/audit\?type=workspace&limit=10$/);
    const namesShown = async () =>
      (await page.locator('td[data-label="Details"]').allInnerTexts()).map((text) => /name=(\S+)/.exec(text)?.[1] ?? text);

    await auditCount().filter({ hasText: 'Events 1–10, newest first' }).waitFor();
    const first = await namesShown();
    assert.equal(await page.getByRole('button', { name: 'Newest events' }).isDisabled(), true);
    await shots.take(page, 'audit-page-1');

    await page.getByRole('button', { name: 'Older events' }).click();
    await page.waitForURL(/cursor=[^&]+&page=2$/);
    await auditCount().filter({ hasText: 'Events 11–20, newest first' }).waitFor();
    const second = await namesShown();
    await page.getByRole('navigation', { name: 'Pages of events' }).getByText('Page 2').waitFor();

    await page.getByRole('button', { name: 'Older events' }).click();
    await auditCount().filter({ hasText: 'Events 21–23 of 23, newest first' }).waitFor();
    const third = await namesShown();
    assert.equal(await page.getByRole('button', { name: 'Older events' }).isDisabled(), true);
    await shots.take(page, 'audit-page-3');

    assert.deepEqual([first.length, second.length, third.length], [10, 10, 3]);
    assert.deepEqual([...first, ...second, ...third].sort(), names, 'every workspace event once, across the pages');
    // The newest events come first.
    assert.ok(first.includes(names[WORKSPACES - 1]!), `page 1: ${first.join(' ')}`);
    assert.ok(third.includes(names[0]!), `page 3: ${third.join(' ')}`);

    // The Back button returns to the newer page; "Newest events" to the first.
    await page.goBack();
    await auditCount().filter({ hasText: 'Events 11–20, newest first' }).waitFor();
    assert.deepEqual(await namesShown(), second);
    await page.getByRole('button', { name: 'Newest events' }).click();
    await page.waitForURL(/#\/audit\?type=workspace&limit=10$/);
    await auditCount().filter({ hasText: 'Events 1–10, newest first' }).waitFor();
    assert.deepEqual(await namesShown(), first);
  });

  it('fits a phone-sized screen', async () => {
    await page.setViewportSize({ width: 375, height: 740 });
    try {
      await page.goto(`${server.url}/#/audit`);
      await page.locator('tr[data-type="api_key.rotated"]').waitFor();
      assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth + 1), 'the audit page fits the width');
      await shots.take(page, 'audit-phone');
    } finally {
      await page.setViewportSize({ width: 1280, height: 860 });
    }
  });

  it('keeps annotators out of the audit log', async () => {
    const other = await browser.newContext({ viewport: { width: 1280, height: 860 } });
    try {
      const annotator = await other.newPage();
      annotator.on('pageerror', (error) => problems.push(`page error (annotator): ${error.message}`));
      await annotator.goto(`${server.url}/#/audit`);
      await annotator.waitForURL(/#\/login\?next=%2Faudit$/);
      await logIn(annotator, ANNOTATOR, ANNOTATOR_PASSWORD);
      await annotator.getByText('Your role does not give access to this page.').waitFor();
      assert.match(annotator.url(), /#\/audit$/);
      assert.equal(await annotator.getByTestId('audit-table').count(), 0);
      assert.deepEqual(await annotator.getByRole('navigation', { name: 'Main' }).getByRole('link').allInnerTexts(), ['Home', 'Profile']);
      await shots.take(annotator, 'annotator-audit-refused');
      // And the server refuses the annotator the list anyway.
      const response = await fetch(`${server.url}/api/audit-events`, { headers: { 'x-argilla-api-key': annotatorKey } });
      assert.equal(response.status, 403);
    } finally {
      await other.close();
    }
  });

  it('met no script error', () => {
    assert.deepEqual(problems, []);
  });
});
