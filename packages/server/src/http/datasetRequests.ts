// What the dataset and record routes share. They are workspace-scoped: the workspace comes from
// `?workspace=`, else the X-Argilla-Workspace header; datasets are addressed by name within it.
import { Type } from 'typebox';
import type { FastifyRequest } from 'fastify';
import { NameText, ProblemResponse, problems } from './schemas.js';

export const WorkspaceQuery = {
  workspace: Type.Optional(NameText('the workspace (else the X-Argilla-Workspace header)')),
};
export const NameParams = Type.Object({ name: NameText() });

export function workspaceOf(request: FastifyRequest): string | undefined {
  const fromQuery = (request.query as { workspace?: string } | undefined)?.workspace;
  const header = request.headers['x-argilla-workspace'];
  return fromQuery || (Array.isArray(header) ? header[0] : header) || undefined;
}

/** Dataset errors: the workspace may be missing (400) or unseen (404); annotators may not manage (403). */
export const datasetProblems = (...statuses: number[]) => ({ 400: ProblemResponse, ...problems(404, ...statuses) });
