// The users of the server (owners and admins): pages, lookups, creation, changes, deletion, and
// the workspaces each one sees.
import { joinUrl } from './transport.js';
import { notFound, page, pages } from './lists.js';
import { Session } from './session.js';
import type { CreateUserInput, IterUsersFilters, ListUsersFilters, Page, UpdateUserChanges, User, Workspace } from './types.js';

/** The user calls of `Argilla` (see client.ts), over the session. */
export class UserCalls extends Session {
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
    for await (const answer of pages(this, 'GET /api/users', rest, pageSize)) yield* answer.body;
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
    for await (const answer of pages(this, 'GET /api/users', { q: username })) {
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
   * change. The last enabled owner or admin cannot be demoted or disabled (`AlreadyExistsError`,
   * a 409).
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
   * The workspaces a user sees (admin), in creation order: every workspace for an owner or admin,
   * the ones it is a member of for anyone else (the names its own `whoami` lists). Rejects with
   * `NotFoundError` for an unknown user and `ForbiddenError` for an annotator, even about itself.
   *
   * @example
   * const names = (await client.listUserWorkspaces(ann.id)).map((w) => w.name);
   */
  async listUserWorkspaces(id: string): Promise<Workspace[]> {
    return (await this.request('GET /api/v1/users/{id}/workspaces', { path: { id } })).body.items;
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
}
