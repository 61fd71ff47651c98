// The Argilla 1.6 Python client on the wire, for the datasets16 suites: its headers (the API key
// twice, the workspace in X-Argilla-Workspace), its record bodies (every key present, null when
// unset) and its paging loop for rg.load, replayed request by request.
import assert from 'node:assert/strict';
import { call, type Reply, type TestServer } from '../helpers/http.js';

export { createWorkspace, uniqueName } from '../http/support.js';

export interface Session {
  server: TestServer;
  key: string;
  workspace: string;
}

/** One request as the 1.6 client sends it: both credential headers, JSON only with a body. */
export function send(session: Session, method: string, path: string, json?: unknown): Promise<Reply> {
  const headers = { authorization: `Bearer ${session.key}`, 'x-argilla-workspace': session.workspace };
  return call(session.server, method, path, { key: session.key, headers, json });
}

const COMMON = {
  metadata: {},
  event_timestamp: '2024-03-01T12:00:00',
  prediction: null,
  annotation: null,
  vectors: null,
  metrics: {},
  search_keywords: null,
};

/** A TextClassification record with every key the client sends. */
export function textRecord(id: unknown, text: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  const record: Record<string, unknown> = { id, ...COMMON, status: 'Default', inputs: { text }, multi_label: false, explanation: null, ...extra };
  if (extra.status === undefined) record.status = record.annotation ? 'Validated' : 'Default';
  return record;
}

export function tokenRecord(id: unknown, text: string, tokens: string[], extra: Record<string, unknown> = {}): Record<string, unknown> {
  const record: Record<string, unknown> = { id, ...COMMON, status: 'Default', text, tokens, ...extra };
  if (extra.status === undefined) record.status = record.annotation ? 'Validated' : 'Default';
  return record;
}

export function text2textRecord(id: unknown, text: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  const record: Record<string, unknown> = { id, ...COMMON, status: 'Default', text, ...extra };
  if (extra.status === undefined) record.status = record.annotation ? 'Validated' : 'Default';
  return record;
}

export const labels = (agent: string, ...pairs: Array<[string, number]>) => ({ agent, labels: pairs.map(([c, score]) => ({ class: c, score })) });

/** rg.log: one bulk per batch; answers the summed BulkResponse, and each batch's reply. */
export async function rgLog(
  session: Session,
  name: string,
  task: 'TextClassification' | 'TokenClassification' | 'Text2Text',
  records: unknown[],
  batchSize = 500,
): Promise<{ processed: number; failed: number; replies: Reply[] }> {
  const replies: Reply[] = [];
  let processed = 0;
  let failed = 0;
  for (let i = 0; i < records.length; i += batchSize) {
    const reply = await send(session, 'POST', `/api/datasets/${name}/${task}:bulk`, { tags: {}, metadata: {}, records: records.slice(i, i + batchSize) });
    replies.push(reply);
    if (reply.status !== 200) return { processed, failed, replies };
    processed += reply.body.processed;
    failed += reply.body.failed ?? 0;
  }
  return { processed, failed, replies };
}

export interface LoadOptions {
  query?: string;
  ids?: unknown[];
  limit?: number;
  batchSize?: number;
  /** skip the dataset GET, as the client does when its cache holds the name */
  cached?: boolean;
}

/**
 * rg.load as the 1.6 client runs it: the dataset GET (unless cached), then pages of
 * `min(left, batch_size)` while the answer has records and a next_idx, echoing next_idx back.
 * Answers every record, the limits asked for, and the first failing reply if any.
 */
export async function rgLoad(session: Session, name: string, options: LoadOptions = {}): Promise<{ records: any[]; asked: number[]; pages: number[]; failure?: Reply; task?: string }> {
  let task: string | undefined;
  if (!options.cached) {
    const got = await send(session, 'GET', `/api/datasets/${name}`);
    if (got.status !== 200) return { records: [], asked: [], pages: [], failure: got };
    task = got.body.task;
  }
  const batchSize = options.batchSize ?? 250;
  let left = options.limit ?? Number.POSITIVE_INFINITY;
  const query: Record<string, unknown> = {};
  if (options.query !== undefined) query.query_text = options.query;
  if (options.ids !== undefined) query.ids = options.ids;
  const body: Record<string, unknown> = { fields: ['*'], query };
  const records: any[] = [];
  const asked: number[] = [];
  const pages: number[] = [];
  for (;;) {
    const limit = Math.min(left, batchSize);
    asked.push(limit);
    const reply = await send(session, 'POST', `/api/datasets/${name}/records/:search?limit=${limit}`, body);
    if (reply.status !== 200) return { records, asked, pages, failure: reply, task };
    assert.ok(reply.body.next_page_cfg === undefined || reply.body.next_page_cfg === null, 'next_page_cfg is never sent');
    records.push(...reply.body.records);
    pages.push(reply.body.records.length);
    left -= limit;
    if (reply.body.records.length === 0 || left <= 0 || !reply.body.next_idx) return { records, asked, pages, task };
    body.next_idx = reply.body.next_idx;
  }
}

/** The body of a 1.6 error, as the client reads it: its class comes from the status. */
export function assertError16(reply: Reply, status: number, name: string): any {
  assert.equal(reply.status, status, JSON.stringify(reply.body));
  assert.equal(typeof reply.body, 'object', 'a JSON object');
  assert.ok(!Array.isArray(reply.body), 'not an array');
  assert.equal(reply.body.detail.code, `argilla.api.errors::${name}`, JSON.stringify(reply.body));
  assert.equal(typeof reply.body.detail.params, 'object');
  if (status === 422) {
    assert.ok(Array.isArray(reply.body.detail.params.errors), JSON.stringify(reply.body));
    for (const e of reply.body.detail.params.errors) assert.ok(Array.isArray(e.loc), JSON.stringify(e));
  }
  return reply.body.detail.params;
}

/** Ids in 1.6's order: byte order of the id as text. */
export function byteOrder(ids: string[]): string[] {
  return [...ids].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
}
