// The labelling screens in headless Chromium against the real server: an annotator finds a dataset
// of 250 records from the home page, labels records with the mouse and with the keyboard alone,
// discards one, reloads and finds its place, filters by its own annotations and by label; the API
// then holds exactly those annotations under its username, and the progress shown is the API's.
// Multi-label annotations round-trip; a second annotator sees the first one's by username (and a
// deleted user's, marked); a session that ends returns to the same record after logging in. The
// admin renames and adds labels, is told why a label in use cannot be removed, copies a dataset,
// creates and deletes one; a non-member is told the dataset does not exist. A dataset of 100,000
// records opens and steps through 20 records without any request loading more than a page. Every
// screen is saved at desktop and phone width under test-results/screenshots (annotation-NN-*.png).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, BrowserContext, Page, Request } from 'playwright-core';
import { adminCall, browserSkipReason, launchBrowser, logIn, Screenshots, SCREENSHOT_DIR, startUiServer, type UiServer } from './helpers.js';

const skip = browserSkipReason();
if (skip) console.log(`# annotation UI browser tests ${skip}`);

const W = 'labelling';
const ARCHIVE = 'archive';
const ANN1 = 'ann-one';
const ANN2 = 'ann-two';
const PASSWORD = 'annotate-pw-1';
const LABELS = ['positive', 'negative', 'neutral'];
const PAGE_SIZE = 50;
const DESKTOP = { width: 1280, height: 900 };
const PHONE = { width: 375, height: 740 };

const id = (i: number) => `rev-${String(i).padStart(3, '0')}`;

/** `path?workspace=W&...` for the dataset API. */
function api(path: string, query: Record<string, string | number> = {}): string {
  const params = new URLSearchParams({ workspace: W, ...Object.fromEntries(Object.entries(query).map(([k, v]) => [k, String(v)])) });
  return `${path}?${params}`;
}

describe('annotating in the web UI (Chromium)', { skip }, () => {
  let server: UiServer;
  let browser: Browser;
  const contexts: BrowserContext[] = [];
  let page: Page; // the first annotator, desktop
  const keys: Record<string, string> = {};
  const shots = new Screenshots('annotation');
  const problems: string[] = [];

  /** A call with a user's API key; the answer's status and body. */
  async function as(key: string, method: string, path: string, json?: unknown): Promise<{ status: number; body: any }> {
    const response = await fetch(server.url + path, {
      method,
      headers: { 'x-argilla-api-key': key, ...(json === undefined ? {} : { 'content-type': 'application/json' }) },
      body: json === undefined ? undefined : JSON.stringify(json),
    });
    return { status: response.status, body: await response.json() };
  }

  /** Every record of a dataset matching the filters, through the cursor, as this key sees them. */
  async function allRecords(key: string, dataset: string, filters: Record<string, string> = {}): Promise<any[]> {
    const items: any[] = [];
    let cursor: string | null = null;
    do {
      const { status, body } = await as(key, 'GET', api(`/api/datasets/${dataset}/records`, { limit: 1000, ...filters, ...(cursor ? { cursor } : {}) }));
      assert.equal(status, 200, JSON.stringify(body));
      items.push(...body.items);
      cursor = body.next_cursor;
    } while (cursor);
    return items;
  }

  async function newPage(viewport = DESKTOP, name = 'desktop'): Promise<Page> {
    const context = await browser.newContext({ viewport, ...(viewport === PHONE ? { isMobile: true, hasTouch: true } : {}) });
    contexts.push(context);
    const opened = await context.newPage();
    opened.on('console', (message) => {
      // The 401, 404, 409 and 422 answers the tests provoke are logged by Chromium as failed loads.
      if (message.type() === 'error' && !/Failed to load resource: the server responded with a status of 4\d\d/.test(message.text())) {
        problems.push(`console (${name}): ${message.text()}`);
      }
    });
    opened.on('pageerror', (error) => problems.push(`page error (${name}): ${error.message}`));
    return opened;
  }

  const heading = (on: Page, name: string | RegExp) => on.getByRole('heading', { level: 1, name });
  const record = (on: Page) => on.getByTestId('record');
  /** Waits until the record shown is this one. */
  const showing = (on: Page, recordId: string) => on.locator(`[data-testid="record"][data-record-id="${recordId}"]`).waitFor();
  /** Waits until the page shows another record than this one, or the end of the list. */
  const movedOn = (on: Page, previous: string) =>
    on.waitForFunction((before) => {
      if (document.querySelector('[data-testid="end-of-list"]')) return true;
      const shown = document.querySelector('[data-testid="record"]')?.getAttribute('data-record-id');
      return shown !== undefined && shown !== null && shown !== before;
    }, previous);
  const labelButton = (on: Page, label: string) => on.locator('.label-buttons').getByRole('button', { name: label, exact: true });
  const pressed = async (on: Page) =>
    on.locator('.label-buttons button[aria-pressed="true"]').evaluateAll((buttons) => buttons.map((b) => b.querySelector('span')!.textContent));
  const datasetUrl = (name: string, workspace = W, query = '') => `${server.url}/#/datasets/${workspace}/${name}${query ? `?${query}` : ''}`;
  const mine = (records: any[], username: string) =>
    Object.fromEntries(
      records.flatMap((r) => r.annotations.filter((a: any) => a.username === username).map((a: any) => [r.id, { labels: a.value.labels, status: a.status }])),
    );

  before(async () => {
    server = await startUiServer();
    for (const username of [ANN1, ANN2]) {
      const created = await adminCall(server, 'POST', '/api/users', {
        username,
        first_name: username === ANN1 ? 'Ann' : 'Bo',
        role: 'annotator',
        password: PASSWORD,
        workspaces: [W],
      });
      keys[username] = created.api_key;
    }
    await adminCall(server, 'POST', '/api/workspaces', { name: ARCHIVE });
    await adminCall(server, 'POST', api('/api/datasets'), { name: 'reviews', settings: { labels: LABELS, multi_label: false } });
    const long = 'It arrived late, the box was crushed and the manual was missing, but the thing itself works well. '.repeat(6);
    await adminCall(server, 'POST', api('/api/datasets/reviews/records:bulk'), {
      records: Array.from({ length: 250 }, (_, i) => ({
        id: id(i),
        fields: { text: i % 7 === 3 ? long : `Review ${i}: ${i % 2 ? 'not what I hoped for' : 'does the job nicely'}.`, title: `Order ${1000 + i}` },
        metadata: { source: i % 2 ? 'app' : 'web', stars: (i % 5) + 1 },
      })),
    });
    await adminCall(server, 'POST', api('/api/datasets'), { name: 'tags', settings: { labels: ['a', 'b', 'c'], multi_label: true } });
    await adminCall(server, 'POST', api('/api/datasets/tags/records:bulk'), {
      records: [
        { id: 't1', fields: { text: 'first of two' } },
        { id: 't2', fields: { text: 'second of two' } },
      ],
    });
    await adminCall(server, 'POST', api('/api/datasets'), { name: 'unlabelled' });
    await adminCall(server, 'POST', api('/api/datasets/unlabelled/records:bulk'), { records: [{ id: 'u1', fields: { text: 'no labels to choose from' } }] });
    browser = await launchBrowser();
    page = await newPage();
  });

  after(async () => {
    for (const context of contexts) await context.close();
    await browser?.close();
    await server?.close();
    console.log(`# screenshots: ${SCREENSHOT_DIR}`);
  });

  it('the annotator opens the dataset from the home page: labels, progress, the first record to do', async () => {
    await page.goto(`${server.url}/`);
    await logIn(page, ANN1, PASSWORD);
    await heading(page, 'Welcome, Ann').waitFor();
    await page.getByTestId('datasets-table').getByRole('link', { name: 'reviews' }).click();
    await heading(page, 'reviews').waitFor();
    await showing(page, id(0));
    assert.match(page.url(), new RegExp(`#/datasets/${W}/reviews\\?record=${id(0)}$`));
    assert.equal(await page.title(), 'reviews · Argilla');
    assert.match(await page.getByTestId('schema').innerText(), /Single-label/);
    await page.locator('[data-count="records"]', { hasText: '250' }).waitFor();
    assert.equal(await page.locator('[data-count="annotated_by_me"]').innerText(), '0');
    assert.match(await record(page).innerText(), /Review 0: does the job nicely\./);
    // Metadata is folded away; the help line names the keys.
    assert.equal(await page.locator('details.metadata').getAttribute('open'), null);
    assert.match(await page.getByTestId('shortcut-help').innerText(), /toggle a label · Enter submit · Backspace or Delete discard/);
    // An annotator has no admin controls.
    assert.equal(await page.getByTestId('labels-editor').count(), 0);
    assert.equal(await page.getByRole('button', { name: 'Copy to another workspace' }).count(), 0);
    await shots.take(page, 'dataset-desktop');
  });

  it('labels with the mouse: a single label replaces the other, Submit saves and moves on, Previous and Next do not save', async () => {
    await labelButton(page, 'positive').click();
    assert.deepEqual(await pressed(page), ['positive']);
    await page.getByRole('button', { name: 'Submit' }).click();
    await showing(page, id(1));
    await page.getByTestId('last-save').filter({ hasText: `${id(0)} submitted as positive` }).waitFor();

    await labelButton(page, 'negative').click();
    await labelButton(page, 'neutral').click();
    assert.deepEqual(await pressed(page), ['neutral']);
    await page.getByRole('button', { name: 'Submit' }).click();
    await showing(page, id(2));
    await page.getByRole('button', { name: 'Next' }).click();
    await showing(page, id(3));
    await page.getByRole('button', { name: 'Previous' }).click();
    await showing(page, id(2));
    assert.deepEqual(await pressed(page), []);
    const saved = mine(await allRecords(keys[ANN1]!, 'reviews', { annotated_by: ANN1 }), ANN1);
    assert.deepEqual(saved, { [id(0)]: { labels: ['positive'], status: 'submitted' }, [id(1)]: { labels: ['neutral'], status: 'submitted' } });
    // Back on a saved record, its labels are chosen again and its state says when it was saved.
    await page.getByRole('button', { name: 'Previous' }).click();
    await showing(page, id(1));
    assert.deepEqual(await pressed(page), ['neutral']);
    assert.match(await page.getByTestId('my-annotation').innerText(), /^Submitted neutral · saved /);
    await page.getByRole('button', { name: 'Next' }).click();
    await showing(page, id(2));
  });

  it('labels with the keyboard alone after a reload that keeps its place: number keys, Enter, Backspace, arrows, Tab and Space', async () => {
    await page.reload();
    await showing(page, id(2));
    // The page's heading has the focus: the keys work at once.
    await page.keyboard.press('2');
    assert.deepEqual(await pressed(page), ['negative']);
    await page.keyboard.press('Enter');
    await showing(page, id(3));
    await page.keyboard.press('1');
    await page.keyboard.press('Enter');
    await showing(page, id(4));
    await page.keyboard.press('3');
    await page.keyboard.press('1');
    assert.deepEqual(await pressed(page), ['positive']);
    await page.keyboard.press('Enter');
    await showing(page, id(5));
    await page.keyboard.press('Backspace');
    await showing(page, id(6));
    await page.keyboard.press('ArrowRight');
    await showing(page, id(7));
    await page.keyboard.press('ArrowLeft');
    await showing(page, id(6));
    // Every control is reachable with Tab, with a visible focus: Tab to the "negative" label, Space
    // chooses it, Enter submits.
    let onLabel = false;
    for (let i = 0; i < 40 && !onLabel; i++) {
      await page.keyboard.press('Tab');
      onLabel = await page.evaluate(() => document.activeElement?.textContent === '2negative');
    }
    assert.ok(onLabel, 'Tab reaches the labels');
    assert.ok(await page.evaluate(() => document.activeElement!.matches(':focus-visible')), 'the focus is visible');
    await page.keyboard.press('Space');
    assert.deepEqual(await pressed(page), ['negative']);
    await page.keyboard.press('Enter');
    await showing(page, id(7));
    await page.keyboard.press('Delete');
    await showing(page, id(8));
    await shots.take(page, 'dataset-after-keyboard');
  });

  it('a reload, Back and a bookmark return to the same record', async () => {
    assert.match(page.url(), new RegExp(`record=${id(8)}`));
    await page.reload();
    await showing(page, id(8));
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Home' }).click();
    await heading(page, 'Welcome, Ann').waitFor();
    await page.goBack();
    await showing(page, id(8));
    const bookmark = page.url();
    await page.goto(`${server.url}/#/profile`);
    await heading(page, 'Your profile').waitFor();
    await page.goto(bookmark);
    await showing(page, id(8));
  });

  it('filters by "annotated by me" and by label, kept in the address', async () => {
    await page.getByLabel('Show').selectOption('mine');
    await showing(page, id(0));
    assert.match(page.url(), /view=mine/);
    const seen: string[] = [];
    for (let i = 0; i < 20; i++) {
      const current = await record(page).getAttribute('data-record-id');
      seen.push(current!);
      await page.getByRole('button', { name: 'Next' }).click();
      await movedOn(page, current!);
      if ((await page.getByTestId('end-of-list').count()) > 0) break;
    }
    assert.deepEqual(seen, [0, 1, 2, 3, 4, 5, 6, 7].map(id));
    await page.getByTestId('end-of-list').filter({ hasText: 'That was the last record of this view.' }).waitFor();
    await page.getByRole('button', { name: 'Previous record' }).click();
    await showing(page, id(7));
    assert.match(await page.getByTestId('my-annotation').innerText(), /^Discarded/);

    await page.getByLabel('With label').selectOption('negative');
    await showing(page, id(2));
    assert.match(page.url(), /view=mine&label=negative/);
    await page.getByRole('button', { name: 'Next' }).click();
    await showing(page, id(6));
    await page.reload();
    await showing(page, id(6));
    assert.equal(await page.getByLabel('With label').inputValue(), 'negative');
    assert.equal(await page.getByLabel('Show').inputValue(), 'mine');
    await shots.take(page, 'dataset-filtered');
    // The same filter through the API: the same records.
    assert.deepEqual(
      (await allRecords(keys[ANN1]!, 'reviews', { annotated_by: ANN1, label: 'negative' })).map((r) => r.id),
      [id(2), id(6)],
    );
  });

  it('the API holds exactly those annotations under the annotator\'s username, and the progress shown is the API\'s', async () => {
    const records = await allRecords(keys[ANN1]!, 'reviews', { annotated_by: ANN1 });
    assert.deepEqual(mine(records, ANN1), {
      [id(0)]: { labels: ['positive'], status: 'submitted' },
      [id(1)]: { labels: ['neutral'], status: 'submitted' },
      [id(2)]: { labels: ['negative'], status: 'submitted' },
      [id(3)]: { labels: ['positive'], status: 'submitted' },
      [id(4)]: { labels: ['positive'], status: 'submitted' },
      [id(5)]: { labels: [], status: 'discarded' },
      [id(6)]: { labels: ['negative'], status: 'submitted' },
      [id(7)]: { labels: [], status: 'discarded' },
    });
    for (const r of records) assert.deepEqual(r.annotations.map((a: any) => a.username), [ANN1]);
    const progress = await as(keys[ANN1]!, 'GET', api('/api/datasets/reviews/progress'));
    assert.deepEqual(progress.body, { records: 250, annotated: 8, annotated_by_me: 8, submitted_by_me: 6, discarded_by_me: 2 });
    // The page shows the same figures (fetched again after each save).
    await page.locator('[data-count="annotated_by_me"]', { hasText: '8' }).waitFor();
    for (const [key, value] of Object.entries(progress.body)) {
      assert.equal(await page.locator(`[data-count="${key}"]`).innerText(), String(value), key);
    }
    // ...and the queue of records still to do is the rest.
    assert.equal((await allRecords(keys[ANN1]!, 'reviews', { not_annotated_by: ANN1 })).length, 250 - 8);
  });

  it('multi-label: two labels on one record round-trip; when nothing is left, the page says so with the counts', async () => {
    await page.goto(datasetUrl('tags'));
    await showing(page, 't1');
    await page.locator('h1').focus();
    await page.keyboard.press('1');
    await page.keyboard.press('3');
    assert.deepEqual(await pressed(page), ['a', 'c']);
    await page.keyboard.press('Enter');
    await showing(page, 't2');
    await labelButton(page, 'b').click();
    await page.getByRole('button', { name: 'Submit' }).click();
    const done = page.getByTestId('end-of-list');
    await done.filter({ hasText: 'Nothing left to annotate here: done.' }).waitFor();
    await done.filter({ hasText: 'You annotated 2 of 2 records (2 submitted, 0 discarded).' }).waitFor();
    await shots.take(page, 'dataset-done');
    assert.deepEqual(mine(await allRecords(keys[ANN1]!, 'tags'), ANN1), {
      t1: { labels: ['a', 'c'], status: 'submitted' },
      t2: { labels: ['b'], status: 'submitted' },
    });
    await page.goto(datasetUrl('tags', W, 'view=mine'));
    await showing(page, 't1');
    assert.deepEqual(await pressed(page), ['a', 'c']);
  });

  it('a dataset without labels says to ask an admin; one the annotator cannot see "does not exist"', async () => {
    await page.goto(datasetUrl('unlabelled'));
    await page.getByTestId('no-labels').filter({ hasText: 'Ask an admin of the workspace to add them.' }).waitFor();
    await showing(page, 'u1');
    assert.equal(await page.locator('.label-buttons').count(), 0);
    await shots.take(page, 'dataset-no-labels');
    await adminCall(server, 'POST', `/api/datasets?workspace=${ARCHIVE}`, { name: 'secret', settings: { labels: ['x'] } });
    await page.goto(datasetUrl('secret', ARCHIVE));
    await page.getByTestId('dataset-missing').filter({ hasText: `The dataset secret does not exist in workspace ${ARCHIVE}` }).waitFor();
    assert.equal(await record(page).count(), 0);
    await shots.take(page, 'dataset-missing');
  });

  it("a second annotator sees the first one's annotation by username, and a deleted user's marked as such", async () => {
    const gone = await adminCall(server, 'POST', '/api/users', { username: 'ann-gone', first_name: 'Gone', role: 'annotator', password: PASSWORD, workspaces: [W] });
    assert.equal((await as(gone.api_key, 'PUT', api(`/api/datasets/reviews/records/${id(0)}/annotation`), { value: { labels: ['negative'] } })).status, 200);
    await adminCall(server, 'DELETE', `/api/users/${gone.id}`);

    const second = await newPage(DESKTOP, 'second annotator');
    // Asked for before logging in: the login page brings it back with its filter.
    await second.goto(datasetUrl('reviews', W, 'view=all'));
    await heading(second, 'Log in').waitFor();
    await logIn(second, ANN2, PASSWORD);
    await showing(second, id(0));
    assert.equal(await second.getByLabel('Show').inputValue(), 'all');
    const others = second.getByTestId('other-annotations');
    await others.locator(`li[data-username="${ANN1}"]`).filter({ hasText: `${ANN1}: positive` }).waitFor();
    assert.match(await others.locator('li[data-username="ann-gone"]').innerText(), /^ann-gone \(deleted user\): negative/);
    assert.match(await second.getByTestId('my-annotation').innerText(), /Not annotated by you yet/);
    await shots.take(second, 'dataset-second-annotator');
  });

  it('a session that ends returns to the same record after logging in again', async () => {
    const second = contexts[contexts.length - 1]!.pages()[0]!;
    await second.getByRole('button', { name: 'Next' }).click();
    await showing(second, id(1));
    await second.getByRole('button', { name: 'Next' }).click();
    await showing(second, id(2));
    const token = await second.evaluate(() => localStorage.getItem('argilla.token'));
    assert.equal((await fetch(`${server.url}/api/security/logout`, { method: 'POST', headers: { authorization: `Bearer ${token}` } })).status, 200);
    await labelButton(second, 'neutral').click();
    await second.getByRole('button', { name: 'Submit' }).click();
    await heading(second, 'Log in').waitFor();
    await second.getByText('Your session has ended').waitFor();
    assert.match(decodeURIComponent(second.url()), new RegExp(`next=/datasets/${W}/reviews\\?view=all&record=${id(2)}$`));
    await logIn(second, ANN2, PASSWORD);
    await showing(second, id(2));
    // Nothing was saved by the refused request: the record is still to do; saving now works.
    assert.match(await second.getByTestId('my-annotation').innerText(), /Not annotated by you yet/);
    await labelButton(second, 'neutral').click();
    await second.getByRole('button', { name: 'Submit' }).click();
    await showing(second, id(3));
    assert.deepEqual(mine(await allRecords(keys[ANN2]!, 'reviews', { annotated_by: ANN2 }), ANN2), { [id(2)]: { labels: ['neutral'], status: 'submitted' } });
  });

  it('the admin renames a label and adds one; removing a label in use shows the server\'s explanation', async () => {
    const admin = await newPage(DESKTOP, 'admin');
    await admin.goto(datasetUrl('reviews', W, 'view=all'));
    await logIn(admin, 'argilla', '1234');
    await showing(admin, id(0));
    const editor = admin.getByTestId('labels-editor');
    await editor.getByLabel('Label 3').fill('mixed');
    await editor.getByText('was neutral').waitFor();
    await editor.getByLabel('New label').fill('sarcastic');
    await editor.getByRole('button', { name: 'Add label' }).click();
    await shots.take(admin, 'labels-editor-changes');
    await editor.getByRole('button', { name: 'Save labels' }).click();
    await admin.getByText('Labels saved.').waitFor();
    const settings = await as(keys[ANN1]!, 'GET', api('/api/datasets/reviews/settings'));
    assert.deepEqual(settings.body, { task: 'text_classification', labels: ['positive', 'negative', 'mixed', 'sarcastic'], multi_label: false });
    // The annotations of the renamed label follow it.
    assert.deepEqual(mine(await allRecords(keys[ANN1]!, 'reviews', { annotated_by: ANN1 }), ANN1)[id(1)], { labels: ['mixed'], status: 'submitted' });
    assert.deepEqual(
      await admin.locator('.label-buttons button').evaluateAll((buttons) => buttons.map((b) => b.querySelector('span')!.textContent)),
      ['positive', 'negative', 'mixed', 'sarcastic'],
    );

    await editor.getByRole('button', { name: 'Remove label positive' }).click();
    await editor.getByRole('button', { name: 'Save labels' }).click();
    const error = editor.getByTestId('labels-error');
    await error.waitFor();
    assert.equal(
      await error.innerText(),
      "Cannot remove 'positive' (3 annotations): existing annotations use it. Rename the label instead (its annotations follow), or keep it until those annotations are changed.",
    );
    assert.equal(await editor.getByLabel('Label 1').getAttribute('aria-invalid'), 'true');
    await shots.take(admin, 'labels-editor-label-in-use');
    await editor.getByRole('button', { name: 'Undo changes' }).click();
    assert.equal(await editor.getByTestId('labels-error').count(), 0);
    assert.deepEqual((await as(keys[ANN1]!, 'GET', api('/api/datasets/reviews/settings'))).body.labels, ['positive', 'negative', 'mixed', 'sarcastic']);
  });

  it('the admin copies a dataset to another workspace', async () => {
    const admin = contexts[contexts.length - 1]!.pages()[0]!;
    await admin.getByRole('button', { name: 'Copy to another workspace' }).click();
    const dialog = admin.getByRole('dialog', { name: 'Copy reviews' });
    await dialog.getByLabel('To workspace').selectOption(ARCHIVE);
    await dialog.getByLabel('Name of the copy').fill('secret');
    await dialog.getByRole('button', { name: 'Copy dataset' }).click();
    await dialog.locator('.field-error', { hasText: `${ARCHIVE} already has a dataset named secret: choose another name.` }).waitFor();
    await shots.take(admin, 'copy-name-taken');
    await dialog.getByLabel('Name of the copy').fill('reviews-2024');
    await dialog.getByRole('button', { name: 'Copy dataset' }).click();
    await admin.getByText(`Copied to ${ARCHIVE} as reviews-2024.`).waitFor();
    const copied = await adminCall(server, 'GET', `/api/datasets/reviews-2024?workspace=${ARCHIVE}`);
    assert.equal(copied.records, 250);
    assert.equal(copied.annotated, 8);
  });

  it('the admin creates and deletes a dataset from the workspace view; the annotator gets neither control', async () => {
    const admin = contexts[contexts.length - 1]!.pages()[0]!;
    await admin.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Home' }).click();
    await heading(admin, /^Welcome/).waitFor();
    await admin.getByLabel('Workspace', { exact: true }).selectOption(W);
    await admin.getByTestId('datasets-table').locator('tr[data-dataset="reviews"]').waitFor();
    const form = admin.locator('form[aria-labelledby="new-dataset-title"]');
    await form.getByLabel('Name', { exact: true }).fill('Bad Name');
    await form.getByLabel('Labels', { exact: true }).fill('yes, no');
    await form.getByRole('button', { name: 'Create dataset' }).click();
    await form.locator('.field-error').filter({ hasText: /lowercase letters/i }).waitFor();
    await form.getByLabel('Name', { exact: true }).fill('scratch');
    await form.getByRole('button', { name: 'Create dataset' }).click();
    await admin.getByText(`Dataset scratch created in ${W}.`).waitFor();
    await admin.getByTestId('datasets-table').locator('tr[data-dataset="scratch"]').waitFor();
    assert.deepEqual((await adminCall(server, 'GET', api('/api/datasets/scratch/settings'))).labels, ['yes', 'no']);
    await shots.take(admin, 'home-admin-datasets');
    await admin.getByRole('button', { name: 'Delete dataset scratch' }).click();
    const confirm = admin.getByRole('dialog', { name: 'Delete dataset scratch?' });
    await confirm.getByText('Its 0 records and all their annotations are deleted with it.').waitFor();
    await confirm.getByRole('button', { name: 'Delete dataset' }).click();
    await admin.getByText('Dataset scratch deleted.').waitFor();
    await admin.getByTestId('datasets-table').locator('tr[data-dataset="scratch"]').waitFor({ state: 'detached' });
    assert.equal((await as(keys[ANN1]!, 'GET', api('/api/datasets/scratch'))).status, 404);

    await page.goto(`${server.url}/#/home`);
    await page.getByTestId('datasets-table').locator('tr[data-dataset="reviews"]').waitFor();
    assert.equal(await page.getByRole('button', { name: /^Delete dataset/ }).count(), 0);
    assert.equal(await page.getByRole('heading', { name: /New dataset/ }).count(), 0);
  });

  it('a dataset of 100,000 records opens and steps through 20 records with no request loading more than a page', async () => {
    const big = 'big';
    await adminCall(server, 'POST', api('/api/datasets'), { name: big, settings: { labels: LABELS } });
    const batches = Array.from({ length: 200 }, (_, b) =>
      Array.from({ length: 500 }, (_, i) => ({ id: `big-${String(b * 500 + i).padStart(6, '0')}`, fields: { text: `record ${b * 500 + i}` } })),
    );
    // Four bulk requests at a time: the order of the records is the order they were first logged,
    // so each batch goes in after the one before it within its lane only; the ids sort the same way.
    for (let i = 0; i < batches.length; i += 4) {
      await Promise.all(batches.slice(i, i + 4).map((records) => adminCall(server, 'POST', api(`/api/datasets/${big}/records:bulk`), { records })));
    }
    assert.equal((await adminCall(server, 'GET', api(`/api/datasets/${big}`))).records, 100_000);

    const requests: Request[] = [];
    const listener = (request: Request) => {
      if (new URL(request.url()).pathname.startsWith(`/api/datasets/${big}/records`)) requests.push(request);
    };
    page.on('request', listener);
    try {
      await page.goto(datasetUrl(big));
      const seen = [await record(page).getAttribute('data-record-id', { timeout: 30_000 })];
      await page.locator('h1').focus();
      for (let step = 1; step <= 20; step++) {
        await page.keyboard.press('ArrowRight');
        await movedOn(page, seen.at(-1)!);
        seen.push(await record(page).getAttribute('data-record-id'));
      }
      assert.equal(new Set(seen).size, 21);
      assert.ok(seen.every((recordId) => /^big-\d{6}$/.test(recordId ?? '')), seen.join(' '));
      await page.locator('[data-count="records"]', { hasText: '100,000' }).waitFor();
      await shots.take(page, 'dataset-100k');
    } finally {
      page.off('request', listener);
    }
    // The first page and the one fetched ahead, each of at most a page.
    assert.ok(requests.length >= 1 && requests.length <= 2, `${requests.length} record requests`);
    for (const request of requests) {
      const url = new URL(request.url());
      assert.equal(url.searchParams.get('limit'), String(PAGE_SIZE), url.search);
      const answer = await (await request.response())!.json();
      assert.ok(answer.items.length <= PAGE_SIZE);
    }
  });

  it('fits a phone-sized screen: labels wrap, buttons are large enough to tap', async () => {
    const phone = await newPage(PHONE, 'phone');
    await phone.goto(`${server.url}/`);
    await logIn(phone, ANN2, PASSWORD);
    await heading(phone, 'Welcome, Bo').waitFor();
    await phone.getByTestId('datasets-table').locator('tr[data-dataset="reviews"]').waitFor();
    const fits = () => phone.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth + 1);
    assert.ok(await fits(), 'home fits the width');
    await shots.take(phone, 'phone-home');
    await phone.getByRole('link', { name: 'reviews', exact: true }).click();
    await showing(phone, id(0));
    assert.ok(await fits(), 'the dataset page fits the width');
    for (const box of await phone.locator('.label-buttons button, .annotate-actions button').evaluateAll((buttons) =>
      buttons.map((b) => b.getBoundingClientRect()).map((r) => ({ width: r.width, height: r.height, right: r.right })),
    )) {
      assert.ok(box.height >= 44, `a button ${box.height}px high`);
      assert.ok(box.right <= 375 + 1, 'inside the screen');
    }
    await shots.take(phone, 'phone-dataset');
    await phone.goto(datasetUrl(`reviews`, W, `record=${id(3)}`));
    await showing(phone, id(3));
    assert.ok(await fits(), 'a long text wraps');
    await shots.take(phone, 'phone-dataset-long-text');
    await phone.goto(datasetUrl('tags'));
    await showing(phone, 't1');
    await shots.take(phone, 'phone-dataset-multi-label');
    const admin = await newPage(PHONE, 'phone admin');
    await admin.goto(datasetUrl('reviews'));
    await logIn(admin, 'argilla', '1234');
    await admin.getByTestId('labels-editor').waitFor();
    assert.ok(await admin.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth + 1), 'the labels editor fits the width');
    await shots.take(admin, 'phone-labels-editor');
  });

  it('met no script error and no blocked resource', () => {
    assert.deepEqual(problems, []);
  });
});
