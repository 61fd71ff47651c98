// What the domain hands back: rows without secrets, with their workspaces and key preview joined in.
import type { Db, UserRow, WorkspaceRow } from '../db/schema.js';
import { primaryKeyPreviews } from '../db/repos/credentials.js';
import { workspaceNamesByUser } from '../db/repos/users.js';
import { allWorkspaceNames } from '../db/repos/workspaces.js';
import { nowIso } from '../lib/time.js';
import { workspaceScopeOfUser, type Role } from './policies.js';

export interface User {
  id: string;
  username: string;
  first_name: string;
  last_name: string | null;
  email: string | null;
  role: Role;
  disabled: boolean;
  workspaces: string[];
  /** masked preview of the user's main API key, or null when it has none that works */
  api_key_preview: string | null;
  inserted_at: string;
  updated_at: string;
}

export type Workspace = WorkspaceRow;

export async function toUsers(db: Db, rows: UserRow[]): Promise<User[]> {
  const ids = rows.map((r) => r.id);
  const [workspaces, previews] = await Promise.all([workspaceNamesByUser(db, ids), primaryKeyPreviews(db, ids, nowIso())]);
  return rows.map((row) => ({
    ...toUserFields(row),
    workspaces: workspaces.get(row.id) ?? [],
    api_key_preview: previews.get(row.id) ?? null,
  }));
}

/**
 * The caller as /api/me shows it: the workspaces of its scope (all of them for admins). Without a key preview
 * when the caller authenticated with a key (the key itself is echoed instead).
 */
export async function describeCaller(db: Db, row: UserRow, withPreview: boolean): Promise<User> {
  const scope = workspaceScopeOfUser(row);
  const workspaces = scope.all ? allWorkspaceNames(db) : workspaceNamesByUser(db, [row.id]).then((m) => m.get(row.id)!);
  const preview = withPreview ? primaryKeyPreviews(db, [row.id], nowIso()).then((m) => m.get(row.id) ?? null) : null;
  return { ...toUserFields(row), workspaces: await workspaces, api_key_preview: await preview };
}

function toUserFields(row: UserRow) {
  return {
    id: row.id,
    username: row.username,
    first_name: row.first_name,
    last_name: row.last_name,
    email: row.email,
    role: row.role as Role,
    disabled: row.disabled === 1,
    inserted_at: row.inserted_at,
    updated_at: row.updated_at,
  };
}

export async function toUser(db: Db, row: UserRow): Promise<User> {
  return (await toUsers(db, [row]))[0]!;
}
