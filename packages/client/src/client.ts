// The client: credentials, the current workspace, and one method per API operation.
import { ApiError, ArgillaError, NotFoundError, UnauthorizedError, WorkspaceError } from './errors.js';
import { exchange, joinUrl, type Answer, type TransportOptions } from './transport.js';
import type {
  AnnotateOptions,
  AnnotationValue,
  ArgillaOptions,
  CopyOptions,
  CreateDatasetOptions,
  CreateUserInput,
  Dataset,
  DatasetRecord,
  DatasetSettings,
  IterRecordsOptions,
  LoadOptions,
  LogOptions,
  LogResult,
  RecordInput,
  SettingsInput,
  WorkspaceOption,
  IterUsersFilters,
  ListUsersFilters,
  ListWorkspacesOptions,
  Operations,
  Page,
  TokenResponse,
  UpdateUserChanges,
  User,
  Workspace,
} from './types.js';

/** The rule for usernames and workspace names (SPEC section 2). */
export const NAME_PATTERN = /^(?![-_])[a-z0-9_-]+$/;

/** The header that tells the server which workspace dataset calls are about. */
const WORKSPACE_HEADER = 'x-argilla-workspace';
/** The server's largest page. */
const MAX_PAGE = 1000;
/** The most records the server takes in one bulk request. */
export const MAX_BATCH = 500;
/** Default upper bound on a bulk request's body: under the server's 1 MiB limit, with room for the envelope. */
const DEFAULT_MAX_BATCH_BYTES = 1_000_000;

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

/**
 * A client of one server with one set of credentials. Several can live in one program (two
 * servers, or an admin and an annotator); the module-level functions use a default one.
 *
 * @example
 * const client = new Argilla({ apiUrl: 'http://localhost:6900', apiKey: 'argilla.apikey' });
 * await client.init();
 * console.log(client.getWorkspace());
 */
export class Argilla {
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
   * The authenticated user, fresh from the server (GET /api/me). For admins `workspaces` lists
   * every workspace; `api_key` echoes the key in use.
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
   * time, that the user can access it (admins: every workspace; annotators: their own). Rejects
   * with a `WorkspaceError` (`invalid_workspace_name` or `workspace_not_accessible`).
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

  // ---- users (admin) ------------------------------------------------------------------------------

  /**
   * One page of users in creation order, with the total count (admin). Filters: `role`,
   * `workspace` (members of it), `q` (search in username, names and email); `limit` (at most
   * 1000) and `offset`.
   *
   * @example
   * const { items, total } = await client.listUsers({ role: 'annotator', limit: 50 });
   */
  async listUsers(filters: ListUsersFilters = {}): Promise<Page<User>> {
    const answer = await this.request('GET /api/users', { query: filters });
    return page(answer);
  }

  /**
   * Every user matching the filters, fetched page by page (admin).
   *
   * @example
   * for await (const user of client.iterUsers({ workspace: 'team' })) console.log(user.username);
   */
  async *iterUsers(filters: IterUsersFilters = {}): AsyncGenerator<User, void, undefined> {
    const { pageSize, ...rest } = filters;
    for await (const answer of this.#pages('GET /api/users', rest, pageSize)) yield* answer.body;
  }

  /**
   * One user by id (admin). Rejects with `NotFoundError` if there is none.
   *
   * @example
   * const user = await client.getUser('0b9a…');
   */
  async getUser(id: string): Promise<User> {
    return (await this.request('GET /api/users/{id}', { path: { id } })).body;
  }

  /**
   * One user by username (admin), found through the search filter. Rejects with `NotFoundError`.
   *
   * @example
   * const ann = await client.getUserByUsername('ann');
   */
  async getUserByUsername(username: string): Promise<User> {
    let requestId = '';
    for await (const answer of this.#pages('GET /api/users', { q: username })) {
      const found = answer.body.find((user) => user.username === username);
      if (found) return found;
      requestId = answer.headers.get('x-request-id') ?? '';
    }
    throw notFound('user', 'User', username, joinUrl(this.apiUrl, '/api/users'), requestId);
  }

  /**
   * Creates a user (admin); resolves to it with its new API key in full, shown this once. Missing
   * workspaces are created. Rejects with `AlreadyExistsError` if the username is taken and with
   * `ValidationError` (see `errors`) if a value breaks a rule.
   *
   * @example
   * const ann = await client.createUser({ username: 'ann', first_name: 'Ann', password: 's3cret-pw', workspaces: ['team'] });
   * console.log(ann.api_key);
   */
  async createUser(input: CreateUserInput): Promise<User> {
    return (await this.request('POST /api/users', { body: input })).body;
  }

  /**
   * Changes a user's names, email, role, password or disabled state (admin); only the fields given
   * change. The last enabled admin cannot be demoted or disabled (`AlreadyExistsError`, a 409).
   *
   * @example
   * await client.updateUser(ann.id, { role: 'admin', last_name: 'Smith' });
   */
  async updateUser(id: string, changes: UpdateUserChanges): Promise<User> {
    return (await this.request('PATCH /api/users/{id}', { path: { id }, body: changes })).body;
  }

  /**
   * Deletes a user and its memberships (admin); resolves to the deleted user.
   *
   * @example
   * await client.deleteUser(ann.id);
   */
  async deleteUser(id: string): Promise<User> {
    return (await this.request('DELETE /api/users/{id}', { path: { id } })).body;
  }

  /**
   * Disables a user (admin): its keys and tokens stop working until `enableUser`.
   *
   * @example
   * await client.disableUser(ann.id);
   */
  async disableUser(id: string): Promise<User> {
    return this.updateUser(id, { disabled: true });
  }

  /**
   * Enables a disabled user again (admin).
   *
   * @example
   * await client.enableUser(ann.id);
   */
  async enableUser(id: string): Promise<User> {
    return this.updateUser(id, { disabled: false });
  }

  // ---- workspaces -------------------------------------------------------------------------------

  /**
   * One page of workspaces in creation order, with the total: all of them for admins, their own
   * for annotators.
   *
   * @example
   * const { items } = await client.listWorkspaces();
   * console.log(items.map((w) => w.name));
   */
  async listWorkspaces(options: ListWorkspacesOptions = {}): Promise<Page<Workspace>> {
    return page(await this.request('GET /api/workspaces', { query: options }));
  }

  /**
   * Every workspace the caller can see, fetched page by page.
   *
   * @example
   * for await (const workspace of client.iterWorkspaces()) console.log(workspace.name);
   */
  async *iterWorkspaces(options: { pageSize?: number } = {}): AsyncGenerator<Workspace, void, undefined> {
    for await (const answer of this.#pages('GET /api/workspaces', {}, options.pageSize)) yield* answer.body;
  }

  /**
   * One workspace by id (admins, or members of it; `NotFoundError` for anyone else).
   *
   * @example
   * const team = await client.getWorkspaceById(id);
   */
  async getWorkspaceById(id: string): Promise<Workspace> {
    return (await this.request('GET /api/workspaces/{id}', { path: { id } })).body;
  }

  /**
   * One workspace by name, among those the caller can see. Rejects with `NotFoundError`.
   *
   * @example
   * const team = await client.getWorkspaceByName('team');
   */
  async getWorkspaceByName(name: string): Promise<Workspace> {
    let requestId = '';
    for await (const answer of this.#pages('GET /api/workspaces', {})) {
      const found = answer.body.find((workspace) => workspace.name === name);
      if (found) return found;
      requestId = answer.headers.get('x-request-id') ?? '';
    }
    throw notFound('workspace', 'Workspace', name, joinUrl(this.apiUrl, '/api/workspaces'), requestId);
  }

  /**
   * Creates a workspace (admin). Rejects with `AlreadyExistsError` if the name is taken.
   *
   * @example
   * const team = await client.createWorkspace('team');
   */
  async createWorkspace(name: string): Promise<Workspace> {
    return (await this.request('POST /api/workspaces', { body: { name } })).body;
  }

  /**
   * Deletes a workspace and its memberships (admin); resolves to the deleted workspace.
   *
   * @example
   * await client.deleteWorkspace(team.id);
   */
  async deleteWorkspace(id: string): Promise<Workspace> {
    return (await this.request('DELETE /api/workspaces/{id}', { path: { id } })).body;
  }

  /**
   * The members of a workspace, by membership time (admin).
   *
   * @example
   * const members = await client.listWorkspaceMembers(team.id);
   */
  async listWorkspaceMembers(id: string): Promise<User[]> {
    return (await this.request('GET /api/workspaces/{id}/users', { path: { id } })).body;
  }

  /**
   * Adds a user to a workspace (admin); resolves to the user, with the workspace in its list.
   * `AlreadyExistsError` if it is a member already, `NotFoundError` for an unknown user or workspace.
   *
   * @example
   * await client.addWorkspaceMember(team.id, ann.id);
   */
  async addWorkspaceMember(id: string, userId: string): Promise<User> {
    return (await this.request('POST /api/workspaces/{id}/users/{user_id}', { path: { id, user_id: userId } })).body;
  }

  /**
   * Removes a user from a workspace (admin); resolves to the user. `NotFoundError` if not a member.
   *
   * @example
   * await client.removeWorkspaceMember(team.id, ann.id);
   */
  async removeWorkspaceMember(id: string, userId: string): Promise<User> {
    return (await this.request('DELETE /api/workspaces/{id}/users/{user_id}', { path: { id, user_id: userId } })).body;
  }

  // ---- datasets ---------------------------------------------------------------------------------
  //
  // Every dataset call names its workspace in the `workspace` query parameter: the `{ workspace }`
  // option, else the current workspace (init, setWorkspace). With neither, it rejects with a
  // WorkspaceError (`workspace_required`) before sending anything.

  /**
   * The datasets of a workspace, in creation order, each with its `records` and `annotated` counts
   * (admins, and members of the workspace; `NotFoundError` for anyone else).
   *
   * @example
   * const datasets = await client.listDatasets({ workspace: 'team' });
   * console.log(datasets.map((d) => `${d.name}: ${d.annotated}/${d.records}`));
   */
  async listDatasets(options: WorkspaceOption = {}): Promise<Dataset[]> {
    const workspace = this.#datasetWorkspace(options.workspace, 'listDatasets');
    return (await this.request('GET /api/datasets', { query: { workspace } })).body;
  }

  /**
   * One dataset by name, with its counts. Rejects with `NotFoundError` (`dataset_not_found`, or
   * `workspace_not_found` for a workspace the caller cannot see).
   *
   * @example
   * const reviews = await client.getDataset('reviews');
   * console.log(reviews.settings.labels, reviews.records);
   */
  async getDataset(name: string, options: WorkspaceOption = {}): Promise<Dataset> {
    const workspace = this.#datasetWorkspace(options.workspace, 'getDataset');
    return (await this.request('GET /api/datasets/{name}', { path: { name }, query: { workspace } })).body;
  }

  /**
   * Creates a dataset (admin) with its labelling schema. Rejects with `ForbiddenError` for an
   * annotator, `AlreadyExistsError` if the workspace has a dataset of that name, `ValidationError`
   * for a bad name or settings.
   *
   * @example
   * await client.createDataset('reviews', { settings: { labels: ['pos', 'neg'] }, workspace: 'team' });
   */
  async createDataset(name: string, options: CreateDatasetOptions = {}): Promise<Dataset> {
    const workspace = this.#datasetWorkspace(options.workspace, 'createDataset');
    const body = options.settings === undefined ? { name } : { name, settings: options.settings };
    return (await this.request('POST /api/datasets', { query: { workspace }, body })).body;
  }

  /**
   * Deletes a dataset with its records and annotations (admin); resolves to the deleted dataset.
   * The module-level function is also exported as `delete`, as in the Python client.
   *
   * @example
   * await client.deleteDataset('reviews', { workspace: 'team' });
   */
  async deleteDataset(name: string, options: WorkspaceOption = {}): Promise<Dataset> {
    const workspace = this.#datasetWorkspace(options.workspace, 'delete');
    return (await this.request('DELETE /api/datasets/{name}', { path: { name }, query: { workspace } })).body;
  }

  /**
   * The same as `deleteDataset`, under the Python client's name.
   *
   * @example
   * await client.delete('reviews');
   */
  delete(name: string, options: WorkspaceOption = {}): Promise<Dataset> {
    return this.deleteDataset(name, options);
  }

  /**
   * A dataset's labelling schema: `{ task: 'text_classification', labels, multi_label }`.
   *
   * @example
   * const { labels } = await client.getSettings('reviews');
   */
  async getSettings(name: string, options: WorkspaceOption = {}): Promise<DatasetSettings> {
    const workspace = this.#datasetWorkspace(options.workspace, 'getSettings');
    return (await this.request('GET /api/datasets/{name}/settings', { path: { name }, query: { workspace } })).body;
  }

  /**
   * Replaces a dataset's labelling schema (admin): fields left out take their defaults (`labels: []`,
   * `multi_label: false`), so pass the whole schema. Existing annotations are kept as they are.
   *
   * @example
   * await client.updateSettings('reviews', { labels: ['pos', 'neg', 'neutral'], multi_label: true });
   */
  async updateSettings(name: string, settings: SettingsInput, options: WorkspaceOption = {}): Promise<DatasetSettings> {
    const workspace = this.#datasetWorkspace(options.workspace, 'updateSettings');
    return (await this.request('PUT /api/datasets/{name}/settings', { path: { name }, query: { workspace }, body: settings })).body;
  }

  /**
   * Logs records into an existing dataset (any member of its workspace; admins create datasets with
   * `createDataset`). Takes an array or any iterable or async iterable (a generator, a stream of
   * parsed lines...), read one batch at a time, so 100,000 records need not be in memory at once.
   * Sends batches of `batchSize` records (at most and by default 500, the server's limit; fewer when
   * a batch would pass `maxBatchBytes`) one after the other. Resolves to the totals; each refused
   * record is in `errors` with its position in the whole input. Records with an `id` replace the
   * dataset's record of that id (keeping its annotations), so logging again after a failure is safe.
   * Rejects on an error answer (e.g. `NotFoundError` for an unknown dataset); the batches before it
   * are stored.
   *
   * @example
   * const { processed, failed, errors } = await client.log(
   *   [{ id: 'r1', fields: { text: 'I love it' } }, { id: 'r2', fields: { text: 'Meh' }, metadata: { source: 'web' } }],
   *   'reviews',
   * );
   *
   * @example
   * function* lines() { for (let i = 0; i < 100_000; i++) yield { id: i, fields: { text: `line ${i}` } }; }
   * await client.log(lines(), 'big', { workspace: 'team' }); // 200 requests of 500
   */
  async log(records: Iterable<RecordInput> | AsyncIterable<RecordInput>, name: string, options: LogOptions = {}): Promise<LogResult> {
    const workspace = this.#datasetWorkspace(options.workspace, 'log');
    if (!isIterable(records)) {
      throw new ArgillaError('log: records must be an array or an (async) iterable of records {id?, fields, metadata?}.', 'invalid_argument');
    }
    const batchSize = clampedInteger(options.batchSize, MAX_BATCH, 1, MAX_BATCH);
    const maxBytes = options.maxBatchBytes ?? DEFAULT_MAX_BATCH_BYTES;
    const result: LogResult = { processed: 0, failed: 0, errors: [], requests: 0 };

    const send = async (parts: string[], indexes: number[]): Promise<void> => {
      let answer: Answer<Operations['POST /api/datasets/{name}/records:bulk']['response']>;
      try {
        answer = await this.#call(
          'POST /api/datasets/{name}/records:bulk',
          { path: { name }, query: { workspace }, signal: options.signal },
          `{"records":[${parts.join(',')}]}`,
        );
      } catch (error) {
        // 413: the server's body limit is lower than maxBatchBytes assumed. Nothing was stored, so
        // send the batch again in halves; a single record that is still too large is refused.
        if (!(error instanceof ApiError && error.status === 413)) throw error;
        result.requests++;
        if (parts.length === 1) {
          result.failed++;
          result.errors.push({ index: indexes[0]!, message: `too large to send: ${error.detail}` });
          return;
        }
        const half = Math.ceil(parts.length / 2);
        await send(parts.slice(0, half), indexes.slice(0, half));
        await send(parts.slice(half), indexes.slice(half));
        return;
      }
      result.requests++;
      result.processed += answer.body.processed;
      result.failed += answer.body.failed;
      for (const refused of answer.body.errors) result.errors.push({ index: indexes[refused.index] ?? -1, message: refused.message });
    };

    let parts: string[] = [];
    let indexes: number[] = [];
    let bytes = 0;
    let index = 0;
    for await (const record of records as AsyncIterable<RecordInput>) {
      const at = index++;
      let json: string | undefined;
      try {
        json = JSON.stringify(record);
      } catch (error) {
        result.failed++;
        result.errors.push({ index: at, message: `cannot be sent as JSON: ${error instanceof Error ? error.message : String(error)}` });
        continue;
      }
      if (json === undefined) {
        result.failed++;
        result.errors.push({ index: at, message: 'must be an object {id?, fields, metadata?}' });
        continue;
      }
      const size = utf8Length(json) + 1;
      if (parts.length > 0 && bytes + size > maxBytes) {
        await send(parts, indexes);
        [parts, indexes, bytes] = [[], [], 0];
      }
      parts.push(json);
      indexes.push(at);
      bytes += size;
      if (parts.length >= batchSize) {
        await send(parts, indexes);
        [parts, indexes, bytes] = [[], [], 0];
      }
    }
    // Nothing to send still checks the workspace and the dataset, as any other input would.
    if (parts.length > 0 || result.requests === 0) await send(parts, indexes);
    return result;
  }

  /**
   * Every record of a dataset (or those matching the filters), in the order they were logged,
   * fetched page by page by following the server's cursor; the next page is requested while the
   * current one is consumed. Breaking out of the loop stops the fetching.
   *
   * @example
   * for await (const record of client.iterRecords('reviews', { annotated: false, pageSize: 500 })) {
   *   console.log(record.id, record.fields.text);
   * }
   */
  iterRecords(name: string, options: IterRecordsOptions = {}): AsyncGenerator<DatasetRecord, void, undefined> {
    return this.#records(name, options, 'iterRecords');
  }

  async *#records(name: string, options: IterRecordsOptions, call: string): AsyncGenerator<DatasetRecord, void, undefined> {
    const workspace = this.#datasetWorkspace(options.workspace, call);
    const pageSize = clampedInteger(options.pageSize, MAX_PAGE, 1, MAX_PAGE);
    let remaining = options.limit === undefined ? Infinity : count(options.limit, 'limit');
    if (remaining === 0) return;
    const filters = { workspace, annotated: options.annotated, annotated_by: options.annotatedBy, label: options.label };
    // Aborts the page fetched ahead when the caller stops early (or aborts its own signal).
    const controller = new AbortController();
    const onAbort = () => controller.abort(options.signal?.reason);
    if (options.signal?.aborted) onAbort();
    options.signal?.addEventListener('abort', onAbort, { once: true });
    type RecordPage = Answer<Operations['GET /api/datasets/{name}/records']['response']>;
    const fetchPage = (cursor: string | undefined): Promise<RecordPage> => {
      const limit = Math.min(pageSize, remaining);
      const pending = this.request('GET /api/datasets/{name}/records', { path: { name }, query: { ...filters, cursor, limit }, signal: controller.signal });
      pending.catch(() => {}); // handled where it is awaited; never an unhandled rejection if abandoned
      return pending;
    };
    try {
      let next: Promise<RecordPage> | undefined = fetchPage(undefined);
      while (next !== undefined) {
        const page: RecordPage = await next;
        const { items, next_cursor } = page.body;
        const current = items.length > remaining ? items.slice(0, remaining) : items;
        remaining -= current.length;
        next = next_cursor !== null && items.length > 0 && remaining > 0 ? fetchPage(next_cursor) : undefined;
        yield* current;
      }
    } finally {
      controller.abort();
      options.signal?.removeEventListener('abort', onAbort);
    }
  }

  /**
   * The records of a dataset as an array: all of them, or the first `limit`, optionally filtered
   * (`annotated`, `annotatedBy`, `label`). For large datasets prefer `iterRecords`, which holds one
   * page at a time.
   *
   * @example
   * const records = await client.load('reviews', { limit: 100, annotatedBy: 'ann' });
   * console.log(records[0]?.annotations);
   */
  async load(name: string, options: LoadOptions = {}): Promise<DatasetRecord[]> {
    const records: DatasetRecord[] = [];
    for await (const record of this.#records(name, options, 'load')) records.push(record);
    return records;
  }

  /**
   * Records (or replaces) the caller's annotation of one record, checked against the dataset's
   * labels (`ValidationError` naming the allowed ones otherwise); resolves to the record with all
   * of its annotations. `value` is a label, a list of labels or `{ labels: [...] }`.
   *
   * @example
   * await client.annotate('reviews', 'r1', ['pos']);
   * await client.annotate('reviews', 'r2', { labels: [] }, { status: 'discarded' });
   */
  async annotate(name: string, recordId: string | number, value: AnnotationValue, options: AnnotateOptions = {}): Promise<DatasetRecord> {
    const workspace = this.#datasetWorkspace(options.workspace, 'annotate');
    const labels = labelsOf(value);
    const body = options.status === undefined ? { value: { labels } } : { value: { labels }, status: options.status };
    return (
      await this.request('PUT /api/datasets/{name}/records/{id}/annotation', { path: { name, id: String(recordId) }, query: { workspace }, body })
    ).body;
  }

  /**
   * Copies a dataset, with its settings, records and annotations (authors included), from the
   * current workspace (or `sourceWorkspace`) to `workspace` (default: the same one), under
   * `nameOfCopy` (admin). Rejects with `NotFoundError` for an unknown target workspace and
   * `AlreadyExistsError` if the target has a dataset of that name.
   *
   * @example
   * await client.setWorkspace('team');
   * const copy = await client.copy('reviews', 'reviews-2023', { workspace: 'archive' });
   */
  async copy(name: string, nameOfCopy: string, options: CopyOptions = {}): Promise<Dataset> {
    const source = this.#datasetWorkspace(options.sourceWorkspace, 'copy');
    const target = options.workspace ?? source;
    checkWorkspaceName(target);
    return (
      await this.request('POST /api/datasets/{name}:copy', { path: { name }, query: { workspace: source }, body: { name: nameOfCopy, target_workspace: target } })
    ).body;
  }

  /** The workspace of a dataset call: the one given, else the current one; checked before any request. */
  #datasetWorkspace(given: string | undefined, call: string): string {
    const workspace = given ?? this.#workspace;
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

  /** `request`, optionally with the JSON body already serialised (`log` builds its batches as text). */
  async #call<K extends keyof Operations>(
    operation: K,
    options: RequestOptions<K>,
    jsonText?: string,
  ): Promise<Answer<Operations[K]['response']>> {
    const space = operation.indexOf(' ');
    const method = operation.slice(0, space);
    const template = operation.slice(space + 1);
    const pathParams = (options.path ?? {}) as Record<string, string | number>;
    let path = template.replace(/\{([^}]+)\}/g, (_match, name: string) => {
      const value = pathParams[name];
      if (value === undefined || String(value) === '') {
        throw new ArgillaError(`${operation}: the path parameter '${name}' is missing.`, 'invalid_argument');
      }
      return encodeURIComponent(String(value));
    });
    const query = new URLSearchParams();
    for (const [key, value] of Object.entries((options.query ?? {}) as Record<string, unknown>)) {
      if (value !== undefined && value !== null) query.append(key, String(value));
    }
    const search = query.toString();
    if (search !== '') path += `?${search}`;

    const headers: Record<string, string> = { accept: 'application/json', ...this.#headers };
    if (!options.anonymous) Object.assign(headers, this.#authHeaders());
    if (this.#workspace !== undefined) headers[WORKSPACE_HEADER] = this.#workspace;
    let body: string | undefined;
    if (jsonText !== undefined) {
      body = jsonText;
      headers['content-type'] = 'application/json';
    } else if (options.body !== undefined) {
      if (options.form) {
        const form = new URLSearchParams();
        for (const [key, value] of Object.entries(options.body as Record<string, unknown>)) {
          if (value !== undefined && value !== null) form.append(key, String(value));
        }
        body = form.toString();
        headers['content-type'] = 'application/x-www-form-urlencoded';
      } else {
        body = JSON.stringify(options.body);
        headers['content-type'] = 'application/json';
      }
    }
    return exchange<Operations[K]['response']>(this.#transport, { method, path, headers, body, signal: options.signal });
  }

  /** The answers of a list operation, page after page, until a short page or the total is reached. */
  async *#pages<K extends 'GET /api/users' | 'GET /api/workspaces'>(
    operation: K,
    query: Omit<NonNullable<Operations[K]['query']>, 'limit' | 'offset'>,
    pageSize?: number,
  ): AsyncGenerator<Answer<Operations[K]['response']>, void, undefined> {
    const limit = Math.min(Math.max(1, Math.floor(pageSize ?? MAX_PAGE)), MAX_PAGE);
    let offset = 0;
    for (;;) {
      const answer = await this.request(operation, { query: { ...query, limit, offset } as Operations[K]['query'] });
      yield answer;
      const { items, total } = page(answer as Answer<unknown[]>);
      offset += items.length;
      if (items.length < limit || offset >= total) return;
    }
  }

  #authHeaders(): Record<string, string> {
    if (this.#token !== undefined) return { authorization: `Bearer ${this.#token}` };
    if (this.#apiKey !== undefined) return { 'x-argilla-api-key': this.#apiKey };
    return {};
  }
}

/** Rejects a name that breaks the naming rule, before any request. */
function checkWorkspaceName(name: string): void {
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

function isIterable(value: unknown): value is Iterable<unknown> | AsyncIterable<unknown> {
  if (value === null || typeof value !== 'object') return false; // strings are iterable, but not records
  return typeof (value as Iterable<unknown>)[Symbol.iterator] === 'function' || typeof (value as AsyncIterable<unknown>)[Symbol.asyncIterator] === 'function';
}

/** A whole number within [min, max]; `fallback` when not given or not a finite number. */
function clampedInteger(value: number | undefined, fallback: number, min: number, max: number): number {
  if (value === undefined || !Number.isFinite(value)) return fallback;
  return Math.min(Math.max(min, Math.floor(value)), max);
}

/** A count given by the caller (`limit`): a whole number, 0 or more. */
function count(value: number, option: string): number {
  if (!(Number.isInteger(value) && value >= 0) && value !== Infinity) {
    throw new ArgillaError(`${option} must be a whole number, 0 or more (got ${String(value)}).`, 'invalid_argument');
  }
  return value;
}

/** An annotation value as the server takes it: `'pos'`, `['pos']` and `{ labels: ['pos'] }` alike. */
function labelsOf(value: AnnotationValue): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return [...(value as readonly string[])];
  if (value !== null && typeof value === 'object' && Array.isArray((value as { labels?: unknown }).labels)) {
    return [...(value as { labels: readonly string[] }).labels];
  }
  throw new ArgillaError("annotate: the value must be a label, a list of labels, or { labels: [...] }.", 'invalid_argument');
}

/** The UTF-8 size of a string (JSON.stringify escapes lone surrogates, so pairs are whole). */
function utf8Length(text: string): number {
  let bytes = text.length;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x80) continue;
    if (code < 0x800) bytes += 1;
    else if (code >= 0xd800 && code <= 0xdfff) bytes += 1; // each half of a pair: 4 bytes for 2 units
    else bytes += 2;
  }
  return bytes;
}

function page<T>(answer: Answer<T[]>): Page<T> {
  const header = answer.headers.get('x-total-count');
  const total = header !== null && /^\d+$/.test(header) ? Number(header) : answer.body.length;
  return { items: answer.body, total };
}

/** The 404 of a lookup by name that found nothing; it carries the id of the last list request. */
function notFound(kind: 'user' | 'workspace', type: string, name: string, url: string, requestId: string): NotFoundError {
  return new NotFoundError(
    {
      type: `urn:argilla:problem:${kind}_not_found`,
      title: 'Not Found',
      status: 404,
      detail: `${type} '${name}' does not exist.`,
      code: `${kind}_not_found`,
      params: { type, name },
      request_id: requestId,
    },
    { method: 'GET', url },
  );
}
