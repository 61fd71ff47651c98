// The web UI in headless Chromium against the real server: the admin logs in (keyboard only),
// creates a workspace and an annotator in it, logs out; the annotator sees only that workspace and
// no admin pages; a wrong password is refused; a password change ends the session and the new one
// works. Every page visited is saved as a screenshot under test-results/screenshots.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { adminCall, browserSkipReason, launchBrowser, logIn as logInOn, Screenshots, SCREENSHOT_DIR, startUiServer, type UiServer } from './helpers.js';

const skip = browserSkipReason();
if (skip) console.log(`# web UI browser tests ${skip}`);

const WORKSPACE = 'team-ui';
const ANNOTATOR = 'ann-ui';
const ANNOTATOR_PASSWORD = 'ann-first-pw';
const ANNOTATOR_NEW_PASSWORD = 'ann-second-pw';

describe('web UI in Chromium', { skip }, () => {
  let server: UiServer;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  const shots = new Screenshots('ui');
  /** console errors and failed requests (a CSP violation shows up here) */
  const problems: string[] = [];

  before(async () => {
    server = await startUiServer();
    browser = await launchBrowser();
    context = await browser.newContext({ viewport: { width: 1280, height: 860 } });
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.url });
    page = await context.newPage();
    page.on('console', (message) => {
        // The 401, 409 and 422 answers the tests provoke are logged by Chromium as failed loads.
      if (message.type() === 'error' && !/Failed to load resource: the server responded with a status of 4\d\d/.test(message.text())) {
        problems.push(`console: ${message.text()}`);
      }
    });
    page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  });

  after(async () => {
    await context?.close();
    await browser?.close();
    await server?.close();
    console.log(`# screenshots: ${SCREENSHOT_DIR}`);
  });

  const heading = (name: string | RegExp) => page.getByRole('heading', { level: 1, name });
  const nav = () => page.getByRole('navigation', { name: 'Main' });

  const logIn = (username: string, password: string) => logInOn(page, username, password);

  async function logOut(): Promise<void> {
    await page.getByRole('button', { name: 'Log out' }).click();
    await heading('Log in').waitFor();
  }

  it('opens on the login page, whose username field has the focus', async () => {
    await page.goto(`${server.url}/`);
    await heading('Log in').waitFor();
    assert.match(page.url(), /#\/login$/);
    assert.equal(await page.title(), 'Log in · Argilla');
    assert.equal(await page.evaluate(() => (document.activeElement as HTMLInputElement | null)?.name), 'username');
    await shots.take(page, 'login');
  });

  it('logs the default admin in with the keyboard only (type, Tab, type, Enter)', async () => {
    await page.keyboard.type('argilla');
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate(() => (document.activeElement as HTMLInputElement | null)?.name), 'password');
    await page.keyboard.type('1234');
    await page.keyboard.press('Enter');
    await heading(/Welcome, argilla/).waitFor();
    assert.match(page.url(), /#\/home$/);
    // Admin links are there; the default credentials still work, so the banner warns.
    for (const link of ['Home', 'Profile', 'Users', 'Workspaces']) await nav().getByRole('link', { name: link }).waitFor();
    await page.getByTestId('default-credentials-banner').waitFor();
    assert.match(await page.getByTestId('default-credentials-banner').innerText(), /default admin credentials/);
    await shots.take(page, 'admin-home');
  });

  it('keeps the session across a reload', async () => {
    await page.reload();
    await heading(/Welcome, argilla/).waitFor();
    assert.equal(await page.getByTestId('current-user').innerText(), 'argilla');
  });

  it('creates a workspace as admin, with the server\'s errors next to the field', async () => {
    await nav().getByRole('link', { name: 'Workspaces' }).click();
    await heading('Workspaces').waitFor();
    const name = page.getByRole('textbox', { name: 'Name' });
    await name.fill('Not Valid');
    await page.getByRole('button', { name: 'Create workspace' }).click();
    // 422 with errors[].pointer "/name": the message sits under the field, tied to it.
    const error = page.locator('.field.has-error .field-error');
    await error.waitFor();
    assert.match(await error.innerText(), /lowercase letters/i);
    assert.equal(await name.getAttribute('aria-invalid'), 'true');
    await shots.take(page, 'workspaces-invalid-name');

    await name.fill(WORKSPACE);
    await page.getByRole('button', { name: 'Create workspace' }).click();
    await page.getByRole('status').filter({ hasText: `Workspace ${WORKSPACE} created.` }).waitFor();
    await page.locator(`tr[data-workspace="${WORKSPACE}"]`).waitFor();

    await name.fill(WORKSPACE);
    await page.getByRole('button', { name: 'Create workspace' }).click();
    await page.locator('.field-error', { hasText: 'A workspace with this name already exists.' }).waitFor();
    await shots.take(page, 'workspaces-created');
  });

  it('creates an annotator in that workspace; the API key is shown once', async () => {
    await nav().getByRole('link', { name: 'Users' }).click();
    await heading('Users').waitFor();
    await page.getByRole('button', { name: 'New user' }).click();
    const form = page.locator('#create-user');
    await form.getByLabel('Username').fill('Ann Bad');
    await form.getByLabel('First name').fill('Ann');
    await form.getByLabel('Password', { exact: true }).fill('short');
    await form.getByRole('button', { name: 'Create user' }).click();
    await form.locator('.field-error').first().waitFor();
    const errors = await form.locator('.field.has-error').allInnerTexts();
    assert.ok(errors.some((text) => /Username[\s\S]*lowercase letters/i.test(text)), errors.join(' | '));
    assert.ok(errors.some((text) => /Password[\s\S]*at least 8 characters/i.test(text)), errors.join(' | '));
    await shots.take(page, 'users-create-invalid');

    await form.getByLabel('Username').fill(ANNOTATOR);
    await form.getByLabel('Last name').fill('Annotator');
    await form.getByLabel('Password', { exact: true }).fill(ANNOTATOR_PASSWORD);
    await form.getByLabel('Workspaces').fill(WORKSPACE);
    await form.getByRole('button', { name: 'Create user' }).click();
    await form.getByText(`${ANNOTATOR} (annotator) created in ${WORKSPACE}.`).waitFor();
    const key = await form.getByLabel(`API key of ${ANNOTATOR}`).inputValue();
    assert.match(key, /^argilla_/);
    await form.getByRole('button', { name: 'Copy' }).click();
    await form.getByText('Copied to the clipboard.').waitFor();
    assert.equal(await page.evaluate(() => navigator.clipboard.readText()), key);
    const row = page.locator(`tr[data-username="${ANNOTATOR}"]`);
    await row.waitFor();
    assert.match(await row.innerText(), new RegExp(`annotator[\\s\\S]*${WORKSPACE}`));
    await shots.take(page, 'users-created');
  });

  it('filters the users table by role and search, with the total', async () => {
    const filters = page.locator('form[role=search]');
    await filters.getByLabel('Role').selectOption('annotator');
    await page.waitForURL(/role=annotator/);
    await page.getByTestId('users-count').filter({ hasText: 'Users 1–1 of 1' }).waitFor();
    await filters.getByLabel('Search').fill('nobody-like-this');
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    await page.getByTestId('users-count').filter({ hasText: 'No user matches.' }).waitFor();
    await shots.take(page, 'users-filtered');
    await page.getByRole('button', { name: 'Clear filters' }).click();
    await page.getByTestId('users-count').filter({ hasText: 'Users 1–2 of 2' }).waitFor();
  });

  it('shows the workspace members, and explains why a workspace with datasets cannot be deleted', async () => {
    // A dataset with records and one annotation, made through the API.
    await adminCall(server, 'POST', `/api/datasets?workspace=${WORKSPACE}`, {
      name: 'reviews',
      settings: { task: 'text_classification', labels: ['pos', 'neg'], multi_label: false },
    });
    await adminCall(server, 'POST', `/api/datasets/reviews/records:bulk?workspace=${WORKSPACE}`, {
      records: [
        { id: '1', fields: { text: 'great' } },
        { id: '2', fields: { text: 'awful' } },
        { id: '3', fields: { text: 'fine' } },
      ],
    });
    await adminCall(server, 'PUT', `/api/datasets/reviews/records/1/annotation?workspace=${WORKSPACE}`, { value: { labels: ['pos'] }, status: 'submitted' });

    await nav().getByRole('link', { name: 'Workspaces' }).click();
    await heading('Workspaces').waitFor();
    await page.getByRole('button', { name: `Members of ${WORKSPACE}` }).click();
    const members = page.getByTestId('members');
    await members.getByText(ANNOTATOR, { exact: true }).waitFor();
    await shots.take(page, 'workspace-members');

    await page.getByRole('button', { name: `Delete workspace ${WORKSPACE}` }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByRole('button', { name: 'Delete workspace' }).click();
    const explanation = dialog.getByTestId('workspace-not-empty');
    await explanation.waitFor();
    assert.match(await explanation.innerText(), /still holds 1 dataset, so it cannot be deleted.*Delete those datasets or copy them/);
    await shots.take(page, 'workspace-delete-refused');
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden' });
  });

  it('logs out', async () => {
    await logOut();
    await page.getByRole('status').filter({ hasText: 'You are logged out.' }).waitFor();
    assert.equal(await page.evaluate(() => localStorage.getItem('argilla.token')), null);
    await shots.take(page, 'logged-out');
  });

  it('refuses a wrong password without saying which part was wrong', async () => {
    await logIn(ANNOTATOR, 'not-the-password');
    const error = page.getByTestId('login-error');
    await error.waitFor();
    assert.equal(await error.innerText(), 'Wrong username or password.');
    await shots.take(page, 'login-wrong-password');
    // An unknown user gets the very same words.
    const answered = page.waitForResponse((response) => response.url().endsWith('/api/security/token'));
    await logIn('nobody-here', 'not-the-password');
    assert.equal((await answered).status(), 401);
    await page.getByRole('button', { name: 'Log in' }).and(page.locator(':enabled')).waitFor();
    assert.equal(await error.innerText(), 'Wrong username or password.');
  });

  it('shows the annotator only its workspace, with the datasets and counts, and no admin links', async () => {
    await logIn(ANNOTATOR, ANNOTATOR_PASSWORD);
    await heading('Welcome, Ann Annotator').waitFor();
    assert.deepEqual(await page.getByTestId('workspace-list').getByRole('button').allInnerTexts(), [WORKSPACE]);
    assert.deepEqual(
      await page.getByRole('combobox', { name: 'Workspace' }).locator('option').allInnerTexts(),
      [WORKSPACE],
    );
    const row = page.getByRole('row', { name: /reviews/ });
    await row.waitFor();
    const cells = await row.getByRole('cell').allInnerTexts();
    assert.equal(cells[0], '3', `records: ${cells.join(' | ')}`);
    assert.equal(cells[1], '1', `annotated: ${cells.join(' | ')}`);
    assert.deepEqual(await nav().getByRole('link').allInnerTexts(), ['Home', 'Profile']);
    assert.equal(await page.getByTestId('default-credentials-banner').count(), 0);
    await shots.take(page, 'annotator-home');

    // Typing an admin page's address shows a refusal (and the server refuses anyway).
    await page.goto(`${server.url}/#/users`);
    await page.getByText('Your role does not give access to this page.').waitFor();
    await shots.take(page, 'annotator-users-refused');
  });

  it('lets the annotator create, copy and revoke an API key on the profile page', async () => {
    await nav().getByRole('link', { name: 'Profile' }).click();
    await heading('Your profile').waitFor();
    const details = await page.getByTestId('profile-details').innerText();
    assert.match(details, new RegExp(`Role\\s+annotator`));
    assert.match(details, new RegExp(`Workspaces\\s+${WORKSPACE}`));
    await page.getByRole('textbox', { name: 'Name' }).fill('laptop');
    await page.getByRole('button', { name: 'Create key' }).click();
    const secret = await page.getByLabel('Your new API key').inputValue();
    assert.match(secret, /^argilla_/);
    const table = page.getByTestId('api-keys');
    const row = table.getByRole('row', { name: /laptop/ });
    await row.waitFor();
    const preview = await row.locator('.mono').innerText();
    assert.ok(preview.includes('…') && !preview.includes(secret), `masked: ${preview}`);
    await shots.take(page, 'profile-key-created');

    await row.getByRole('button', { name: 'Revoke key laptop' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Revoke key' }).click();
    await page.getByText('Key "laptop" revoked: it no longer works.').waitFor();
    await table.getByRole('row', { name: /laptop/ }).waitFor({ state: 'detached' });
    const check = await fetch(`${server.url}/api/me`, { headers: { 'x-argilla-api-key': secret } });
    assert.equal(check.status, 401, 'the revoked key no longer works');
  });

  it('changes the password (current one required), ends the session, and the new one works', async () => {
    const form = page.locator('form[aria-labelledby="password-title"]');
    await form.getByLabel('Current password').fill('wrong-current');
    await form.getByLabel('New password', { exact: true }).fill(ANNOTATOR_NEW_PASSWORD);
    await form.getByLabel('New password again').fill(ANNOTATOR_NEW_PASSWORD);
    await form.getByRole('button', { name: 'Change password' }).click();
    await form.locator('.field-error', { hasText: 'Is not your current password.' }).waitFor();
    await shots.take(page, 'profile-wrong-current-password');

    await form.getByLabel('Current password').fill(ANNOTATOR_PASSWORD);
    await form.getByRole('button', { name: 'Change password' }).click();
    await heading('Log in').waitFor();
    await page.getByText('Your password was changed and all your sessions were ended').waitFor();
    await shots.take(page, 'login-after-password-change');

    await logIn(ANNOTATOR, ANNOTATOR_PASSWORD);
    await page.getByTestId('login-error').filter({ hasText: 'Wrong username or password.' }).waitFor();
    // Logging in again returns to the page the session ended on.
    await logIn(ANNOTATOR, ANNOTATOR_NEW_PASSWORD);
    await heading('Your profile').waitFor();
  });

  it('goes back to the login page when the session ends elsewhere (a 401)', async () => {
    // The profile page has finished loading its keys first: the session must end between the
    // page's requests, not during one (that 401 would end it before the click below).
    await page.getByTestId('api-keys').or(page.getByText('You have no API keys.')).waitFor();
    const token = await page.evaluate(() => localStorage.getItem('argilla.token'));
    assert.ok(token);
    const logout = await fetch(`${server.url}/api/security/logout`, { method: 'POST', headers: { authorization: `Bearer ${token}` } });
    assert.equal(logout.status, 200);
    await nav().getByRole('link', { name: 'Home' }).click();
    await heading('Log in').waitFor();
    await page.getByText('Your session has ended').waitFor();
    assert.match(page.url(), /#\/login$/);
    assert.equal(await page.evaluate(() => localStorage.getItem('argilla.token')), null);
    await shots.take(page, 'session-ended');
    // A page asked for while logged out is shown after logging in.
    await page.goto(`${server.url}/#/profile`);
    await page.waitForURL(/#\/login\?next=%2Fprofile$/);
    await logIn(ANNOTATOR, ANNOTATOR_NEW_PASSWORD);
    await heading('Your profile').waitFor();
    await logOut();
  });

  it('is readable on a phone-sized screen', async () => {
    const phone = await browser.newContext({ viewport: { width: 375, height: 740 }, isMobile: true, hasTouch: true });
    try {
      const small = await phone.newPage();
      small.on('pageerror', (error) => problems.push(`page error (phone): ${error.message}`));
      await small.goto(`${server.url}/`);
      await logInOn(small, 'argilla', '1234');
      await small.getByRole('heading', { level: 1, name: /Welcome/ }).waitFor();
      await small.getByRole('row', { name: /reviews/ }).or(small.getByText('No datasets in this workspace yet.')).first().waitFor();
      const fits = () => small.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth + 1);
      assert.ok(await fits(), 'home fits the width');
      await shots.take(small, 'phone-home');
      await small.goto(`${server.url}/#/users`);
      await small.getByRole('heading', { level: 1, name: 'Users' }).waitFor();
      await small.locator(`tr[data-username="${ANNOTATOR}"]`).waitFor();
      assert.ok(await fits(), 'the users page fits the width');
      await shots.take(small, 'phone-users');
    } finally {
      await phone.close();
    }
  });

  it('met no script error and no blocked resource (the security policy allows the whole UI)', () => {
    assert.deepEqual(problems, []);
  });
});
