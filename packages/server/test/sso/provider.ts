// A real OpenID Connect provider for the tests: oidc-provider on a random port of 127.0.0.1, with
// its own login page (any password; the login names a test account), test accounts whose claims
// the tests change between logins (groups among them), and consent granted at once. Also a plain
// HTTP "browser" (fetch with manual redirects and a cookie jar) that drives the whole sign-in.
import { spawn } from 'node:child_process';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import Provider from 'oidc-provider';

export interface TestAccount {
  preferred_username?: string;
  given_name?: string;
  family_name?: string;
  email?: string;
  groups?: string[];
  /** a claim with a nested path, as Keycloak sends realm roles */
  realm_access?: { roles: string[] };
}

export interface TestClient {
  client_id: string;
  client_secret?: string;
  redirect_uris: string[];
}

export interface TestProvider {
  /** the issuer identifier (no trailing slash) */
  issuer: string;
  /** the accounts by login (the login is also the subject) */
  accounts: Map<string, TestAccount>;
  /** registers the clients (once the server's callback URL is known) and starts answering */
  serve(clients: TestClient[]): void;
  close(): Promise<void>;
}

export const SCOPES = ['openid', 'profile', 'email', 'groups'];

/** The provider's settings: accounts from `accounts`, consent given at once, the groups claim. */
export function providerSettings(accounts: Map<string, TestAccount>, clients: TestClient[]): Record<string, unknown> {
  return {
    clients: clients.map((client) => ({
      ...client,
      grant_types: ['authorization_code'],
      response_types: ['code'],
      token_endpoint_auth_method: client.client_secret ? 'client_secret_basic' : 'none',
      post_logout_redirect_uris: client.redirect_uris.map((uri) => `${new URL(uri).origin}/`),
    })),
    cookies: { keys: ['test-only-cookie-key'] },
    claims: {
      openid: ['sub'],
      profile: ['preferred_username', 'given_name', 'family_name', 'name'],
      email: ['email'],
      groups: ['groups', 'realm_access'],
    },
    features: { devInteractions: { enabled: true } },
    pkce: { required: () => true },
    async findAccount(_ctx: unknown, id: string) {
      const account = accounts.get(id);
      if (!account) return undefined;
      return { accountId: id, claims: async () => ({ sub: id, ...structuredClone(accounts.get(id) ?? account) }) };
    },
    // First-party application: no consent page.
    async loadExistingGrant(ctx: any) {
      const grant = new ctx.oidc.provider.Grant({ clientId: ctx.oidc.client.clientId, accountId: ctx.oidc.session.accountId });
      grant.addOIDCScope(SCOPES.join(' '));
      grant.addOIDCClaims(['preferred_username', 'given_name', 'family_name', 'email', 'groups', 'realm_access']);
      await grant.save();
      return grant;
    },
    renderError(ctx: any, out: Record<string, string>) {
      ctx.type = 'text';
      ctx.body = `provider error: ${out.error}: ${out.error_description ?? ''}`;
    },
  };
}

/** Starts listening at once (so the issuer is known); answers once serve() has the clients. */
export async function startProvider(accounts: Map<string, TestAccount> = new Map()): Promise<TestProvider> {
  let handler: ((request: IncomingMessage, response: ServerResponse) => void) | undefined;
  const server: Server = createServer((request, response) => {
    if (handler) return handler(request, response);
    response.statusCode = 503;
    response.end('not configured yet');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    issuer,
    accounts,
    serve(clients) {
      const provider = new Provider(issuer, providerSettings(accounts, clients));
      handler = provider.callback();
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/**
 * The same provider in a child process whose clock runs `skewSeconds` behind: its tokens are
 * already expired when they arrive. The accounts are fixed at start; serve() sends the clients.
 */
export async function startSkewedProvider(
  skewSeconds: number,
  accounts: Record<string, TestAccount>,
): Promise<{ issuer: string; serve(clients: TestClient[]): Promise<void>; close(): Promise<void> }> {
  const child = spawn(process.execPath, ['--import', 'tsx', new URL('./skewedProvider.ts', import.meta.url).pathname], {
    env: { ...process.env, SKEW_SECONDS: String(skewSeconds), ACCOUNTS: JSON.stringify(accounts) },
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  let out = '';
  const waitFor = (pattern: RegExp) =>
    new Promise<RegExpExecArray>((resolve, reject) => {
      const check = () => {
        const match = pattern.exec(out);
        if (match) {
          child.stdout.off('data', onData);
          child.off('exit', onExit);
          resolve(match);
        }
      };
      const onData = (chunk: Buffer) => {
        out += chunk;
        check();
      };
      const onExit = (code: number | null) => reject(new Error(`the skewed provider stopped (exit code ${code})`));
      child.stdout.on('data', onData);
      child.on('exit', onExit);
      check();
    });
  const issuer = (await waitFor(/ISSUER (\S+)\n/))[1]!;
  return {
    issuer,
    async serve(clients) {
      child.stdin.write(`${JSON.stringify(clients)}\n`);
      await waitFor(/READY\n/);
    },
    async close() {
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    },
  };
}

// ---- a browser made of fetch calls -------------------------------------------------------------

export interface Hop {
  url: string;
  status: number;
  location: string | null;
  body: string;
}

/** fetch with a cookie jar per origin and redirects followed by hand (each hop is kept). */
export class PlainBrowser {
  readonly jar = new Map<string, Map<string, string>>();

  cookie(origin: string, name: string): string | undefined {
    return this.jar.get(origin)?.get(name);
  }

  setCookie(origin: string, name: string, value: string): void {
    if (!this.jar.has(origin)) this.jar.set(origin, new Map());
    this.jar.get(origin)!.set(name, value);
  }

  async request(url: string, init: { method?: string; form?: Record<string, string> } = {}): Promise<Hop> {
    const origin = new URL(url).origin;
    const cookies = [...(this.jar.get(origin) ?? new Map()).entries()].map(([name, value]) => `${name}=${value}`).join('; ');
    const headers: Record<string, string> = {};
    if (cookies) headers.cookie = cookies;
    let body: string | undefined;
    if (init.form) {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      body = new URLSearchParams(init.form).toString();
    }
    const response = await fetch(url, { method: init.method ?? (init.form ? 'POST' : 'GET'), headers, body, redirect: 'manual' });
    for (const line of response.headers.getSetCookie()) {
      const [pair = '', ...attributes] = line.split(';');
      const at = pair.indexOf('=');
      const name = pair.slice(0, at).trim();
      const value = pair.slice(at + 1).trim();
      const expired = attributes.some((a) => /^\s*max-age=0\s*$/i.test(a)) || attributes.some((a) => /^\s*expires=Thu, 01 Jan 1970/i.test(a));
      if (!this.jar.has(origin)) this.jar.set(origin, new Map());
      if (expired) this.jar.get(origin)!.delete(name);
      else this.jar.get(origin)!.set(name, value);
    }
    const location = response.headers.get('location');
    return { url, status: response.status, location: location === null ? null : new URL(location, url).href, body: await response.text() };
  }

  /** Follows redirects from `url` until `stop` says so (or a page that is not a redirect). */
  async follow(url: string, stop: (hop: Hop) => boolean = () => false): Promise<Hop[]> {
    const hops: Hop[] = [];
    let next: string | null = url;
    while (next !== null) {
      const hop = await this.request(next);
      hops.push(hop);
      if (stop(hop) || hop.location === null || hops.length > 20) break;
      next = hop.location;
    }
    return hops;
  }
}

/** What the web UI receives at the end of a sign-in: the fragment's parameters. */
export interface Landing {
  url: string;
  token: string | null;
  error: string | null;
  next: string | null;
}

export function landingOf(location: string): Landing {
  const url = new URL(location);
  const hash = url.hash.replace(/^#/, '');
  const params = new URLSearchParams(hash.includes('?') ? hash.slice(hash.indexOf('?') + 1) : '');
  return { url: location, token: params.get('sso_token'), error: params.get('sso_error'), next: params.get('next') };
}

/**
 * The sign-in up to the provider's redirect back to the server, not followed: the authorize URL at
 * the server, the provider's login page filled in with `login`, and the callback URL it sends the
 * browser to. `toProvider` may rewrite the authorization URL (an attacker's tampering).
 */
export async function signInUntilCallback(
  browser: PlainBrowser,
  serverUrl: string,
  providerName: string,
  login: string,
  options: { next?: string; toProvider?: (url: URL) => URL } = {},
): Promise<{ authorizeUrl: URL; callback: string; sealed: string | undefined }> {
  const start = await browser.request(`${serverUrl}/api/oauth2/providers/${providerName}/authorize${options.next ? `?next=${encodeURIComponent(options.next)}` : ''}`);
  if (start.status !== 302 || start.location === null) throw new Error(`authorize answered ${start.status}: ${start.body}`);
  let authorizeUrl = new URL(start.location);
  if (authorizeUrl.hash.includes('sso_error')) throw new Error(`authorize failed: ${landingOf(start.location).error}`);
  const sealed = browser.cookie(serverUrl, 'argilla_sso');
  if (options.toProvider) authorizeUrl = options.toProvider(authorizeUrl);
  const callbackPrefix = `${serverUrl}/api/oauth2/`;
  // To the provider's login page.
  let hops = await browser.follow(authorizeUrl.href, (hop) => hop.location?.startsWith(callbackPrefix) ?? false);
  let last = hops.at(-1)!;
  if (last.status === 200 && /name="login"/.test(last.body)) {
    const action = /<form[^>]*action="([^"]+)"/.exec(last.body)?.[1];
    if (!action) throw new Error('no login form on the provider page');
    const submit = await browser.request(new URL(action.replace(/&amp;/g, '&'), last.url).href, { form: { prompt: 'login', login, password: 'any-password' } });
    if (submit.location === null) throw new Error(`login form answered ${submit.status}: ${submit.body.slice(0, 300)}`);
    hops = await browser.follow(submit.location, (hop) => hop.location?.startsWith(callbackPrefix) ?? false);
    last = hops.at(-1)!;
  }
  if (!last.location?.startsWith(callbackPrefix)) throw new Error(`the provider did not send the browser back: ${last.status} ${last.body.slice(0, 300)}`);
  return { authorizeUrl, callback: last.location, sealed };
}

/** The whole sign-in: back at the server's callback, then where the server sends the browser. */
export async function signIn(browser: PlainBrowser, serverUrl: string, providerName: string, login: string, next?: string): Promise<Landing> {
  const { callback } = await signInUntilCallback(browser, serverUrl, providerName, login, { next });
  return finishAt(browser, callback);
}

/** Visits the callback URL; the server's redirect to the web UI, as a landing. */
export async function finishAt(browser: PlainBrowser, callback: string): Promise<Landing> {
  const back = await browser.request(callback);
  if (back.status !== 302 || back.location === null) throw new Error(`callback answered ${back.status}: ${back.body.slice(0, 300)}`);
  return landingOf(back.location);
}
