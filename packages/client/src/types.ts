// The public request and response types, all derived from the generated wire types
// (src/generated/api.ts), so a change on the server shows up here at compile time.
import type { Dataset, DatasetRecord, DatasetSettings, DatasetSettingsInput, Operations, User, Workspace } from './generated/api.js';
import type { Problem } from './errors.js';

export type { Dataset, DatasetRecord, DatasetSettings, Operations, Problem, User, Workspace };

/** A user's role: `owner` and `admin` are both global superusers (the same powers), `annotator` works in its workspaces. */
export type Role = User['role'];

/** Body of `createUser`: the server's schema, with `role` narrowed to the roles. */
export type CreateUserInput = Omit<Operations['POST /api/users']['body'], 'role'> & { role?: Role };

/** Body of `updateUser`: only the fields given change; `null` clears `last_name` or `email`. */
export type UpdateUserChanges = Omit<Operations['PATCH /api/users/{id}']['body'], 'role'> & { role?: Role };

/** Filters and paging of `listUsers`. */
export type ListUsersFilters = Operations['GET /api/users']['query'];

/** Filters of `iterUsers`: those of `listUsers` without paging, plus the page size to fetch with. */
export type IterUsersFilters = Omit<ListUsersFilters, 'limit' | 'offset'> & { pageSize?: number };

/** Paging of `listWorkspaces`. */
export type ListWorkspacesOptions = Operations['GET /api/workspaces']['query'];

/** Paging of `listWorkspaceMembersPage`. */
export type ListWorkspaceMembersOptions = Operations['GET /api/workspaces/{id}/users']['query'];

/** The answer of a successful login. */
export type TokenResponse = Operations['POST /api/security/token']['response'];

/** One page of a list: its items, and the total across every page (the X-Total-Count header). */
export interface Page<T> {
  items: T[];
  total: number;
}

/** Options of `new Argilla(...)` and of the module-level `init(...)`. */
export interface ArgillaOptions {
  /** Base URL of the server. Default: `ARGILLA_API_URL`, else `http://localhost:6900`. */
  apiUrl?: string;
  /**
   * API key sent as `X-Argilla-Api-Key`. Default: `ARGILLA_API_KEY`, else `argilla.apikey` (unless
   * `token` is given). `null`: send no key (e.g. a web page that will call `login`).
   */
  apiKey?: string | null;
  /** A login token (from `login`) sent as `Authorization: Bearer`; it replaces the API key. */
  token?: string;
  /** Workspace to work in; checked by `init`. Default: `ARGILLA_WORKSPACE`, else chosen by `init`. */
  workspace?: string;
  /** Per-attempt time limit in milliseconds (default 60000; 0 for none). */
  timeoutMs?: number;
  /** Extra headers sent with every request. */
  headers?: Record<string, string>;
  /** Retries of GET, PUT and DELETE after a connection error (default 2); others never retry. */
  retries?: number;
  /** Delay before the first retry, doubled for each next one (default 200 ms). */
  retryDelayMs?: number;
  /** The fetch implementation (default: the global `fetch`). */
  fetch?: typeof fetch;
}

// ---- datasets ------------------------------------------------------------------------------------

/** One annotation of a record: its author (`user_id` empty once the user is deleted), labels and status. */
export type Annotation = DatasetRecord['annotations'][number];

/** `submitted` (the default) or `discarded`. */
export type AnnotationStatus = Annotation['status'];

/**
 * A labelling schema to create a dataset with or to replace its settings with. Fields left out take
 * their defaults: `task: 'text_classification'`, `labels: []`, `multi_label: false`.
 */
export type SettingsInput = DatasetSettingsInput;

/**
 * A record to log: its `fields` (the data to annotate, e.g. `{ text: '...' }`), optional
 * `metadata`, and an optional `id` (text or a whole number). Logging a record whose id the dataset
 * already holds replaces its fields and metadata (and keeps its annotations); without an id the
 * server makes one.
 */
export interface RecordInput {
  id?: string | number | null;
  fields: Record<string, unknown>;
  metadata?: Record<string, unknown> | null;
}

/**
 * An annotation's value: one label, a list of labels, or the wire form `{ labels: [...] }`. The
 * labels must be among the dataset's settings; more than one only when `multi_label` is true.
 */
export type AnnotationValue = string | readonly string[] | { labels: readonly string[] };

/** The workspace a dataset call is about; default: the client's current one (`init`, `setWorkspace`). */
export interface WorkspaceOption {
  workspace?: string;
}

/** Options of `createDataset`. */
export interface CreateDatasetOptions extends WorkspaceOption {
  /** the labelling schema (default: no labels yet, one label per record) */
  settings?: SettingsInput;
}

/** Options of `log`. */
export interface LogOptions extends WorkspaceOption {
  /** records per request, 1 to 500 (the server's limit; default 500) */
  batchSize?: number;
  /**
   * Upper bound on a request body in bytes (default: 95% of the server's body limit, 996,147 of
   * its 1 MiB): a batch is sent early when its next record would cross it.
   */
  maxBatchBytes?: number;
  signal?: AbortSignal;
}

/** What `log` did: totals over every batch; `errors` name each refused record by its position in the input. */
export interface LogResult {
  /** records stored (inserted or replaced) */
  processed: number;
  /** records refused (see `errors`) */
  failed: number;
  /** one entry per refused record: its 0-based position in the whole input, and why */
  errors: Array<{ index: number; message: string }>;
  /** bulk requests sent (one per batch) */
  requests: number;
}

/** Filters of `load` and `iterRecords`. */
export interface RecordFilters {
  /** only records with (true) or without (false) an annotation */
  annotated?: boolean;
  /** only records annotated by this username */
  annotatedBy?: string;
  /** only records this username has not annotated (its queue) */
  notAnnotatedBy?: string;
  /** only records with an annotation carrying this label */
  label?: string;
}

/** Options of `iterRecords`. */
export interface IterRecordsOptions extends WorkspaceOption, RecordFilters {
  /** records per request, 1 to 1000 (default 1000) */
  pageSize?: number;
  /** stop after this many records (default: all) */
  limit?: number;
  signal?: AbortSignal;
}

/** Options of `load`. */
export type LoadOptions = IterRecordsOptions;

/** Options of `listRecords`: the filters, a page size and where to start. */
export interface ListRecordsOptions extends WorkspaceOption, RecordFilters {
  /** the `next_cursor` of the previous page; none for the first page */
  cursor?: string;
  /** records in the page, 1 to 1000 (default 100) */
  limit?: number;
  signal?: AbortSignal;
}

/** One page of records and the cursor of the next (null on the last page). */
export type RecordPage = Operations['GET /api/datasets/{name}/records']['response'];

/** The caller's progress on a dataset (`getProgress`). */
export type Progress = Operations['GET /api/datasets/{name}/progress']['response'];

/**
 * A change of a dataset's labels (`editLabels`): the new list in its order (renamed labels under
 * their new name), `multi_label`, and the renames as `{ from, to }`, which the annotations follow.
 */
export type LabelsEdit = Operations['PATCH /api/datasets/{name}/settings']['body'];

/** Options of `copy`. */
export interface CopyOptions {
  /** the workspace to copy into (default: the source's) */
  workspace?: string;
  /** the workspace to copy from (default: the client's current one) */
  sourceWorkspace?: string;
}

/** Options of `annotate`. */
export interface AnnotateOptions extends WorkspaceOption {
  /** `submitted` (default) or `discarded` */
  status?: AnnotationStatus;
}
