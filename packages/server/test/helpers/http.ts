// A real server on a random port over a fresh database, with factories for users and keys.
import { Writable } from 'node:stream';
import type { Database } from '../../src/db/connect.js';
import type { DatabaseTarget } from '../../src/config.js';
import { createDefaultUser } from '../../src/domain/defaultUser.js';
import { SYSTEM } from '../../src/domain/policies.js';
import { createUser, updateUser } from '../../src/domain/users.js';
import { buildApp, type App } from '../../src/http/app.js';
import { freshDatabase, type TestBackend } from './databases.js';

export interface TestServer {
  app: App;
  database: Database & { url: string; home: string; target: DatabaseTarget };
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
}

type OpenDatabase = Database & { url: string; home: string; target: DatabaseTarget };

/** The app on a random port over an open database; `closeDatabase`: whether close() closes it too. */
export async function serveDatabase(database: OpenDatabase, options: ServerOptions = {}, closeDatabase = true): Promise<TestServer> {
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

let counter = 0;

/** A user made directly through the domain (fast), with its clear key and password. */
export async function makeUser(
  server: TestServer,
  options: { role?: 'admin' | 'annotator'; workspaces?: string[]; disabled?: boolean; username?: string } = {},
): Promise<Made> {
  const username = options.username ?? `user-${process.pid}-${++counter}`;
  const password = 'password-123';
  const { user, apiKey } = await createUser(server.database, SYSTEM, {
    username,
    first_name: 'Test',
    last_name: 'User',
    role: options.role ?? 'annotator',
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

/** fetch with JSON in and out; `key` is sent as X-Argilla-Api-Key, `bearer` as Authorization. */
export async function call(
  server: TestServer,
  method: string,
  path: string,
  options: { key?: string; bearer?: string; json?: unknown; body?: string; headers?: Record<string, string> } = {},
): Promise<Reply> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.key !== undefined) headers['x-argilla-api-key'] = options.key;
  if (options.bearer !== undefined) headers.authorization = `Bearer ${options.bearer}`;
  let body: string | undefined = options.body;
  if (options.json !== undefined) {
    body = JSON.stringify(options.json);
    headers['content-type'] ??= 'application/json';
  }
  const response = await fetch(server.url + path, { method, headers, body });
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
export async function loginToken(server: TestServer, username: string, password: string): Promise<string> {
  const response = await fetch(`${server.url}/api/security/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ username, password }).toString(),
  });
  const body = await response.json();
  if (response.status !== 200) throw new Error(`login failed: ${response.status} ${JSON.stringify(body)}`);
  return body.access_token;
}
