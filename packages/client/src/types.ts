// The public request and response types, all derived from the generated wire types
// (src/generated/api.ts), so a change on the server shows up here at compile time.
import type { Operations, Problem, User, Workspace } from './generated/api.js';

export type { Operations, Problem, User, Workspace };

/** A user's role. */
export type Role = User['role'];

/** Body of `createUser`: the server's schema, with `role` narrowed to the two roles. */
export type CreateUserInput = Omit<Operations['POST /api/users']['body'], 'role'> & { role?: Role };

/** Body of `updateUser`: only the fields given change; `null` clears `last_name` or `email`. */
export type UpdateUserChanges = Omit<Operations['PATCH /api/users/{id}']['body'], 'role'> & { role?: Role };

/** Filters and paging of `listUsers`. */
export type ListUsersFilters = Operations['GET /api/users']['query'];

/** Filters of `iterUsers`: those of `listUsers` without paging, plus the page size to fetch with. */
export type IterUsersFilters = Omit<ListUsersFilters, 'limit' | 'offset'> & { pageSize?: number };

/** Paging of `listWorkspaces`. */
export type ListWorkspacesOptions = Operations['GET /api/workspaces']['query'];

/** The answer of a successful login. */
export type TokenResponse = Operations['POST /api/security/token']['response'];

/** One page of a list: its items, and the total across every page (the X-Total-Count header). */
export interface Page<T> {
  items: T[];
  total: number;
}

/** Options of `new Argilla(...)` and of the module-level `init(...)`. */
export interface ArgillaOptions {
  /** Base URL of the server. Default: `ARGILLA_API_URL`, else `http://localhost:6900`. */
  apiUrl?: string;
  /**
   * API key sent as `X-Argilla-Api-Key`. Default: `ARGILLA_API_KEY`, else `argilla.apikey` (unless
   * `token` is given). `null`: send no key (e.g. a web page that will call `login`).
   */
  apiKey?: string | null;
  /** A login token (from `login`) sent as `Authorization: Bearer`; it replaces the API key. */
  token?: string;
  /** Workspace to work in; checked by `init`. Default: `ARGILLA_WORKSPACE`, else chosen by `init`. */
  workspace?: string;
  /** Per-attempt time limit in milliseconds (default 60000; 0 for none). */
  timeoutMs?: number;
  /** Extra headers sent with every request. */
  headers?: Record<string, string>;
  /** Retries of GET, PUT and DELETE after a connection error (default 2); others never retry. */
  retries?: number;
  /** Delay before the first retry, doubled for each next one (default 200 ms). */
  retryDelayMs?: number;
  /** The fetch implementation (default: the global `fetch`). */
  fetch?: typeof fetch;
}
