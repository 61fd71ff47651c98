// What of a domain object goes on the wire: allow-lists, never a raw row.
import type { User, Workspace } from '../domain/views.js';
import type { UserBody } from './schemas.js';

/** `apiKey`: the key in full, only where the spec allows it (just created, or echoed on /api/me). */
export function presentUser(user: User, apiKey?: string): UserBody {
  const body: UserBody = {
    id: user.id,
    first_name: user.first_name,
    full_name: user.last_name ? `${user.first_name} ${user.last_name}` : user.first_name,
    username: user.username,
    role: user.role,
    disabled: user.disabled,
    workspaces: user.workspaces,
    api_key: apiKey ?? user.api_key_preview,
    inserted_at: user.inserted_at,
    updated_at: user.updated_at,
  };
  if (user.last_name) body.last_name = user.last_name;
  if (user.email) body.email = user.email;
  return body;
}

export function presentWorkspace(workspace: Workspace) {
  return { id: workspace.id, name: workspace.name, inserted_at: workspace.inserted_at, updated_at: workspace.updated_at };
}
