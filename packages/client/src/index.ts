// @argilla-ts/client: a TypeScript client for the Argilla user and workspace management API.
// ESM, no runtime dependencies (global fetch); runs in Node 20+ and in browsers.
export { Argilla, NAME_PATTERN, type RequestOptions } from './client.js';
export { defaultClient, getWorkspace, init, setWorkspace, whoami } from './defaults.js';
export {
  AlreadyExistsError,
  ApiError,
  ArgillaError,
  ConflictError,
  ForbiddenError,
  NetworkError,
  NotFoundError,
  ServerError,
  TimeoutError,
  UnauthorizedError,
  ValidationError,
  WorkspaceError,
  type ProblemFieldError,
} from './errors.js';
export type { Answer } from './transport.js';
export type {
  ArgillaOptions,
  CreateUserInput,
  IterUsersFilters,
  ListUsersFilters,
  ListWorkspacesOptions,
  Operations,
  Page,
  Problem,
  Role,
  TokenResponse,
  UpdateUserChanges,
  User,
  Workspace,
} from './types.js';
