// Compile-time check (run by test/typecheck.test.ts through tsc): the client's wire types, generated
// from the OpenAPI document, are exactly the TypeBox Static types the server validates and
// serialises with. This file is never executed; a mismatch is a type error.
import type { Static } from 'typebox';
import type {
  CreateUserBody,
  CreateWorkspaceBody,
  LoginBody,
  ProblemSchema,
  TokenResponse,
  UpdateUserBody,
  UserSchema,
  WorkspaceSchema,
} from '../../../server/src/http/schemas.js';
import type { CreateUserInput, Operations, Problem, Role, TokenResponse as ClientTokenResponse, UpdateUserChanges, User, Workspace } from '@argilla-ts/client';

/** true when A and B are the same type (not merely assignable one way). */
type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
/** A plain object type, so intersections and interfaces compare by their members. */
type Flat<T> = { [K in keyof T]: T[K] };
type Expect<T extends true> = T;

export type Checks = [
  Expect<Equal<Flat<User>, Flat<Static<typeof UserSchema>>>>,
  Expect<Equal<Flat<Workspace>, Flat<Static<typeof WorkspaceSchema>>>>,
  Expect<Equal<Flat<Problem>, Flat<Static<typeof ProblemSchema>>>>,
  Expect<Equal<Flat<Operations['POST /api/users']['body']>, Flat<Static<typeof CreateUserBody>>>>,
  Expect<Equal<Flat<Operations['PATCH /api/users/{id}']['body']>, Flat<Static<typeof UpdateUserBody>>>>,
  Expect<Equal<Flat<Operations['POST /api/workspaces']['body']>, Flat<Static<typeof CreateWorkspaceBody>>>>,
  Expect<Equal<Flat<Operations['POST /api/security/token']['body']>, Flat<Static<typeof LoginBody>>>>,
  Expect<Equal<Flat<ClientTokenResponse>, Flat<Static<typeof TokenResponse>>>>,
  Expect<Equal<Role, 'admin' | 'annotator'>>,
];

// What the client accepts is always something the server's schema accepts.
type Assignable<A, B> = A extends B ? true : false;
export type Narrowed = [
  Expect<Assignable<CreateUserInput, Static<typeof CreateUserBody>>>,
  Expect<Assignable<UpdateUserChanges, Static<typeof UpdateUserBody>>>,
];

// The checks above can fail: one field less is a difference they catch.
// @ts-expect-error: User has `email`, this type does not
export type Sanity = Expect<Equal<Flat<User>, Flat<Omit<Static<typeof UserSchema>, 'email'>>>>;
