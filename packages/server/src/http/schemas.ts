// The wire shapes: one TypeBox schema each, giving request validation, response serialisation
// (fields not listed here never leave the server) and the OpenAPI document. Split by resource
// under schemas/; imported from here.
import { AuditEventTypeSchema, ErrorCodeSchema, PermissionSchema, ProblemSchema, RoleSchema } from './schemas/common.js';
import { ApiKeySchema } from './schemas/credentials.js';
import { DatasetSchema, RecordInputSchema, RecordSchema, SettingsInputSchema, SettingsSchema } from './schemas/datasets.js';
import { UserSchema, WorkspaceSchema } from './schemas/users.js';
import { V1DatasetSchema, V1UserSchema } from './schemas/v1.js';

export * from './schemas/common.js';
export * from './schemas/credentials.js';
export * from './schemas/datasets.js';
export * from './schemas/users.js';
export * from './schemas/v1.js';

/** The named schemas (`$ref` targets), in the order the OpenAPI document lists its components. */
export const COMPONENT_SCHEMAS = [
  RoleSchema,
  PermissionSchema,
  ErrorCodeSchema,
  AuditEventTypeSchema,
  UserSchema,
  WorkspaceSchema,
  ProblemSchema,
  ApiKeySchema,
  SettingsSchema,
  DatasetSchema,
  RecordSchema,
  SettingsInputSchema,
  RecordInputSchema,
  V1UserSchema,
  V1DatasetSchema,
];
