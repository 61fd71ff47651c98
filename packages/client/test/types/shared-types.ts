// Compile-time check (run by test/typecheck.test.ts through tsc): the client's wire types, generated
// from the OpenAPI document, are exactly the TypeBox Static types the server validates and
// serialises with (WireTypes, from the server's test kit). This file is never executed; a mismatch
// is a type error.
import type { WireTypes as Server } from '@argilla-ts/server/testkit';
import type { Problem as WireProblem } from '../../src/generated/api.js';
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
type Assignable<A, B> = A extends B ? true : false;

export type Checks = [
  Expect<Equal<Flat<User>, Flat<Server['User']>>>,
  Expect<Equal<Flat<Workspace>, Flat<Server['Workspace']>>>,
  // The client's Problem takes any code (a newer server's, or http_<status> for a proxy's page);
  // the generated one is the server's exactly, and every server problem is a client Problem.
  Expect<Equal<Flat<WireProblem>, Flat<Server['Problem']>>>,
  Expect<Equal<Problem['code'], string>>,
  Expect<Assignable<WireProblem, Problem>>,
  Expect<Equal<Flat<Operations['POST /api/users']['body']>, Flat<Server['CreateUserBody']>>>,
  Expect<Equal<Flat<Operations['PATCH /api/users/{id}']['body']>, Flat<Server['UpdateUserBody']>>>,
  Expect<Equal<Flat<Operations['POST /api/workspaces']['body']>, Flat<Server['CreateWorkspaceBody']>>>,
  Expect<Equal<Flat<Operations['POST /api/security/token']['body']>, Flat<Server['LoginBody']>>>,
  Expect<Equal<Flat<ClientTokenResponse>, Flat<Server['TokenResponse']>>>,
  Expect<Equal<Role, 'owner' | 'admin' | 'annotator'>>,
  Expect<Equal<Flat<DatasetSettings>, Flat<Server['DatasetSettings']>>>,
  // The dataset's `settings` is a reference to the DatasetSettings schema on the server's side.
  Expect<Equal<Flat<Omit<Dataset, 'settings'>>, Flat<Omit<Server['Dataset'], 'settings'>>>>,
  Expect<Equal<Dataset['settings'], DatasetSettings>>,
  Expect<Equal<Flat<Annotation>, Flat<Server['Annotation']>>>,
  Expect<Equal<Flat<Omit<DatasetRecord, 'annotations'>>, Flat<Omit<Server['DatasetRecord'], 'annotations'>>>>,
];

// What the client accepts is always something the server's schema accepts.
export type Narrowed = [
  Expect<Assignable<CreateUserInput, Server['CreateUserBody']>>,
  Expect<Assignable<UpdateUserChanges, Server['UpdateUserBody']>>,
  Expect<Assignable<SettingsInput, Partial<Server['DatasetSettings']>>>,
];

// The checks above can fail: one field less is a difference they catch.
// @ts-expect-error: User has `email`, this type does not
export type Sanity = Expect<Equal<Flat<User>, Flat<Omit<Server['User'], 'email'>>>>;
