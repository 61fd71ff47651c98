// Users, workspaces and memberships on the wire.
import { Type, type Static } from 'typebox';
import { DEFAULT_ROLE, ROLES } from '../../domain/policies.js';
import { PASSWORD_RULE, Timestamp, Uuid } from './common.js';

export const UserSchema = Type.Object(
  {
    id: Uuid,
    first_name: Type.String(),
    last_name: Type.Optional(Type.String()),
    full_name: Type.String({ description: 'first and last name joined by a space, or the first name alone' }),
    username: Type.String(),
    email: Type.Optional(Type.String()),
    role: Type.Ref('Role'),
    permissions: Type.Optional(
      Type.Array(Type.Ref('Permission'), { description: "GET /api/me: what the caller's role allows (see the Permission enum)" }),
    ),
    disabled: Type.Boolean(),
    workspaces: Type.Array(Type.String(), { description: 'workspace names, by membership time' }),
    api_key: Type.Union([Type.String(), Type.Null()], {
      description: 'in full only when just created (and on /api/me, the key the caller used); otherwise a masked preview',
    }),
    inserted_at: Timestamp,
    updated_at: Timestamp,
    default_credentials_in_use: Type.Optional(
      Type.Boolean({ description: "GET /api/me, admins only: whether the default admin's password or API key still works" }),
    ),
  },
  { $id: 'User' },
);
export type UserBody = Static<typeof UserSchema>;

export const WorkspaceSchema = Type.Object(
  { id: Uuid, name: Type.String(), inserted_at: Timestamp, updated_at: Timestamp },
  { $id: 'Workspace' },
);

export const MemberParams = Type.Object({ id: Uuid, user_id: Uuid });

export const CreateUserBody = Type.Object({
  first_name: Type.String(),
  last_name: Type.Optional(Type.Union([Type.String(), Type.Null()])),
  username: Type.String(),
  email: Type.Optional(Type.Union([Type.String(), Type.Null()])),
  role: Type.Optional(Type.String({ description: `one of the roles (${ROLES.join(', ')}); default ${DEFAULT_ROLE}` })),
  password: Type.String({ description: PASSWORD_RULE }),
  workspaces: Type.Optional(Type.Array(Type.String(), { description: 'workspace names; missing ones are created' })),
});

export const UpdateUserBody = Type.Object({
  first_name: Type.Optional(Type.String()),
  last_name: Type.Optional(Type.Union([Type.String(), Type.Null()])),
  email: Type.Optional(Type.Union([Type.String(), Type.Null()])),
  role: Type.Optional(Type.String()),
  password: Type.Optional(Type.String()),
  disabled: Type.Optional(Type.Boolean()),
});

export const CreateWorkspaceBody = Type.Object({ name: Type.String() });
