// A real server on a random port over a fresh database, with a factory for users and plain HTTP
// calls.
import { Writable } from 'node:stream';
import type { SsoConfig } from '../configSso.js';
import { createDefaultUser } from '../domain/defaultUser.js';
// Beyond the domain's entry points, on purpose: users made as the system, not through the
// API as the default admin, work whatever a test has done to that admin (demoted it, deleted it)
// and leave no request or admin action behind in the logs and the audit trail a test inspects.
import { DEFAULT_ROLE, SYSTEM, type Role } from '../domain/policies.js';
import { createUser, updateUser } from '../domain/users.js';
import { buildApp, type App } from '../http/app.js';
import { freshDatabase, type TestBackend, type TestDatabase } from './databases.js';

export interface TestServer {
  app: App;
  database: TestDatabase;
  /** base URL, e.g. http://127.0.0.1:41234 */
  url: string;
  /** every request-log line written so far */
  logLines: string[];
  /** the default admin's API key */
  adminKey: string;
  close(): Promise<void>;
}

export interface ServerOptions {
  tokenExpirationMinutes?: number;
  apiKeyRotationGraceSeconds?: number;
  trustedProxies?: string[] | number;
  /** single sign-on providers and the password-login switch (none, password login on, by default) */
  sso?: SsoConfig;
}

/** The app on a random port over an open database; `closeDatabase`: whether close() closes it too. */
export async function serveDatabase(database: TestDatabase, options: ServerOptions = {}, closeDatabase = true): Promise<TestServer> {
  const logLines: string[] = [];
  const logStream = new Writable({
    write(chunk, _encoding, callback) {
      logLines.push(...String(chunk).split('\n').filter(Boolean));
      callback();
    },
  });
  const app = await buildApp({
    database,
    config: {
      tokenExpirationMinutes: options.tokenExpirationMinutes ?? 60,
      apiKeyRotationGraceSeconds: options.apiKeyRotationGraceSeconds ?? 3600,
      logLevel: 'info',
      trustedProxies: options.trustedProxies ?? null,
      sso: options.sso,
    },
    version: 'test',
    logStream,
  });
  const url = await app.listen({ host: '127.0.0.1', port: 0 });
  return {
    app,
    database,
    url,
    logLines,
    adminKey: 'argilla.apikey',
    async close() {
      await app.close();
      if (closeDatabase) await database.close();
    },
  };
}

/** A server over a fresh database holding the default admin (argilla / 1234 / argilla.apikey). */
export async function startTestServer(backend: TestBackend, options: ServerOptions = {}): Promise<TestServer> {
  const database = await freshDatabase(backend);
  await createDefaultUser(database);
  return serveDatabase(database, options);
}

export interface Made {
  id: string;
  username: string;
  apiKey: string;
  password: string;
}

export interface MakeUserOptions {
  role?: Role;
  workspaces?: string[];
  disabled?: boolean;
  username?: string;
}

let counter = 0;

/** A user made directly through the domain, as the system (fast), with its clear key and password. */
export async function makeUser(server: TestServer, options: MakeUserOptions = {}): Promise<Made> {
  const username = options.username ?? `user-${process.pid}-${++counter}`;
  const password = 'password-123';
  const { user, apiKey } = await createUser(server.database, SYSTEM, {
    username,
    first_name: 'Test',
    last_name: 'User',
    role: options.role ?? DEFAULT_ROLE,
    password,
    workspaces: options.workspaces ?? [],
  });
  if (options.disabled) await updateUser(server.database, SYSTEM, user.id, { disabled: true });
  return { id: user.id, username, apiKey, password };
}

export interface Reply {
  status: number;
  headers: Headers;
  body: any;
}

export interface CallOptions {
  /** sent as X-Argilla-Api-Key */
  key?: string;
  /** sent as Authorization: Bearer */
  bearer?: string;
  json?: unknown;
  body?: string;
  headers?: Record<string, string>;
  /** 'manual' to see a 3xx as it is (default: follow it, as fetch does) */
  redirect?: RequestRedirect;
}

/** fetch with JSON in and out; a body that is not JSON is kept as text. */
export async function call(server: Pick<TestServer, 'url'>, method: string, path: string, options: CallOptions = {}): Promise<Reply> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.key !== undefined) headers['x-argilla-api-key'] = options.key;
  if (options.bearer !== undefined) headers.authorization = `Bearer ${options.bearer}`;
  let body: string | undefined = options.body;
  if (options.json !== undefined) {
    body = JSON.stringify(options.json);
    headers['content-type'] ??= 'application/json';
  }
  const response = await fetch(server.url + path, { method, headers, body, redirect: options.redirect ?? 'follow' });
  const text = await response.text();
  let parsed: unknown = text;
  try {
    parsed = text ? JSON.parse(text) : null;
  } catch {
    // not JSON: keep the text
  }
  return { status: response.status, headers: response.headers, body: parsed };
}

/** Logs in with the OAuth2 password form; returns the token (or throws with the reply). */
export async function loginToken(server: Pick<TestServer, 'url'>, username: string, password: string): Promise<string> {
  const response = await fetch(`${server.url}/api/security/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ username, password }).toString(),
  });
  const body = await response.json();
  if (response.status !== 200) throw new Error(`login failed: ${response.status} ${JSON.stringify(body)}`);
  return body.access_token;
}
