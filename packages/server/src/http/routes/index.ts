// Every route module, in the order they are registered (and the OpenAPI document lists them).
import type { RouteModule } from '../types.js';
import { auditRoutes } from './audit.js';
import { credentialRoutes } from './credentials.js';
import { datasetRoutes } from './datasets.js';
import { datasets16Routes } from './datasets16.js';
import { infoRoutes } from './info.js';
import { labellingRoutes } from './labelling.js';
import { meRoutes } from './me.js';
import { membershipRoutes } from './memberships.js';
import { oauth2Routes } from './oauth2.js';
import { recordRoutes } from './records.js';
import { securityRoutes } from './security.js';
import { userRoutes } from './users.js';
import { v1MeRoutes } from './v1Me.js';
import { v1UserRoutes } from './v1Users.js';
import { v1WorkspaceRoutes } from './v1Workspaces.js';
import { workspaceRoutes } from './workspaces.js';

export const ROUTE_MODULES: readonly RouteModule[] = [
  infoRoutes,
  securityRoutes,
  oauth2Routes,
  meRoutes,
  userRoutes,
  workspaceRoutes,
  membershipRoutes,
  credentialRoutes,
  auditRoutes,
  datasetRoutes,
  recordRoutes,
  labellingRoutes,
  datasets16Routes,
  v1MeRoutes,
  v1UserRoutes,
  v1WorkspaceRoutes,
];
