// Test support for the web UI: a real server (the app of packages/server plus the built UI) on a
// random port over a fresh SQLite database, Debian's Chromium driven by playwright-core (never a
// downloaded browser), and screenshots of every page visited.
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { backends, buildApp, createDefaultUser, freshDatabase, registerWebUi, type App } from '@argilla-ts/server/testkit';

export const ROOT = resolve(import.meta.dirname, '../../..');
export const WEB_DIST = resolve(import.meta.dirname, '../dist');
export const SCREENSHOT_DIR = join(ROOT, 'test-results', 'screenshots');
export const CHROMIUM = '/usr/bin/chromium';

export interface UiServer {
  app: App;
  url: string;
  /** the copy of the build this server serves */
  distDir: string;
  close(): Promise<void>;
}

/** The server with the UI, as `argilla server start` serves it, with the default admin. */
export async function startUiServer(): Promise<UiServer> {
  if (!existsSync(join(WEB_DIST, 'index.html'))) {
    throw new Error(`${WEB_DIST}/index.html is missing: build the UI first (npm run build, which npm test runs).`);
  }
  const sqlite = backends().find((backend) => backend.name === 'sqlite')!;
  const database = await freshDatabase(sqlite);
  await createDefaultUser(database);
  const app = await buildApp({
    database,
    config: { tokenExpirationMinutes: 60, apiKeyRotationGraceSeconds: 3600, logLevel: 'silent' },
    version: 'test',
  });
  // A copy of the build, so that a rebuild meanwhile (another `npm run build` in this working
  // tree) cannot change the files under a running test.
  const distDir = join(mkdtempSync(join(tmpdir(), 'argilla-web-')), 'dist');
  cpSync(WEB_DIST, distDir, { recursive: true });
  await registerWebUi(app, { distDir });
  const url = await app.listen({ host: '127.0.0.1', port: 0 });
  return {
    app,
    url,
    distDir,
    async close() {
      await app.close();
      await database.close();
      rmSync(dirname(distDir), { recursive: true, force: true });
    },
  };
}

/**
 * Why the browser tests cannot run here, or undefined when they can. With
 * ARGILLA_TEST_REQUIRE_BROWSER=1 (CI) a missing browser is a failure rather than a skip.
 */
export function browserSkipReason(): string | undefined {
  if (existsSync(CHROMIUM)) return undefined;
  const message = `${CHROMIUM} is missing: install Debian's chromium (apt-get install -y chromium) to run the browser tests`;
  if (process.env.ARGILLA_TEST_REQUIRE_BROWSER === '1') {
    throw new Error(`${message}. ARGILLA_TEST_REQUIRE_BROWSER=1: the browser tests are mandatory here.`);
  }
  return `SKIPPED: ${message}`;
}

export async function launchBrowser(): Promise<Browser> {
  // playwright-core gives each launch a fresh, temporary user-data directory.
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/** Saves numbered full-page screenshots of each page a suite visits, under test-results/screenshots. */
export class Screenshots {
  #count = 0;
  readonly #prefix: string;

  constructor(prefix: string) {
    this.#prefix = prefix;
    mkdirSync(SCREENSHOT_DIR, { recursive: true });
    // A re-run replaces this suite's pictures, not those of other suites.
    for (const name of readdirSync(SCREENSHOT_DIR)) {
      if (name.startsWith(`${prefix}-`) && name.endsWith('.png')) rmSync(join(SCREENSHOT_DIR, name));
    }
  }

  async take(page: Page, name: string): Promise<string> {
    const path = join(SCREENSHOT_DIR, `${this.#prefix}-${String(++this.#count).padStart(2, '0')}-${name}.png`);
    await page.screenshot({ path, fullPage: true });
    return path;
  }
}

/** An API call with the default admin's key (to set up data the UI then shows). */
export async function adminCall(server: UiServer, method: string, path: string, json?: unknown): Promise<any> {
  const response = await fetch(server.url + path, {
    method,
    headers: { 'x-argilla-api-key': 'argilla.apikey', ...(json === undefined ? {} : { 'content-type': 'application/json' }) },
    body: json === undefined ? undefined : JSON.stringify(json),
  });
  const body = await response.json();
  if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${JSON.stringify(body)}`);
  return body;
}

/** Fills and sends the login form on the page (which must show it). */
export async function logIn(page: Page, username: string, password: string): Promise<void> {
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Log in' }).click();
}
