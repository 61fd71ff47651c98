// The module-level functions, mirroring the Python client's `rg.init(...)`, `rg.set_workspace(...)`:
// they act on one default client per program, replaced by each successful `init`.
import { Argilla } from './client.js';
import type { ArgillaOptions, User } from './types.js';

let active: Argilla | undefined;

/**
 * The client the module-level functions use: the one from the last successful `init`, else one
 * made from the environment (`ARGILLA_API_URL`, `ARGILLA_API_KEY`, `ARGILLA_WORKSPACE`).
 *
 * @example
 * const { items } = await defaultClient().listUsers();
 */
export function defaultClient(): Argilla {
  return (active ??= new Argilla());
}

/**
 * Connects the default client: checks the credentials (GET /api/me) and picks the workspace (the
 * given one, else the user's own, else the first accessible). The previous default client stays
 * in place if this rejects. Resolves to the new default client.
 *
 * @example
 * await init({ apiUrl: 'http://localhost:6900', apiKey: 'argilla.apikey', workspace: 'team' });
 */
export async function init(options: ArgillaOptions = {}): Promise<Argilla> {
  const client = await new Argilla(options).init();
  active = client;
  return client;
}

/**
 * Switches the default client's workspace, after checking the name and the user's access to it on
 * the server. Rejects with a `WorkspaceError`.
 *
 * @example
 * await setWorkspace('team');
 */
export function setWorkspace(name: string): Promise<string> {
  return defaultClient().setWorkspace(name);
}

/**
 * The default client's current workspace (`undefined` before `init`).
 *
 * @example
 * console.log(getWorkspace());
 */
export function getWorkspace(): string | undefined {
  return defaultClient().getWorkspace();
}

/**
 * The default client's user, fresh from the server (GET /api/me).
 *
 * @example
 * const { username, role } = await whoami();
 */
export function whoami(): Promise<User> {
  return defaultClient().whoami();
}
