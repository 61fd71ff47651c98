// The paged lists of users and workspaces (offset paging, with the total in X-Total-Count), and the
// lookups by name built on them.
import { NotFoundError } from './errors.js';
import { MAX_PAGE } from './limits.js';
import type { Session } from './session.js';
import type { Answer } from './transport.js';
import type { Operations, Page } from './types.js';

export function page<T>(answer: Answer<T[]>): Page<T> {
  const header = answer.headers.get('x-total-count');
  const total = header !== null && /^\d+$/.test(header) ? Number(header) : answer.body.length;
  return { items: answer.body, total };
}

/** The list operations paged with limit and offset, the total in X-Total-Count. */
type PagedList = 'GET /api/users' | 'GET /api/workspaces' | 'GET /api/workspaces/{id}/users';

/**
 * The answers of a list operation, page after page, until a short page or the total is reached.
 * `path`: the path parameters of the list (a workspace's members).
 */
export async function* pages<K extends PagedList>(
  client: Session,
  operation: K,
  query: Omit<NonNullable<Operations[K]['query']>, 'limit' | 'offset'>,
  pageSize?: number,
  path?: Operations[K]['path'],
): AsyncGenerator<Answer<Operations[K]['response']>, void, undefined> {
  const limit = Math.min(Math.max(1, Math.floor(pageSize ?? MAX_PAGE)), MAX_PAGE);
  let offset = 0;
  for (;;) {
    const query_ = { ...query, limit, offset } as Operations[K]['query'];
    const answer = await client.request(operation, path === undefined ? { query: query_ } : { path, query: query_ });
    yield answer;
    const { items, total } = page(answer as Answer<unknown[]>);
    offset += items.length;
    if (items.length < limit || offset >= total) return;
  }
}

/** The 404 of a lookup by name that found nothing; it carries the id of the last list request. */
export function notFound(kind: 'user' | 'workspace', type: string, name: string, url: string, requestId: string): NotFoundError {
  return new NotFoundError(
    {
      type: `urn:argilla:problem:${kind}_not_found`,
      title: 'Not Found',
      status: 404,
      detail: `${type} '${name}' does not exist.`,
      code: `${kind}_not_found`,
      params: { type, name },
      request_id: requestId,
    },
    { method: 'GET', url },
  );
}
