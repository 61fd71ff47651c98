// Lists kept rendered: the bytes of a page of a list answer, with its total, cached like
// authentication (db/cache.ts). Any write through this process drops them at once; other
// processes' writes show within half a second.
import type { ReadCache } from '../db/cache.js';

/**
 * What of a reply sendPage uses, met by the reply of any route whatever its schema's types (in
 * method form, so that a reply whose `send` takes the route's item list still fits).
 */
export interface PageReply {
  serialize(payload: unknown): string | ArrayBuffer | Buffer;
  header(key: string, value: unknown): PageReply;
  type(contentType: string): PageReply;
  send(payload: unknown): unknown;
}

interface RenderedPage {
  total: number;
  body: Buffer;
}

/**
 * Answers a list from `cache` under `key` (which must name everything the page depends on: the
 * caller's visibility, filters, limit and offset), loading and rendering it with the route's own
 * response schema on a miss. Answers at once, without a promise, on a hit.
 */
export function sendPage<T>(
  reply: PageReply,
  cache: ReadCache,
  key: string,
  load: () => Promise<{ items: T[]; total: number }>,
  present: (item: T) => unknown,
): void | Promise<void> {
  const page = cache.read<RenderedPage>(key, async () => {
    const { items, total } = await load();
    // Kept as bytes: no text to encode again for every answer.
    return { total, body: Buffer.from(reply.serialize(items.map(present)) as string) };
  });
  const send = ({ total, body }: RenderedPage): void => {
    // Already serialised by the route's schema: sent as it is.
    void reply.header('x-total-count', total).type('application/json; charset=utf-8').send(body);
  };
  return page instanceof Promise ? page.then(send) : send(page);
}
