// What the logged-in user may do, as the server says on GET /api/me (`permissions`, from its role
// table). Every screen, navigation entry and button that depends on access asks here: no page
// reads `role` to decide, so a role added on the server needs no change in the UI.
import { ROLES, type Permission, type Role } from '@argilla-ts/client';

/** The part of the user these checks read. */
export interface Permitted {
  permissions?: readonly Permission[];
}

/** Whether the user holds this permission. A user without the list (an older server) holds none. */
export function can(me: Permitted | undefined, permission: Permission): boolean {
  return me?.permissions?.includes(permission) ?? false;
}

/** Whether the user holds at least one of these permissions. */
export function canAny(me: Permitted | undefined, permissions: readonly Permission[]): boolean {
  return permissions.some((permission) => can(me, permission));
}

/** Whether a string is one of the roles the server defines (as the client library lists them). */
export function isRole(value: string): value is Role {
  return (ROLES as readonly string[]).includes(value);
}

/** The roles as choices of a select field, in the server's order. */
export const ROLE_OPTIONS: ReadonlyArray<{ value: Role; label: string }> = ROLES.map((role) => ({ value: role, label: role }));
