// The admin screens in headless Chromium: paging through many users, editing a user's role and
// names, disabling and enabling, resetting a password, deleting after confirmation, adding and
// removing workspace members, deleting an empty workspace.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { adminCall, browserSkipReason, launchBrowser, logIn, Screenshots, startUiServer, type UiServer } from './helpers.js';

const skip = browserSkipReason();
const USERS = 120;

async function canLogIn(server: UiServer, username: string, password: string): Promise<number> {
  const response = await fetch(`${server.url}/api/security/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ username, password }).toString(),
  });
  return response.status;
}

describe('web UI admin screens in Chromium', { skip }, () => {
  let server: UiServer;
  let browser: Browser;
  let page: Page;
  const shots = new Screenshots('admin');
  const errors: string[] = [];

  before(async () => {
    server = await startUiServer();
    // Many users, so that the table pages (50 a page); made through the API, 10 at a time.
    for (let start = 0; start < USERS; start += 10) {
      await Promise.all(
        Array.from({ length: Math.min(10, USERS - start) }, (_, i) => {
          const n = String(start + i + 1).padStart(3, '0');
          return adminCall(server, 'POST', '/api/users', {
            username: `bulk-${n}`,
            first_name: 'Bulk',
            last_name: `User ${n}`,
            password: 'bulk-password',
            workspaces: start + i < 5 ? ['crew'] : [],
          });
        }),
      );
    }
    browser = await launchBrowser();
    page = await (await browser.newContext({ viewport: { width: 1280, height: 860 } })).newPage();
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(`${server.url}/#/users`);
    await logIn(page, 'argilla', '1234');
    await page.getByRole('heading', { level: 1, name: 'Users' }).waitFor();
  });

  after(async () => {
    await browser?.close();
    await server?.close();
  });

  const count = () => page.getByTestId('users-count');
  const row = (username: string) => page.locator(`tr[data-username="${username}"]`);

  it('pages through the users with the total, keeping the page in the address', async () => {
    await count().filter({ hasText: `Users 1–50 of ${USERS + 1}` }).waitFor();
    assert.equal(await page.getByTestId('users-table').locator('tbody tr').count(), 50);
    await page.getByRole('button', { name: 'Next page' }).click();
    await page.waitForURL(/#\/users\?offset=50$/);
    await count().filter({ hasText: `Users 51–100 of ${USERS + 1}` }).waitFor();
    await page.getByRole('button', { name: 'Next page' }).click();
    await count().filter({ hasText: `Users 101–121 of ${USERS + 1}` }).waitFor();
    assert.equal(await page.getByRole('button', { name: 'Next page' }).isDisabled(), true);
    await shots.take(page, 'users-last-page');
    await page.reload();
    await count().filter({ hasText: `Users 101–121 of ${USERS + 1}` }).waitFor();
    // Filtering starts again at the first page.
    await page.locator('form[role=search]').getByLabel('Workspace').selectOption('crew');
    await count().filter({ hasText: 'Users 1–5 of 5' }).waitFor();
    assert.doesNotMatch(page.url(), /offset/);
    await page.locator('form[role=search]').getByLabel('Search').fill('bulk-003');
    await page.keyboard.press('Enter');
    await count().filter({ hasText: 'Users 1–1 of 1' }).waitFor();
    await row('bulk-003').waitFor();
    await shots.take(page, 'users-search');
  });

  it('edits role and names', async () => {
    await page.getByRole('button', { name: 'Edit bulk-003' }).click();
    const dialog = page.getByRole('dialog', { name: 'Edit bulk-003' });
    await dialog.getByLabel('First name').fill('Beatrice');
    await dialog.getByLabel('Last name').fill('');
    await dialog.getByLabel('Email').fill('not-an-email');
    await dialog.getByLabel('Role').selectOption('admin');
    await dialog.getByRole('button', { name: 'Save' }).click();
    await dialog.locator('.field-error', { hasText: 'Must be an email address' }).waitFor();
    await shots.take(page, 'users-edit-invalid');
    await dialog.getByLabel('Email').fill('bea@example.com');
    await dialog.getByRole('button', { name: 'Save' }).click();
    await page.getByText('bulk-003 saved.').waitFor();
    await row('bulk-003').getByText('bea@example.com').waitFor();
    const text = await row('bulk-003').innerText();
    assert.match(text, /Beatrice/);
    assert.match(text, /bea@example\.com/);
    assert.match(text, /admin/);
  });

  it("offers the owner role (Argilla's later clients ask for it) and saves it", async () => {
    await page.getByRole('button', { name: 'Edit bulk-003' }).click();
    const dialog = page.getByRole('dialog', { name: 'Edit bulk-003' });
    const options = await dialog.getByLabel('Role').locator('option').allInnerTexts();
    assert.deepEqual(options.map((o) => o.trim()), ['owner', 'admin', 'annotator']);
    await dialog.getByLabel('Role').selectOption('owner');
    await dialog.getByRole('button', { name: 'Save' }).click();
    await page.getByText('bulk-003 saved.').waitFor();
    // The table is read again after the save: wait for the new role to show.
    await row('bulk-003').getByText('owner', { exact: true }).waitFor();
    const saved = await adminCall(server, 'GET', '/api/users?q=bulk-003');
    assert.equal(saved[0]?.role, 'owner');
  });

  it('disables and enables a user', async () => {
    await page.getByRole('button', { name: 'Disable bulk-003' }).click();
    await page.getByText('bulk-003 is disabled').waitFor();
    await row('bulk-003').getByText('disabled', { exact: true }).waitFor();
    assert.equal(await canLogIn(server, 'bulk-003', 'bulk-password'), 401);
    await shots.take(page, 'users-disabled');
    await page.getByRole('button', { name: 'Enable bulk-003' }).click();
    await page.getByText('bulk-003 is enabled again.').waitFor();
    await row('bulk-003').getByText('active', { exact: true }).waitFor();
    assert.equal(await canLogIn(server, 'bulk-003', 'bulk-password'), 200);
  });

  it('resets a password', async () => {
    await page.getByRole('button', { name: 'Reset the password of bulk-003' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('New password').fill('short');
    await dialog.getByRole('button', { name: 'Set password' }).click();
    await dialog.locator('.field-error', { hasText: 'At least 8 characters.' }).waitFor();
    await dialog.getByLabel('New password').fill('brand-new-password');
    await dialog.getByRole('button', { name: 'Set password' }).click();
    await page.getByText('New password set for bulk-003').waitFor();
    assert.equal(await canLogIn(server, 'bulk-003', 'bulk-password'), 401);
    assert.equal(await canLogIn(server, 'bulk-003', 'brand-new-password'), 200);
  });

  it('deletes a user only after confirmation', async () => {
    await page.getByRole('button', { name: 'Delete bulk-003' }).click();
    const dialog = page.getByRole('dialog', { name: 'Delete bulk-003?' });
    await dialog.waitFor();
    await shots.take(page, 'users-delete-confirm');
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await dialog.waitFor({ state: 'hidden' });
    await row('bulk-003').waitFor();
    await page.getByRole('button', { name: 'Delete bulk-003' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Delete user' }).click();
    await page.getByText('bulk-003 deleted.').waitFor();
    await count().filter({ hasText: 'No user matches.' }).waitFor();
  });

  it('refuses to delete the last admin, in words', async () => {
    await page.goto(`${server.url}/#/users?q=argilla`);
    await row('argilla').waitFor();
    await page.getByRole('button', { name: 'Delete argilla' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Delete user' }).click();
    await page.getByRole('dialog').getByText('Cannot delete the last enabled admin').waitFor();
    await shots.take(page, 'users-last-admin');
    await page.keyboard.press('Escape');
  });

  it('adds and removes workspace members, and deletes an empty workspace', async () => {
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Workspaces' }).click();
    await page.getByRole('button', { name: 'Members of crew' }).click();
    const members = page.getByTestId('members');
    await members.getByText('bulk-001', { exact: true }).waitFor();
    const field = members.getByLabel('Username to add');
    await field.fill('no-such-user');
    await members.getByRole('button', { name: 'Add member' }).click();
    await members.locator('.field-error', { hasText: 'There is no user named no-such-user.' }).waitFor();
    await field.fill('bulk-001');
    await members.getByRole('button', { name: 'Add member' }).click();
    await members.locator('.field-error', { hasText: 'bulk-001 is already a member of crew.' }).waitFor();
    await field.fill('bulk-050');
    await members.getByRole('button', { name: 'Add member' }).click();
    await members.getByText('bulk-050 added to crew.').waitFor();
    await members.getByText('bulk-050', { exact: true }).waitFor();
    await shots.take(page, 'workspace-member-added');
    await members.getByRole('button', { name: 'Remove bulk-050 from crew' }).click();
    await members.getByText('bulk-050 removed from crew.').waitFor();
    await members.getByText('bulk-050', { exact: true }).waitFor({ state: 'detached' });

    await page.getByRole('button', { name: 'Delete workspace crew' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Delete workspace' }).click();
    await page.getByText('Workspace crew deleted.').waitFor();
    await page.locator('tr[data-workspace="crew"]').waitFor({ state: 'detached' });
    await shots.take(page, 'workspace-deleted');
  });

  it('met no script error', () => {
    assert.deepEqual(errors, []);
  });
});
