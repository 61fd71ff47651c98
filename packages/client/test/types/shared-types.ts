// Compile-time check (run by test/typecheck.test.ts through tsc): the client's wire types, generated
// from the OpenAPI document, are exactly the TypeBox Static types the server validates and
// serialises with. This file is never executed; a mismatch is a type error.
import type { Static } from 'typebox';
import type {
  AnnotationSchema,
  CreateUserBody,
  CreateWorkspaceBody,
  DatasetSchema,
  LoginBody,
  ProblemSchema,
  RecordSchema,
  SettingsSchema,
  TokenResponse,
  UpdateUserBody,
  UserSchema,
  WorkspaceSchema,
} from '../../../server/src/http/schemas.js';
import type {
  Annotation,
  CreateUserInput,
  Dataset,
  DatasetRecord,
  DatasetSettings,
  Operations,
  Problem,
  Role,
  SettingsInput,
  TokenResponse as ClientTokenResponse,
  UpdateUserChanges,
  User,
  Workspace,
} from '@argilla-ts/client';

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
  Expect<Equal<Flat<DatasetSettings>, Flat<Static<typeof SettingsSchema>>>>,
  // The dataset's `settings` is a reference to the DatasetSettings schema on the server's side.
  Expect<Equal<Flat<Omit<Dataset, 'settings'>>, Flat<Omit<Static<typeof DatasetSchema>, 'settings'>>>>,
  Expect<Equal<Dataset['settings'], DatasetSettings>>,
  Expect<Equal<Flat<Annotation>, Flat<Static<typeof AnnotationSchema>>>>,
  Expect<Equal<Flat<Omit<DatasetRecord, 'annotations'>>, Flat<Omit<Static<typeof RecordSchema>, 'annotations'>>>>,
];

// What the client accepts is always something the server's schema accepts.
type Assignable<A, B> = A extends B ? true : false;
export type Narrowed = [
  Expect<Assignable<CreateUserInput, Static<typeof CreateUserBody>>>,
  Expect<Assignable<UpdateUserChanges, Static<typeof UpdateUserBody>>>,
  Expect<Assignable<SettingsInput, Partial<Static<typeof SettingsSchema>>>>,
];

// The checks above can fail: one field less is a difference they catch.
// @ts-expect-error: User has `email`, this type does not
export type Sanity = Expect<Equal<Flat<User>, Flat<Omit<Static<typeof UserSchema>, 'email'>>>>;
