// Workspaces and their members: owners and admins manage them, annotators see their own.
import { joinUrl } from './transport.js';
import { notFound, page, pages } from './lists.js';
import { UserCalls } from './users.js';
import type { ListWorkspaceMembersOptions, ListWorkspacesOptions, Page, User, Workspace } from './types.js';

/** The workspace calls of `Argilla` (see client.ts). */
export class WorkspaceCalls extends UserCalls {
  /**
   * One page of workspaces in creation order, with the total: all of them for owners and admins,
   * their own for annotators.
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
    for await (const answer of pages(this, 'GET /api/workspaces', {}, options.pageSize)) yield* answer.body;
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
    for await (const answer of pages(this, 'GET /api/workspaces', {})) {
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
   * Every member of a workspace, by membership time (admin), fetched page by page.
   *
   * @example
   * const members = await client.listWorkspaceMembers(team.id);
   */
  async listWorkspaceMembers(id: string): Promise<User[]> {
    const members: User[] = [];
    for await (const member of this.iterWorkspaceMembers(id)) members.push(member);
    return members;
  }

  /**
   * One page of a workspace's members, by membership time, with the total (admin).
   *
   * @example
   * const { items, total } = await client.listWorkspaceMembersPage(team.id, { limit: 50, offset: 50 });
   */
  async listWorkspaceMembersPage(id: string, options: ListWorkspaceMembersOptions = {}): Promise<Page<User>> {
    return page(await this.request('GET /api/workspaces/{id}/users', { path: { id }, query: options }));
  }

  /**
   * Every member of a workspace, by membership time (admin), fetched page by page.
   *
   * @example
   * for await (const member of client.iterWorkspaceMembers(team.id)) console.log(member.username);
   */
  async *iterWorkspaceMembers(id: string, options: { pageSize?: number } = {}): AsyncGenerator<User, void, undefined> {
    for await (const answer of pages(this, 'GET /api/workspaces/{id}/users', {}, options.pageSize, { id })) yield* answer.body;
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
}
