import { fail } from './errors.js';

// Every access rule, as data. A role is a row of ROLE_TABLE: its permissions and how far it sees.
// Handlers, list queries, presenters and the web UI (through /api/me's `permissions`) all ask
// this module; adding a role is a new row here (and its tests), nothing else.

export const PERMISSIONS = [
  'users.read',
  'users.manage',
  'workspaces.read_all',
  'workspaces.manage',
  'memberships.manage',
  'datasets.read',
  'datasets.manage',
  'datasets.log',
  'datasets.annotate',
  'audit.read',
  /** the detail of GET /api/_status: database address and errors, process id, memory */
  'status.read',
] as const;
export type Permission = (typeof PERMISSIONS)[number];

interface RoleDefinition {
  description: string;
  permissions: readonly Permission[];
}

const EVERYTHING = PERMISSIONS;

/** The roles, in the order they are offered; dataset permissions apply to the workspaces the user can see. */
export const ROLE_TABLE = {
  owner: {
    description:
      "the superuser of Argilla's later clients (which check for this role before managing users or workspaces): exactly the powers of admin",
    permissions: EVERYTHING,
  },
  admin: {
    description: 'manages users, workspaces, datasets and credentials; sees every workspace',
    permissions: EVERYTHING,
  },
  annotator: {
    description: 'reads, logs and annotates records in the workspaces it is a member of',
    permissions: ['datasets.read', 'datasets.log', 'datasets.annotate'],
  },
} as const satisfies Record<string, RoleDefinition>;

export type Role = keyof typeof ROLE_TABLE;
export const ROLES = Object.keys(ROLE_TABLE) as Role[];

/** The role of a user created without one. */
export const DEFAULT_ROLE: Role = 'annotator';
/** The role of the default user (`argilla`), created on an empty database, unless ARGILLA_DEFAULT_USER_ROLE says otherwise. */
export const DEFAULT_USER_ROLE: Role = 'admin';
/** The guide's users-file rule: an entry without a `workspaces` key gets this role. */
export const ROLE_OF_ENTRY_WITHOUT_WORKSPACES: Role = 'admin';

/**
 * Roles whose holders can manage users (owners and admins). The system must always keep one
 * enabled user holding one of them (the last-admin rule), whichever door a change comes through.
 */
export const MANAGER_ROLES = ROLES.filter((role) => (ROLE_TABLE[role].permissions as readonly Permission[]).includes('users.manage'));

/** Where a request came from, for the audit log. */
export interface Origin {
  ip?: string;
  /** the server's own id of the request */
  requestId?: string;
  /** the X-Request-Id the client sent, when short and printable; never taken as the request id */
  clientRequestId?: string | null;
}

/** Who is acting: a signed-in user, or the operator at the command line (full access to the database). */
export type Actor = ({ kind: 'system' } | { kind: 'user'; id: string; username: string; role: Role }) & Origin;

export const SYSTEM: Actor = { kind: 'system' };

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && Object.hasOwn(ROLE_TABLE, value);
}

/** The validation message for a value that is not a role: "must be 'admin' or 'annotator'". */
export function roleRule(): string {
  const quoted = ROLES.map((role) => `'${role}'`);
  return `must be ${quoted.length > 1 ? `${quoted.slice(0, -1).join(', ')} or ${quoted.at(-1)}` : quoted[0]}`;
}

/**
 * The highest of several roles, by ROLE_TABLE's order (its rows go from the most powerful to the
 * least): what a user holding all of them gets (single sign-on maps a person's groups to roles).
 * Undefined for none.
 */
export function highestRole(roles: Iterable<Role>): Role | undefined {
  let best: Role | undefined;
  for (const role of roles) if (best === undefined || ROLES.indexOf(role) < ROLES.indexOf(best)) best = role;
  return best;
}

export function permissionsOf(role: Role): readonly Permission[] {
  return ROLE_TABLE[role].permissions;
}

export function roleCan(role: Role, permission: Permission): boolean {
  return (permissionsOf(role) as readonly Permission[]).includes(permission);
}

export function can(actor: Actor, permission: Permission): boolean {
  return actor.kind === 'system' || roleCan(actor.role, permission);
}

/** Throws a forbidden error naming the action when the actor's role lacks the permission. */
export function authorize(actor: Actor, permission: Permission, action: string): void {
  if (!can(actor, permission)) throw fail.forbidden(action);
}

export function isManagerRole(role: string): boolean {
  return isRole(role) && roleCan(role, 'users.manage');
}

/**
 * Which workspaces an actor sees: all of them, or those it is a member of. List queries filter by
 * it, single-workspace reads check it, and caches of per-caller pages key by it.
 */
export type WorkspaceScope = { all: true } | { all: false; memberId: string };

export function workspaceScope(actor: Actor): WorkspaceScope {
  if (actor.kind === 'system' || roleCan(actor.role, 'workspaces.read_all')) return { all: true };
  return { all: false, memberId: actor.id };
}

/** Scope of a user row (for /api/me and user views, where there is no actor). */
export function workspaceScopeOfUser(user: { id: string; role: string }): WorkspaceScope {
  return isRole(user.role) && roleCan(user.role, 'workspaces.read_all') ? { all: true } : { all: false, memberId: user.id };
}

/** A cache key part naming the scope: the same for every actor who sees the same workspaces. */
export function scopeKey(scope: WorkspaceScope): string {
  return scope.all ? '*' : scope.memberId;
}

/**
 * Whether the actor may see a workspace. `isMember` is asked only when the scope depends on it.
 * A workspace the actor may not see is answered as missing (404), so its name does not leak.
 */
export async function canSeeWorkspace(actor: Actor, isMember: (userId: string) => Promise<boolean>): Promise<boolean> {
  const scope = workspaceScope(actor);
  return scope.all || (await isMember(scope.memberId));
}

/** Whether an actor may manage a user's API keys: its own always, anyone's with users.manage. */
export function canManageKeysOf(actor: Actor, userId: string): boolean {
  return (actor.kind === 'user' && actor.id === userId) || can(actor, 'users.manage');
}
