// Access in the web UI follows the `permissions` of GET /api/me, not the role's name, in headless
// Chromium against the real server: an annotator gets no Users, Workspaces or Audit screens and no
// management controls; an admin gets all of them; an admin whose /api/me is made to omit some
// permissions loses exactly the matching controls. The audit filter offers the server's event
// types and the user forms the server's roles, as its OpenAPI document lists them.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { adminCall, browserSkipReason, launchBrowser, logIn, Screenshots, startUiServer, type UiServer } from './helpers.js';

const skip = browserSkipReason();

const WORKSPACE = 'perm-team';
const ANNOTATOR = 'perm-ann';
const ANNOTATOR_PASSWORD = 'perm-ann-pw';
const REFUSAL = 'Your role does not give access to this page.';

interface OpenApi {
  components: { schemas: Record<string, { enum?: string[] }> };
}

describe('permissions drive the web UI in Chromium', { skip }, () => {
  let server: UiServer;
  let browser: Browser;
  let openapi: OpenApi;
  const shots = new Screenshots('permissions');
  const problems: string[] = [];
  const contexts: BrowserContext[] = [];

  before(async () => {
    server = await startUiServer();
    await adminCall(server, 'POST', '/api/users', {
      username: ANNOTATOR,
      first_name: 'Perm',
      role: 'annotator',
      password: ANNOTATOR_PASSWORD,
      workspaces: [WORKSPACE],
    });
    openapi = (await (await fetch(`${server.url}/api/openapi.json`)).json()) as OpenApi;
    browser = await launchBrowser();
  });

  after(async () => {
    for (const context of contexts) await context.close();
    await browser?.close();
    await server?.close();
  });

  /** A fresh browser session (its own storage) on the login page, logged in as this user. */
  async function session(username: string, password: string, start = '/home'): Promise<Page> {
    const context = await browser.newContext({ viewport: { width: 1280, height: 860 } });
    contexts.push(context);
    const page = await context.newPage();
    page.on('console', (message) => {
      // The 403s a refused page might provoke are logged by Chromium as failed loads.
      if (message.type() === 'error' && !/Failed to load resource: the server responded with a status of 4\d\d/.test(message.text())) {
        problems.push(`console (${username}): ${message.text()}`);
      }
    });
    page.on('pageerror', (error) => problems.push(`page error (${username}): ${error.message}`));
    await page.goto(`${server.url}/#${start}`);
    await logIn(page, username, password);
    await page.getByTestId('current-user').filter({ hasText: username }).waitFor();
    return page;
  }

  const nav = (page: Page) => page.getByRole('navigation', { name: 'Main' });
  const heading = (page: Page, name: string | RegExp) => page.getByRole('heading', { level: 1, name });
  const enumOf = (schema: string): string[] => {
    const values = openapi.components.schemas[schema]?.enum;
    assert.ok(Array.isArray(values) && values.length > 0, `components.schemas.${schema}.enum in /api/openapi.json`);
    return values;
  };

  it('publishes the permissions of each role on /api/me', async () => {
    const token = await fetch(`${server.url}/api/security/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ username: ANNOTATOR, password: ANNOTATOR_PASSWORD }).toString(),
    });
    const { access_token } = (await token.json()) as { access_token: string };
    const annotator = (await (await fetch(`${server.url}/api/me`, { headers: { authorization: `Bearer ${access_token}` } })).json()) as {
      permissions: string[];
    };
    assert.deepEqual([...annotator.permissions].sort(), ['datasets.annotate', 'datasets.log', 'datasets.read']);
    const admin = (await adminCall(server, 'GET', '/api/me')) as { permissions: string[] };
    assert.deepEqual([...admin.permissions].sort(), [...enumOf('Permission')].sort());
  });

  it('gives the annotator no Users, Workspaces or Audit screen, link or control', async () => {
    const page = await session(ANNOTATOR, ANNOTATOR_PASSWORD);
    await heading(page, 'Welcome, Perm').waitFor();
    assert.deepEqual(await nav(page).getByRole('link').allInnerTexts(), ['Home', 'Profile']);
    assert.equal(
      (await page.locator('p.hint', { hasText: 'Choose one to see its datasets.' }).innerText()).trim(),
      'The workspaces you are a member of. Choose one to see its datasets.',
    );
    assert.deepEqual(await page.getByTestId('workspace-list').getByRole('button').allInnerTexts(), [WORKSPACE]);
    assert.equal(await page.getByTestId('default-credentials-banner').count(), 0);
    await shots.take(page, 'annotator-home');

    for (const path of ['/users', '/workspaces', '/audit']) {
      await page.goto(`${server.url}/#${path}`);
      await page.getByText(REFUSAL).waitFor();
      assert.equal(await page.locator('main').innerText(), REFUSAL, `${path}: the refusal and nothing else`);
      assert.equal(await page.locator('main button, main form, main table').count(), 0, `${path}: no control`);
      assert.deepEqual(await nav(page).getByRole('link').allInnerTexts(), ['Home', 'Profile']);
    }
    await shots.take(page, 'annotator-audit-refused');
  });

  it('gives the admin every screen and its controls', async () => {
    const page = await session('argilla', '1234');
    await heading(page, /^Welcome,/).waitFor();
    assert.deepEqual(await nav(page).getByRole('link').allInnerTexts(), ['Home', 'Profile', 'Users', 'Workspaces', 'Audit log']);
    assert.equal(
      (await page.locator('p.hint', { hasText: 'Choose one to see its datasets.' }).innerText()).trim(),
      'You can see every workspace. Choose one to see its datasets.',
    );
    assert.equal(await page.getByTestId('default-credentials-banner').count(), 1);

    await nav(page).getByRole('link', { name: 'Users' }).click();
    await heading(page, 'Users').waitFor();
    const users = page.getByTestId('users-table').locator('tbody tr');
    await users.first().waitFor();
    const userCount = await users.count();
    assert.equal(userCount, 2, 'argilla and the annotator');
    assert.equal(await page.getByRole('button', { name: 'New user' }).count(), 1);
    assert.equal(await page.getByRole('button', { name: /^Edit / }).count(), userCount);
    assert.equal(await page.getByRole('button', { name: /^Delete / }).count(), userCount);
    assert.equal(await page.getByRole('button', { name: /^Reset the password of / }).count(), userCount);

    await nav(page).getByRole('link', { name: 'Workspaces' }).click();
    await heading(page, 'Workspaces').waitFor();
    const workspaces = page.getByTestId('workspaces-table').locator('tbody tr');
    await workspaces.first().waitFor();
    const workspaceCount = await workspaces.count();
    assert.equal(workspaceCount, 2, 'argilla and perm-team');
    assert.equal(await page.getByRole('button', { name: 'Create workspace' }).count(), 1);
    assert.equal(await page.getByRole('button', { name: /^Members of / }).count(), workspaceCount);
    assert.equal(await page.getByRole('button', { name: /^Delete workspace / }).count(), workspaceCount);
    await shots.take(page, 'admin-workspaces');

    await nav(page).getByRole('link', { name: 'Audit log' }).click();
    await heading(page, 'Audit log').waitFor();
    await page.getByTestId('audit-count').waitFor();
    assert.equal(await page.getByText(REFUSAL).count(), 0);
  });

  it("offers exactly the server's event types in the audit filter", async () => {
    const page = await session('argilla', '1234', '/audit');
    await heading(page, 'Audit log').waitFor();
    const types = enumOf('AuditEventType');
    const options = await page
      .locator('form[role=search] select[name=type] option')
      .evaluateAll((nodes) => nodes.map((node) => ({ value: (node as HTMLOptionElement).value, label: node.textContent!.trim() })));

    // Every event type once, in the server's order, after "any event" and around the family entries.
    assert.deepEqual(options[0], { value: '', label: 'any event' });
    const offeredTypes = options.filter((option) => option.value.includes('.')).map((option) => option.value);
    assert.deepEqual(offeredTypes, types);
    // A family (text before the first dot) of several types is offered as a whole too.
    const sizes = new Map<string, number>();
    for (const type of types) sizes.set(type.split('.')[0]!, (sizes.get(type.split('.')[0]!) ?? 0) + 1);
    const families = [...sizes].filter(([, size]) => size > 1).map(([family]) => family);
    assert.deepEqual(
      options.filter((option) => option.value !== '' && !option.value.includes('.')),
      families.map((family) => ({ value: family, label: `${family}.* (all)` })),
    );
    assert.equal(options.length, 1 + types.length + families.length);
    await shots.take(page, 'audit-filter');
  });

  it("offers exactly the server's roles in the user forms", async () => {
    const page = await session('argilla', '1234', '/users');
    await heading(page, 'Users').waitFor();
    const roles = enumOf('Role');
    const values = (select: ReturnType<Page['locator']>) =>
      select.locator('option').evaluateAll((nodes) => nodes.map((node) => (node as HTMLOptionElement).value));

    assert.deepEqual(await values(page.locator('form[role=search] select[name=role]')), ['', ...roles]);
    await page.getByRole('button', { name: 'New user' }).click();
    assert.deepEqual(await values(page.locator('#create-user select[name=role]')), ['', ...roles]);
    await page.getByRole('button', { name: `Edit ${ANNOTATOR}` }).click();
    const dialog = page.getByRole('dialog', { name: `Edit ${ANNOTATOR}` });
    await dialog.waitFor();
    assert.deepEqual(await values(dialog.locator('select[name=role]')), roles);
    assert.equal(await dialog.locator('select[name=role]').inputValue(), 'annotator');
    await shots.take(page, 'users-edit-roles');
  });

  it('hides what /api/me leaves out, even for an admin', async () => {
    // The same admin, but its /api/me answers keep only the reading permissions: the UI must go by
    // that list, not by the role it still shows.
    const context = await browser.newContext({ viewport: { width: 1280, height: 860 } });
    contexts.push(context);
    const kept = ['users.read', 'workspaces.read_all', 'memberships.manage', 'datasets.read'];
    await context.route(/\/api\/me(\?|$)/, async (route) => {
      const response = await route.fetch();
      const body = (await response.json()) as Record<string, unknown>;
      await route.fulfill({ response, json: { ...body, permissions: kept } });
    });
    const page = await context.newPage();
    page.on('pageerror', (error) => problems.push(`page error (reduced admin): ${error.message}`));
    await page.goto(`${server.url}/#/users`);
    await logIn(page, 'argilla', '1234');
    await heading(page, 'Users').waitFor();
    assert.equal(await page.locator('.role-badge').innerText(), 'admin');
    assert.deepEqual(await nav(page).getByRole('link').allInnerTexts(), ['Home', 'Profile', 'Users', 'Workspaces']);
    // No banner: it is for those who can change users' credentials.
    assert.equal(await page.getByTestId('default-credentials-banner').count(), 0);

    // Users readable, not manageable: the table without its actions.
    await page.getByTestId('users-table').locator('tbody tr').first().waitFor();
    assert.equal(await page.getByTestId('users-table').locator('tbody tr').count(), 2);
    assert.equal(await page.getByTestId('users-table').locator('thead th').count(), 6);
    assert.equal(await page.getByRole('button', { name: 'New user' }).count(), 0);
    assert.equal(await page.getByRole('button', { name: /^(Edit|Delete|Disable|Enable|Reset the password of) / }).count(), 0);

    // Members manageable, workspaces not: Members buttons only.
    await nav(page).getByRole('link', { name: 'Workspaces' }).click();
    await heading(page, 'Workspaces').waitFor();
    await page.getByTestId('workspaces-table').locator('tbody tr').first().waitFor();
    assert.equal(await page.getByRole('button', { name: 'Create workspace' }).count(), 0);
    assert.equal(await page.getByRole('button', { name: /^Delete workspace / }).count(), 0);
    assert.equal(await page.getByRole('button', { name: /^Members of / }).count(), 2);
    await page.getByRole('button', { name: `Members of ${WORKSPACE}` }).click();
    await page.getByTestId('members').getByText(ANNOTATOR).waitFor();

    // No audit.read: the page is refused.
    await page.goto(`${server.url}/#/audit`);
    await page.getByText(REFUSAL).waitFor();
    assert.equal(await page.locator('main select').count(), 0);
    await shots.take(page, 'reduced-admin-audit-refused');
  });

  it('met no script error', () => {
    assert.deepEqual(problems, []);
  });
});
