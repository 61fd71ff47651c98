// What of a domain object goes on the wire: allow-lists, never a raw row.
import type { DatasetView } from '../domain/datasets.js';
import type { User, Workspace } from '../domain/views.js';
import type { UserBody } from './schemas.js';

/** Always text: Argilla's 1.11+ clients refuse a user without one. Empty when no key works. */
function shownKey(user: User, apiKey: string | undefined): string {
  return apiKey ?? user.api_key_preview ?? '';
}

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
    api_key: shownKey(user, apiKey),
    inserted_at: user.inserted_at,
    updated_at: user.updated_at,
  };
  if (user.last_name) body.last_name = user.last_name;
  if (user.email) body.email = user.email;
  return body;
}

/** A user as the /api/v1 routes show it: `last_name` always present, no 1.6 extras. */
export function presentV1User(user: User, apiKey?: string) {
  return {
    id: user.id,
    username: user.username,
    first_name: user.first_name,
    last_name: user.last_name,
    role: user.role,
    api_key: shownKey(user, apiKey),
    inserted_at: user.inserted_at,
    updated_at: user.updated_at,
  };
}

/** A dataset as the /api/v1 routes list it, with the fields the 2.x SDK's dataset model reads. */
export function presentV1Dataset(dataset: DatasetView & { workspace_id: string }) {
  return {
    id: dataset.id,
    name: dataset.name,
    status: 'ready' as const,
    guidelines: null,
    allow_extra_metadata: false,
    workspace_id: dataset.workspace_id,
    workspace: dataset.workspace,
    task: dataset.settings.task,
    last_activity_at: dataset.updated_at,
    inserted_at: dataset.inserted_at,
    updated_at: dataset.updated_at,
  };
}

export function presentWorkspace(workspace: Workspace) {
  return { id: workspace.id, name: workspace.name, inserted_at: workspace.inserted_at, updated_at: workspace.updated_at };
}
