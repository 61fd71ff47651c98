// What the web UI's labelling screens read and change beside the dataset API: the caller's
// progress on a dataset, and an edit of its labels that keeps the annotations consistent.
import { Type } from 'typebox';
import { editSettings, getProgress } from '../../domain/labelling.js';
import { LIMITS } from '../../domain/limits.js';
import { caller } from '../auth.js';
import { datasetProblems, NameParams, WorkspaceQuery, workspaceOf } from '../datasetRequests.js';
import { checkedByDomain, Ref } from '../schemas.js';
import type { RouteModule } from '../types.js';

const Count = (description: string) => Type.Integer({ minimum: 0, description });

const LabelName = Type.String({ minLength: 1, maxLength: LIMITS.label_max_length, pattern: '^[^|]*[^\\s|][^|]*$' });

export const labellingRoutes: RouteModule = async (app, { database }) => {
  app.get(
    '/api/datasets/:name/progress',
    {
      schema: {
        tags: ['records'],
        summary: "The caller's progress on a dataset: its records, those annotated by anyone, and the caller's own annotations",
        params: NameParams,
        querystring: Type.Object(WorkspaceQuery),
        response: {
          200: Type.Object({
            records: Count('records in the dataset'),
            annotated: Count('records with at least one annotation, by anyone'),
            annotated_by_me: Count('records the caller annotated (submitted or discarded)'),
            submitted_by_me: Count("records the caller's annotation submits"),
            discarded_by_me: Count('records the caller discarded'),
          }),
          ...datasetProblems(),
        },
      },
    },
    async (request) => getProgress(database, caller(request).actor, workspaceOf(request), request.params.name),
  );

  app.patch(
    '/api/datasets/:name/settings',
    {
      schema: {
        tags: ['datasets'],
        summary:
          "Change a dataset's labels (admin): the new list, with renames that the annotations follow; a label still in use is not removed (409 label_in_use)",
        params: NameParams,
        querystring: Type.Object(WorkspaceQuery),
        body: checkedByDomain(
          Type.Object({
            labels: Type.Optional(Type.Array(LabelName, { maxItems: LIMITS.labels_max, uniqueItems: true, description: 'the new list, renamed labels under their new name' })),
            multi_label: Type.Optional(Type.Boolean()),
            renames: Type.Optional(Type.Array(Type.Object({ from: Type.String(), to: Type.String() }), { description: 'labels renamed, also in the annotations' })),
          }),
        ),
        response: { 200: Ref.Settings, ...datasetProblems(403, 409) },
      },
    },
    async (request) => editSettings(database, caller(request).actor, workspaceOf(request), request.params.name, (request.body ?? {}) as object),
  );
};
