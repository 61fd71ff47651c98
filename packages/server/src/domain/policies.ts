import { fail } from './errors.js';

// Who may do what, as data. Adding a role (or per-workspace roles later) changes this table, not
// the handlers: every door asks `can(actor, permission)`.

export const ROLES = ['admin', 'annotator'] as const;
export type Role = (typeof ROLES)[number];

export type Permission =
  | 'users.read'
  | 'users.manage'
  | 'workspaces.read_all'
  | 'workspaces.manage'
  | 'memberships.manage'
  | 'datasets.read'
  | 'datasets.manage'
  | 'datasets.log'
  | 'datasets.annotate';

/** Permissions of a role. Dataset permissions apply to the workspaces the user can see. */
export const ROLE_PERMISSIONS: Readonly<Record<Role, readonly Permission[]>> = {
  admin: [
    'users.read',
    'users.manage',
    'workspaces.read_all',
    'workspaces.manage',
    'memberships.manage',
    'datasets.read',
    'datasets.manage',
    'datasets.log',
    'datasets.annotate',
  ],
  annotator: ['datasets.read', 'datasets.log', 'datasets.annotate'],
};

/** Where a request came from, for the audit log. */
export interface Origin {
  ip?: string;
  requestId?: string;
}

/** Who is acting: a signed-in user, or the operator at the command line (full access to the database). */
export type Actor = ({ kind: 'system' } | { kind: 'user'; id: string; username: string; role: Role }) & Origin;

export const SYSTEM: Actor = { kind: 'system' };

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}

export function can(actor: Actor, permission: Permission): boolean {
  if (actor.kind === 'system') return true;
  return ROLE_PERMISSIONS[actor.role].includes(permission);
}

/** Throws a forbidden error naming the action when the actor's role lacks the permission. */
export function authorize(actor: Actor, permission: Permission, action: string): void {
  if (!can(actor, permission)) throw fail.forbidden(action);
}
