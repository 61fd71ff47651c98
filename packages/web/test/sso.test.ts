// Single sign-on in Chromium, the whole way: the login page shows the provider's button; clicking
// it opens the provider's own login page (a real OpenID Connect provider, oidc-provider, in this
// process); after logging in there the browser comes back to the page it started from, logged in
// with the role the person's groups map to. A refused sign-in comes back to the login page with
// its sentence.
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { backends, buildApp, createDefaultUser, freshDatabase, loadSsoConfig, registerWebUi, type App } from '@argilla-ts/server/testkit';
import { SCOPES, startProvider, type TestAccount, type TestProvider } from '../../server/test/sso/provider.js';
import { browserSkipReason, launchBrowser, Screenshots, WEB_DIST } from './helpers.js';

const skip = browserSkipReason();
if (skip) console.log(`# single sign-on browser test ${skip}`);

const SECRET = 'web-test-client-secret';

describe('single sign-on in Chromium', { skip }, () => {
  let provider: TestProvider;
  let app: App;
  let url: string;
  let distDir: string;
  let close: () => Promise<void>;
  let browser: Browser;
  let page: Page;
  const accounts = new Map<string, TestAccount>();
  const shots = new Screenshots('sso');

  before(async () => {
    provider = await startProvider(accounts);
    const configFile = join(mkdtempSync(join(tmpdir(), 'argilla-sso-web-')), 'providers.yml');
    writeFileSync(
      configFile,
      `providers:
  - name: company
    display_name: Company account
    issuer: ${provider.issuer}
    client_id: argilla-web
    client_secret: ${SECRET}
    scopes: [${SCOPES.join(', ')}]
    role_claim: groups
    roles: { argilla-admins: admin, argilla-annotators: annotator }
    default_role: none
    workspaces: { team-web: team-web }
    create_workspaces: true
`,
    );
    const sqlite = backends().find((backend) => backend.name === 'sqlite')!;
    const database = await freshDatabase(sqlite);
    await createDefaultUser(database);
    app = await buildApp({
      database,
      config: { tokenExpirationMinutes: 60, apiKeyRotationGraceSeconds: 3600, logLevel: 'silent', sso: loadSsoConfig({ ARGILLA_OIDC_CONFIG: configFile }) },
      version: 'test',
    });
    distDir = join(mkdtempSync(join(tmpdir(), 'argilla-web-')), 'dist');
    cpSync(WEB_DIST, distDir, { recursive: true });
    await registerWebUi(app, { distDir });
    url = await app.listen({ host: '127.0.0.1', port: 0 });
    provider.serve([{ client_id: 'argilla-web', client_secret: SECRET, redirect_uris: [`${url}/api/oauth2/providers/company/callback`] }]);
    close = async () => {
      await app.close();
      await database.close();
      rmSync(dirname(distDir), { recursive: true, force: true });
      rmSync(dirname(configFile), { recursive: true, force: true });
    };
    browser = await launchBrowser();
    page = await (await browser.newContext({ viewport: { width: 1280, height: 860 } })).newPage();
  });

  after(async () => {
    await browser?.close();
    await close?.();
    await provider?.close();
  });

  const heading = (name: string | RegExp) => page.getByRole('heading', { level: 1, name });

  async function signInAtProvider(login: string): Promise<void> {
    await page.getByRole('button', { name: 'Log in with Company account' }).click();
    await page.waitForURL((address) => address.href.startsWith(provider.issuer));
    await page.locator('input[name="login"]').fill(login);
    await page.locator('input[name="password"]').fill('any password');
    await shots.take(page, `provider-login-${login}`);
    await page.getByRole('button', { name: 'Sign-in' }).click();
  }

  it('logs in through the provider and comes back to the page it started from, as the mapped role', async () => {
    accounts.set('una', { preferred_username: 'una', given_name: 'Una', family_name: 'Admin', groups: ['argilla-admins', 'team-web'] });
    await page.goto(`${url}/#/users`);
    await heading('Log in').waitFor();
    assert.match(page.url(), /#\/login\?next=%2Fusers$/);
    await page.getByTestId('sso-providers').waitFor();
    await shots.take(page, 'login-with-provider');
    await signInAtProvider('una');
    await heading('Users').waitFor();
    assert.equal(new URL(page.url()).hash, '#/users');
    // The token is no longer in the address, and it is the session's.
    const token = await page.evaluate(() => localStorage.getItem('argilla.token'));
    const me = await (await fetch(`${url}/api/me`, { headers: { authorization: `Bearer ${token}` } })).json();
    assert.equal(me.username, 'una');
    assert.equal(me.role, 'admin');
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Workspaces' }).waitFor();
    await shots.take(page, 'signed-in-users');
    await page.getByRole('button', { name: 'Log out' }).click();
    await heading('Log in').waitFor();
  });

  it('comes back to the login page with a sentence when the sign-in is refused', async () => {
    accounts.set('vic', { preferred_username: 'vic', groups: ['elsewhere'] });
    // A fresh browser: the provider still remembers the first person's session in the first one.
    page = await (await browser.newContext({ viewport: { width: 1280, height: 860 } })).newPage();
    await page.goto(`${url}/`);
    await page.getByTestId('sso-providers').waitFor();
    await signInAtProvider('vic');
    await page.getByTestId('sso-error').waitFor();
    assert.equal(
      await page.getByTestId('sso-error').innerText(),
      'Company account gives your account no role on this server (no group of yours is mapped to one): ask an administrator.',
    );
    await heading('Log in').waitFor();
    await shots.take(page, 'refused');
  });
});
