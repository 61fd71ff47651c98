// The server's wire schemas as static types, for the client's compile-time check that the types it
// generates from the OpenAPI document are exactly what the server validates and answers with.
// Types only: nothing of http/ is loaded at run time through the kit.
import type { Static, TSchema } from 'typebox';
import type * as Schemas from '../http/schemas.js';

/** What each `Type.Ref(name)` in the schemas stands for, so that the static types resolve them. */
type Refs = {
  Role: typeof Schemas.RoleSchema;
  Permission: typeof Schemas.PermissionSchema;
  ErrorCode: typeof Schemas.ErrorCodeSchema;
  AuditEventType: typeof Schemas.AuditEventTypeSchema;
  DatasetSettings: typeof Schemas.SettingsSchema;
};

type Wire<T extends TSchema> = Static<T, Refs>;

export interface WireTypes {
  User: Wire<typeof Schemas.UserSchema>;
  Workspace: Wire<typeof Schemas.WorkspaceSchema>;
  Problem: Wire<typeof Schemas.ProblemSchema>;
  CreateUserBody: Wire<typeof Schemas.CreateUserBody>;
  UpdateUserBody: Wire<typeof Schemas.UpdateUserBody>;
  CreateWorkspaceBody: Wire<typeof Schemas.CreateWorkspaceBody>;
  LoginBody: Wire<typeof Schemas.LoginBody>;
  TokenResponse: Wire<typeof Schemas.TokenResponse>;
  DatasetSettings: Wire<typeof Schemas.SettingsSchema>;
  Dataset: Wire<typeof Schemas.DatasetSchema>;
  Annotation: Wire<typeof Schemas.AnnotationSchema>;
  DatasetRecord: Wire<typeof Schemas.RecordSchema>;
}
