// Table types as Kysely sees them. Timestamps are ISO-8601 UTC strings and flags are 0/1 integers
// on both SQLite and PostgreSQL, so rows read the same whichever database is behind.
import type { Generated, Kysely, Transaction } from 'kysely';

export interface UsersTable {
  id: string;
  username: string;
  first_name: string;
  last_name: string | null;
  email: string | null;
  role: string;
  disabled: number;
  password_hash: string;
  inserted_at: string;
  updated_at: string;
}

export interface WorkspacesTable {
  id: string;
  name: string;
  inserted_at: string;
  updated_at: string;
}

export interface MembershipsTable {
  id: string;
  user_id: string;
  workspace_id: string;
  inserted_at: string;
  updated_at: string;
}

export interface ApiKeysTable {
  id: string;
  user_id: string;
  name: string;
  digest: string;
  preview: string;
  created_at: string;
  last_used_at: string | null;
  expires_at: string | null;
  revoked_at: string | null;
  /** set on a rotated key: the key that replaced it */
  replaced_by?: string | null;
}

export interface LoginSessionsTable {
  id: string;
  user_id: string;
  token_digest: string;
  created_at: string;
  expires_at: string;
}

export interface LoginFailuresTable {
  id: string;
  username: string;
  ip: string;
  created_at: string;
  /** 1 while the attempt's password is being checked, 0 once it failed */
  pending: Generated<number>;
}

/** Secrets of the whole installation (shared by every process using the database), by name. */
export interface InstallationSecretsTable {
  name: string;
  value: string;
  created_at: string;
}

export interface AuditEventsTable {
  id: string;
  type: string;
  actor_id: string | null;
  actor_username: string | null;
  target_type: string | null;
  target_id: string | null;
  ip: string | null;
  request_id: string | null;
  /** the X-Request-Id the client sent, when short and printable (request_id is the server's own) */
  client_request_id: string | null;
  /** JSON text: the changed fields and other details, never a secret */
  data: string;
  created_at: string;
}

export interface DatasetsTable {
  id: string;
  workspace_id: string;
  name: string;
  /** JSON text: the labelling schema */
  settings: string;
  created_by: string | null;
  created_by_username: string | null;
  inserted_at: string;
  updated_at: string;
  /** JSON text: the dataset-level tags and metadata the 1.6 Python client logs (null: none) */
  tags?: string | null;
  metadata?: string | null;
}

export interface RecordsTable {
  dataset_id: string;
  /** the client's id for the record, or a generated UUID */
  id: string;
  fields: string;
  metadata: string;
  inserted_at: string;
  updated_at: string;
  // What the 1.6 Python client logs beside the fields (null when not given, and for records
  // logged through the project's own routes): JSON text but for status and event_timestamp.
  prediction?: string | null;
  /** Default, Edited, Discarded or Validated */
  status?: string | null;
  /** as the client sent it: local time, no zone */
  event_timestamp?: string | null;
  vectors?: string | null;
  explanation?: string | null;
}

export interface AnnotationsTable {
  dataset_id: string;
  record_id: string;
  user_id: string | null;
  username: string;
  value: string;
  labels: string;
  status: string;
  inserted_at: string;
  updated_at: string;
  /** the agent a 1.6 client logged the annotation with; null when made by its user */
  agent?: string | null;
}

/** A user's link to a single sign-on provider: the provider's issuer and its subject for the person. */
export interface UserIdentitiesTable {
  id: string;
  user_id: string;
  /** the provider's name in the server's settings when the link was made */
  provider: string;
  issuer: string;
  subject: string;
  created_at: string;
  last_login_at: string | null;
}

export interface Tables {
  users: UsersTable;
  workspaces: WorkspacesTable;
  memberships: MembershipsTable;
  api_keys: ApiKeysTable;
  login_sessions: LoginSessionsTable;
  login_failures: LoginFailuresTable;
  installation_secrets: InstallationSecretsTable;
  audit_events: AuditEventsTable;
  datasets: DatasetsTable;
  records: RecordsTable;
  annotations: AnnotationsTable;
  user_identities: UserIdentitiesTable;
}

/** A database handle or an open transaction: repositories accept either. */
export type Db = Kysely<Tables> | Transaction<Tables>;

export type UserRow = UsersTable;
export type WorkspaceRow = WorkspacesTable;
export type ApiKeyRow = ApiKeysTable;
