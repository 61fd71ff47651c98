// Every limit the server enforces, in one place. The OpenAPI document publishes this object as
// `x-argilla-limits`, and the client's generated types carry it, so nobody copies a number.

export const LIMITS = {
  /** the most items a list answers per page (and the default page size of plain lists) */
  page_size_max: 1000,
  /** the largest `offset` a list accepts: more than any list will hold, and inside PostgreSQL's range */
  offset_max: 2_147_483_647,
  /** the default page of a records list */
  records_page_default: 100,
  /** records per bulk request */
  bulk_records_max: 500,
  /** bytes of a request body */
  body_limit_bytes: 1024 * 1024,
  /** usernames, workspace and dataset names (JavaScript's `$` without the m flag: no trailing newline) */
  name_pattern: '^(?![-_])[a-z0-9_-]+$',
  /** characters of a username, a workspace name or a dataset name */
  name_max_length: 128,
  /** characters of a first or last name */
  person_name_max_length: 255,
  /** characters of an email address */
  email_max_length: 320,
  /** workspaces named in one request that creates or updates a user */
  user_workspaces_max: 1000,
  /** API keys a user may hold at once (not revoked, not expired) */
  active_api_keys_max: 100,
  /** how deep a JSON body may nest objects and arrays */
  json_depth_max: 64,
  /** characters of one path segment as sent (%-encoded): a record id of 200 characters fits */
  path_param_max_length: 8192,
  password_min_length: 8,
  password_max_length: 100,
  api_key_min_length: 8,
  api_key_name_max_length: 100,
  /** characters of a single sign-on provider's name (in its URLs) */
  provider_name_max_length: 64,
  /** characters of the web UI page a sign-in returns to */
  return_page_max_length: 256,
  /** characters of a record id given as text */
  record_id_max_length: 200,
  labels_max: 1000,
  label_max_length: 100,
  /** audit events per page when none is asked for */
  audit_page_default: 100,
  /**
   * YAML aliases in a users file may repeat at most this many values for each value written in
   * the file (or users_file_alias_values_min in all, whichever is more): more is refused as a
   * "billion laughs" file
   */
  users_file_alias_ratio_max: 10,
  users_file_alias_values_min: 10_000,
} as const;
