// The login session: one client library instance per login, its token kept in localStorage so a
// reload (or a new tab) stays logged in until the token expires or is revoked. Any 401 on a call
// other than the login itself means the session is over: the app goes back to the login page.
import { Argilla, type User } from '@argilla-ts/client';
import { navigate, parseHash } from './router.js';

const TOKEN_KEY = 'argilla.token';
const WORKSPACE_KEY = 'argilla.workspace.';

/**
 * The user as GET /api/me describes it: with `permissions`, what its role allows (read through
 * permissions.ts), and for those who manage users whether the default credentials still work.
 */
export type Me = User & { default_credentials_in_use?: boolean };

/** A dataset of GET /api/datasets, with its record and annotation counts. */
export interface DatasetSummary {
  id: string;
  name: string;
  workspace: string;
  created_by: string | null;
  inserted_at: string;
  updated_at: string;
  records?: number;
  annotated?: number;
}

type Storage = Pick<globalThis.Storage, 'getItem' | 'setItem' | 'removeItem'>;

function storage(): Storage | undefined {
  try {
    return globalThis.localStorage;
  } catch {
    // Storage disabled (some privacy settings): the session then lasts as long as the page.
    return undefined;
  }
}

/**
 * The login token of a session: one handed back by single sign-on first (see below), else the one
 * kept in storage.
 */
export function storedToken(): string | undefined {
  return takeHandedBackToken() ?? storage()?.getItem(TOKEN_KEY) ?? undefined;
}

/**
 * After single sign-on the server sends the browser to #/login?next=/page&sso_token=... : the token
 * travels in the URL fragment, which browsers never send to a server. It is taken out of the
 * address at once (kept in storage like a password login's token) and the page the person came
 * from is opened.
 */
function takeHandedBackToken(): string | undefined {
  if (typeof location === 'undefined') return undefined;
  const route = parseHash(location.hash);
  const token = route.params.get('sso_token');
  if (route.path !== '/login' || !token) return undefined;
  storeToken(token);
  navigate(route.params.get('next') ?? '/home', {}, { replace: true });
  return token;
}

/** A single sign-on provider of GET /api/oauth2/providers, for the login page. */
export interface SsoProvider {
  name: string;
  display_name: string;
  authorize_url: string;
  logout_url: string;
}

/** The server's single sign-on providers, and whether password login is on (public, no credentials). */
export async function listSsoProviders(): Promise<{ items: SsoProvider[]; password_login: boolean }> {
  const response = await fetch('/api/oauth2/providers', { headers: { accept: 'application/json' } });
  if (!response.ok) return { items: [], password_login: true };
  return (await response.json()) as { items: SsoProvider[]; password_login: boolean };
}

function storeToken(token: string | undefined): void {
  if (token === undefined) storage()?.removeItem(TOKEN_KEY);
  else storage()?.setItem(TOKEN_KEY, token);
}

/** The workspace this user last chose on this browser, if any. */
export function rememberedWorkspace(username: string): string | undefined {
  return storage()?.getItem(WORKSPACE_KEY + username) ?? undefined;
}

export function rememberWorkspace(username: string, workspace: string): void {
  storage()?.setItem(WORKSPACE_KEY + username, workspace);
}

/**
 * A client whose every answer is watched for a 401 (expired, logged-out or revoked token; disabled
 * user). The login form's own 401 ("wrong username or password") is not a session ending.
 */
export function makeClient(token: string | undefined, onSessionEnded: () => void): Argilla {
  const watched: typeof fetch = async (input, init) => {
    const response = await fetch(input, init);
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    if (response.status === 401 && !/\/api\/security\/(token|logout)(\?|$)/.test(url)) onSessionEnded();
    return response;
  };
  // apiUrl '' : the page is served by the API server itself, so requests go to the same origin.
  return new Argilla({ apiUrl: '', apiKey: null, token, fetch: watched, retries: 1, timeoutMs: 30_000 });
}

/** Logs in and keeps the token; resolves to the user. */
export async function logIn(client: Argilla, username: string, password: string): Promise<Me> {
  await client.login(username, password);
  storeToken(client.token);
  return (await client.whoami()) as Me;
}

/** Ends the session on the server (if still open) and forgets the token in any case. */
export async function logOut(client: Argilla): Promise<void> {
  storeToken(undefined);
  if (client.token === undefined) return;
  try {
    await client.logout();
  } catch {
    // The server may be unreachable: the token is forgotten here anyway, and it expires.
  }
}

export function forgetSession(): void {
  storeToken(undefined);
}

/**
 * Calls an API route the client library does not type yet (its generated operations may lag the
 * server). Same transport, credentials and typed errors as every other call.
 */
export async function untypedRequest<T>(
  client: Argilla,
  operation: string,
  options: { query?: Record<string, string | number | undefined>; body?: unknown } = {},
): Promise<T> {
  const request = client.request.bind(client) as unknown as (
    op: string,
    opts: { query?: Record<string, string | number | undefined>; body?: unknown },
  ) => Promise<{ body: unknown }>;
  return (await request(operation, options)).body as T;
}

/** The datasets of one workspace, with their counts (GET /api/datasets?workspace=). */
export function listDatasets(client: Argilla, workspace: string): Promise<DatasetSummary[]> {
  return untypedRequest<DatasetSummary[]>(client, 'GET /api/datasets', { query: { workspace } });
}
