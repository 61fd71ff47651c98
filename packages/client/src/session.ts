// The session: one server, one set of credentials (an API key or a login token), the user they
// belong to and the current workspace. It is the base of the Argilla class (see client.ts): every
// call of the other layers goes out through its `request`.
import { ArgillaError, UnauthorizedError, WorkspaceError } from './errors.js';
import { NAME_PATTERN } from './limits.js';
import { exchange, outgoing, type Answer, type TransportOptions } from './transport.js';
import type { ArgillaOptions, Operations, TokenResponse, User } from './types.js';

/** The header that tells the server which workspace dataset calls are about. */
const WORKSPACE_HEADER = 'x-argilla-workspace';

type Env = Record<string, string | undefined>;

/** The environment, where there is one (Node, Deno, Bun); `{}` in a browser. */
function environment(): Env {
  const process = (globalThis as { process?: { env?: Env } }).process;
  return process?.env ?? {};
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value;
}

/** What `request` takes for an operation: its path parameters, query and body, as the API names them. */
export interface RequestOptions<K extends keyof Operations> {
  path?: Operations[K]['path'];
  query?: Operations[K]['query'];
  body?: Operations[K]['body'];
  /** send the body as `application/x-www-form-urlencoded` instead of JSON */
  form?: boolean;
  /** send no credentials */
  anonymous?: boolean;
  signal?: AbortSignal;
}

type Send = <K extends keyof Operations>(
  client: Session,
  operation: K,
  options: RequestOptions<K>,
  jsonText: string,
) => Promise<Answer<Operations[K]['response']>>;

// Set by Session's static block, the one place that can read its private fields.
let sendSerialised!: Send;

/**
 * `request` with the JSON body already serialised: `log` (records.ts) builds its batches as text
 * to measure them. A function rather than a member, so that it stays out of the public class.
 */
export const sendJsonText: Send = (client, operation, options, jsonText) => sendSerialised(client, operation, options, jsonText);

/**
 * The base of `Argilla` (client.ts): the credentials, the user and the current workspace, and
 * `request`, through which every other method calls the server.
 */
export class Session {
  /** Base URL of the server, without a trailing slash. */
  readonly apiUrl: string;
  #apiKey: string | undefined;
  #token: string | undefined;
  readonly #requestedWorkspace: string | undefined;
  #workspace: string | undefined;
  #workspaceTicket = 0;
  #user: User | undefined;
  readonly #headers: Record<string, string>;
  readonly #transport: TransportOptions;

  static {
    sendSerialised = (client, operation, options, jsonText) => client.#call(operation, options, jsonText);
  }

  /**
   * Creates a client; nothing is sent until the first call (use `init()` to check the credentials
   * and pick a workspace).
   *
   * @example
   * const admin = new Argilla({ apiUrl: 'http://localhost:6900', apiKey: 'argilla.apikey', timeoutMs: 10_000 });
   */
  constructor(options: ArgillaOptions = {}) {
    const env = environment();
    this.apiUrl = (options.apiUrl ?? nonEmpty(env.ARGILLA_API_URL) ?? 'http://localhost:6900').replace(/\/+$/, '');
    this.#token = options.token;
    if (options.apiKey === null) this.#apiKey = undefined;
    else this.#apiKey = options.apiKey ?? (options.token === undefined ? (nonEmpty(env.ARGILLA_API_KEY) ?? 'argilla.apikey') : undefined);
    this.#requestedWorkspace = options.workspace ?? nonEmpty(env.ARGILLA_WORKSPACE);
    // Lower-cased, so that the client's own headers replace a caller's rather than doubling them.
    this.#headers = Object.fromEntries(Object.entries(options.headers ?? {}).map(([name, value]) => [name.toLowerCase(), value]));
    const fetchImpl = options.fetch ?? globalThis.fetch;
    if (typeof fetchImpl !== 'function') throw new ArgillaError('No fetch implementation: pass options.fetch.', 'no_fetch');
    this.#transport = {
      apiUrl: this.apiUrl,
      timeoutMs: options.timeoutMs ?? 60_000,
      retries: options.retries ?? 2,
      retryDelayMs: options.retryDelayMs ?? 200,
      // Called unbound: some fetch implementations (browsers) require `this` to be the window.
      fetch: (input, init) => fetchImpl(input, init),
    };
  }

  // ---- current user and workspace -----------------------------------------------------------

  /**
   * Checks the credentials (GET /api/me), remembers the user and picks the workspace: the one given
   * in the options (refused with a `WorkspaceError` if invalid or not accessible), else the one named
   * after the user if accessible, else the first accessible one, else none. Resolves to the client.
   *
   * @example
   * const client = await new Argilla({ workspace: 'team' }).init();
   */
  async init(): Promise<this> {
    const requested = this.#requestedWorkspace;
    if (requested !== undefined) checkWorkspaceName(requested);
    const ticket = ++this.#workspaceTicket;
    const me = await this.whoami();
    let workspace: string | undefined;
    if (requested !== undefined) workspace = accessibleWorkspace(me, requested);
    else workspace = me.workspaces.includes(me.username) ? me.username : me.workspaces[0];
    if (ticket === this.#workspaceTicket) this.#workspace = workspace;
    return this;
  }

  /**
   * The authenticated user, fresh from the server (GET /api/me). For owners and admins `workspaces`
   * lists every workspace; `api_key` echoes the key in use.
   *
   * @example
   * const me = await client.whoami();
   * console.log(me.username, me.role);
   */
  async whoami(): Promise<User> {
    const me = (await this.request('GET /api/me')).body;
    this.#user = me;
    return me;
  }

  /** The user from the last `init`, `whoami` or `setWorkspace`, without asking the server. */
  get user(): User | undefined {
    return this.#user;
  }

  /**
   * Makes `name` the current workspace, after checking the naming rule and, on the server at call
   * time, that the user can access it (owners and admins: every workspace; annotators: their own).
   * Rejects with a `WorkspaceError` (`invalid_workspace_name` or `workspace_not_accessible`).
   *
   * @example
   * await client.setWorkspace('team');
   * client.getWorkspace(); // 'team'
   */
  async setWorkspace(name: string): Promise<string> {
    checkWorkspaceName(name);
    const ticket = ++this.#workspaceTicket;
    const me = await this.whoami();
    const workspace = accessibleWorkspace(me, name);
    // When calls overlap, the last one made wins, whatever order the answers arrive in.
    if (ticket === this.#workspaceTicket) this.#workspace = workspace;
    return workspace;
  }

  /**
   * The current workspace's name, or `undefined` before `init` or when the user has none.
   *
   * @example
   * console.log(client.getWorkspace());
   */
  getWorkspace(): string | undefined {
    return this.#workspace;
  }

  // ---- login ------------------------------------------------------------------------------------

  /**
   * Logs in with username and password (POST /api/security/token, OAuth2 password form). From then
   * on the client sends `Authorization: Bearer <token>` instead of its API key. The user and the
   * workspace are forgotten: call `init()` to load them for the new identity.
   *
   * @example
   * const client = new Argilla({ apiUrl: '', apiKey: null }); // a web page served by the server
   * await client.login('ann', 's3cret-pw');
   * await client.init();
   */
  async login(username: string, password: string): Promise<TokenResponse> {
    const answer = await this.request('POST /api/security/token', {
      body: { username, password, grant_type: 'password' },
      form: true,
      anonymous: true,
    });
    this.#token = answer.body.access_token;
    this.#apiKey = undefined;
    this.#forgetIdentity();
    return answer.body;
  }

  /**
   * Ends the login session (POST /api/security/logout) and drops the token: afterwards the client
   * has no credentials. A token the server no longer accepts counts as logged out.
   *
   * @example
   * await client.logout();
   */
  async logout(): Promise<void> {
    if (this.#token === undefined) throw new ArgillaError('Not logged in: logout ends a session started by login().', 'not_logged_in');
    try {
      await this.request('POST /api/security/logout');
    } catch (error) {
      if (!(error instanceof UnauthorizedError)) throw error;
    }
    this.#token = undefined;
    this.#forgetIdentity();
  }

  /** The login token in use, if any (e.g. to keep it in a web page's session storage). */
  get token(): string | undefined {
    return this.#token;
  }

  #forgetIdentity(): void {
    this.#user = undefined;
    this.#workspace = undefined;
    this.#workspaceTicket++;
  }

  // ---- any operation ----------------------------------------------------------------------------

  /**
   * Calls any operation of the API by its `METHOD /path` key, typed from the server's OpenAPI
   * document; resolves to the status, headers and parsed body. Errors are thrown typed.
   *
   * @example
   * const { body } = await client.request('GET /api/users/{id}', { path: { id } });
   */
  async request<K extends keyof Operations>(operation: K, options: RequestOptions<K> = {}): Promise<Answer<Operations[K]['response']>> {
    return this.#call(operation, options);
  }

  async #call<K extends keyof Operations>(
    operation: K,
    options: RequestOptions<K>,
    jsonText?: string,
  ): Promise<Answer<Operations[K]['response']>> {
    const { method, path, body, contentType } = outgoing(operation, options, jsonText);
    const headers: Record<string, string> = { accept: 'application/json', ...this.#headers };
    if (!options.anonymous) Object.assign(headers, this.#authHeaders());
    if (this.#workspace !== undefined) headers[WORKSPACE_HEADER] = this.#workspace;
    if (contentType !== undefined) headers['content-type'] = contentType;
    return exchange<Operations[K]['response']>(this.#transport, { method, path, headers, body, signal: options.signal });
  }

  #authHeaders(): Record<string, string> {
    if (this.#token !== undefined) return { authorization: `Bearer ${this.#token}` };
    if (this.#apiKey !== undefined) return { 'x-argilla-api-key': this.#apiKey };
    return {};
  }
}

/** Rejects a name that breaks the naming rule, before any request. */
export function checkWorkspaceName(name: string): void {
  if (typeof name !== 'string' || !NAME_PATTERN.test(name)) {
    throw new WorkspaceError(
      `Invalid workspace name ${JSON.stringify(name)}: use lowercase letters, digits, '-' and '_', not starting with '-' or '_'.`,
      'invalid_workspace_name',
      String(name),
    );
  }
}

function accessibleWorkspace(me: User, name: string): string {
  if (me.workspaces.includes(name)) return name;
  const shown = me.workspaces.slice(0, 10).join(', ') + (me.workspaces.length > 10 ? `, … (${me.workspaces.length} in all)` : '');
  throw new WorkspaceError(
    `Workspace '${name}' does not exist or user '${me.username}' is not a member of it (accessible: ${shown || 'none'}).`,
    'workspace_not_accessible',
    name,
  );
}

/**
 * The workspace of a dataset call: the one given, else the client's current one; checked before
 * any request. Every dataset call names it in its `workspace` query parameter.
 */
export function datasetWorkspace(client: Session, given: string | undefined, call: string): string {
  const workspace = given ?? client.getWorkspace();
  if (workspace === undefined) {
    throw new WorkspaceError(
      `${call}: no workspace. Pass { workspace: '<name>' }, or select one first with init({ workspace }) or setWorkspace(name).`,
      'workspace_required',
      '',
    );
  }
  checkWorkspaceName(workspace);
  return workspace;
}
