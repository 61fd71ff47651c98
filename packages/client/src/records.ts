// The records of a dataset: logging them in batches (bulk requests that respect the server's count
// and size limits), reading them back page by page (the server's cursor), and annotating one.
import { ApiError, ArgillaError } from './errors.js';
import { DEFAULT_MAX_BATCH_BYTES, MAX_BATCH, MAX_PAGE } from './limits.js';
import { datasetWorkspace, sendJsonText } from './session.js';
import { DatasetCalls } from './datasets.js';
import type { Answer } from './transport.js';
import type {
  AnnotateOptions,
  AnnotationValue,
  DatasetRecord,
  IterRecordsOptions,
  ListRecordsOptions,
  LoadOptions,
  LogOptions,
  LogResult,
  Operations,
  Progress,
  RecordFilters,
  RecordInput,
  RecordPage,
  WorkspaceOption,
} from './types.js';

/** The record calls of `Argilla` (see client.ts). */
export class RecordCalls extends DatasetCalls {
  /**
   * Logs records into an existing dataset (any member of its workspace; admins create datasets with
   * `createDataset`). Takes an array or any iterable or async iterable (a generator, a stream of
   * parsed lines...), read one batch at a time, so 100,000 records need not be in memory at once.
   * Sends batches of `batchSize` records (at most and by default 500, the server's limit; fewer when
   * a batch would pass `maxBatchBytes`) one after the other. Resolves to the totals; each refused
   * record is in `errors` with its position in the whole input. Records with an `id` replace the
   * dataset's record of that id (keeping its annotations), so logging again after a failure is safe.
   * Rejects on an error answer (e.g. `NotFoundError` for an unknown dataset); the batches before it
   * are stored.
   *
   * @example
   * const { processed, failed, errors } = await client.log(
   *   [{ id: 'r1', fields: { text: 'I love it' } }, { id: 'r2', fields: { text: 'Meh' }, metadata: { source: 'web' } }],
   *   'reviews',
   * );
   *
   * @example
   * function* lines() { for (let i = 0; i < 100_000; i++) yield { id: i, fields: { text: `line ${i}` } }; }
   * await client.log(lines(), 'big', { workspace: 'team' }); // 200 requests of 500
   */
  async log(records: Iterable<RecordInput> | AsyncIterable<RecordInput>, name: string, options: LogOptions = {}): Promise<LogResult> {
    const workspace = datasetWorkspace(this, options.workspace, 'log');
    if (!isIterable(records)) {
      throw new ArgillaError('log: records must be an array or an (async) iterable of records {id?, fields, metadata?}.', 'invalid_argument');
    }
    const batchSize = clampedInteger(options.batchSize, MAX_BATCH, 1, MAX_BATCH);
    const maxBytes = options.maxBatchBytes ?? DEFAULT_MAX_BATCH_BYTES;
    const result: LogResult = { processed: 0, failed: 0, errors: [], requests: 0 };

    const send = async (parts: string[], indexes: number[]): Promise<void> => {
      let answer: Answer<Operations['POST /api/datasets/{name}/records:bulk']['response']>;
      try {
        answer = await sendJsonText(
          this,
          'POST /api/datasets/{name}/records:bulk',
          { path: { name }, query: { workspace }, signal: options.signal },
          `{"records":[${parts.join(',')}]}`,
        );
      } catch (error) {
        // 413: the server's body limit is lower than maxBatchBytes assumed. Nothing was stored, so
        // send the batch again in halves; a single record that is still too large is refused.
        if (!(error instanceof ApiError && error.status === 413)) throw error;
        result.requests++;
        if (parts.length === 1) {
          result.failed++;
          result.errors.push({ index: indexes[0]!, message: `too large to send: ${error.detail}` });
          return;
        }
        const half = Math.ceil(parts.length / 2);
        await send(parts.slice(0, half), indexes.slice(0, half));
        await send(parts.slice(half), indexes.slice(half));
        return;
      }
      result.requests++;
      result.processed += answer.body.processed;
      result.failed += answer.body.failed;
      for (const refused of answer.body.errors) result.errors.push({ index: indexes[refused.index] ?? -1, message: refused.message });
    };

    let parts: string[] = [];
    let indexes: number[] = [];
    let bytes = 0;
    let index = 0;
    for await (const record of records as AsyncIterable<RecordInput>) {
      const at = index++;
      let json: string | undefined;
      try {
        json = JSON.stringify(record);
      } catch (error) {
        result.failed++;
        result.errors.push({ index: at, message: `cannot be sent as JSON: ${error instanceof Error ? error.message : String(error)}` });
        continue;
      }
      if (json === undefined) {
        result.failed++;
        result.errors.push({ index: at, message: 'must be an object {id?, fields, metadata?}' });
        continue;
      }
      const size = utf8Length(json) + 1;
      if (parts.length > 0 && bytes + size > maxBytes) {
        await send(parts, indexes);
        [parts, indexes, bytes] = [[], [], 0];
      }
      parts.push(json);
      indexes.push(at);
      bytes += size;
      if (parts.length >= batchSize) {
        await send(parts, indexes);
        [parts, indexes, bytes] = [[], [], 0];
      }
    }
    // Nothing to send still checks the workspace and the dataset, as any other input would.
    if (parts.length > 0 || result.requests === 0) await send(parts, indexes);
    return result;
  }

  /**
   * Every record of a dataset (or those matching the filters), in the order they were logged,
   * fetched page by page by following the server's cursor; the next page is requested while the
   * current one is consumed. Breaking out of the loop stops the fetching.
   *
   * @example
   * for await (const record of client.iterRecords('reviews', { annotated: false, pageSize: 500 })) {
   *   console.log(record.id, record.fields.text);
   * }
   */
  iterRecords(name: string, options: IterRecordsOptions = {}): AsyncGenerator<DatasetRecord, void, undefined> {
    return this.#records(name, options, 'iterRecords');
  }

  async *#records(name: string, options: IterRecordsOptions, call: string): AsyncGenerator<DatasetRecord, void, undefined> {
    const workspace = datasetWorkspace(this, options.workspace, call);
    const pageSize = clampedInteger(options.pageSize, MAX_PAGE, 1, MAX_PAGE);
    let remaining = options.limit === undefined ? Infinity : count(options.limit, 'limit');
    if (remaining === 0) return;
    const filters = { workspace, ...wireFilters(options) };
    // Aborts the page fetched ahead when the caller stops early (or aborts its own signal).
    const controller = new AbortController();
    const onAbort = () => controller.abort(options.signal?.reason);
    if (options.signal?.aborted) onAbort();
    options.signal?.addEventListener('abort', onAbort, { once: true });
    type RecordPage = Answer<Operations['GET /api/datasets/{name}/records']['response']>;
    const fetchPage = (cursor: string | undefined): Promise<RecordPage> => {
      const limit = Math.min(pageSize, remaining);
      const pending = this.request('GET /api/datasets/{name}/records', { path: { name }, query: { ...filters, cursor, limit }, signal: controller.signal });
      pending.catch(() => {}); // handled where it is awaited; never an unhandled rejection if abandoned
      return pending;
    };
    try {
      let next: Promise<RecordPage> | undefined = fetchPage(undefined);
      while (next !== undefined) {
        const page: RecordPage = await next;
        const { items, next_cursor } = page.body;
        const current = items.length > remaining ? items.slice(0, remaining) : items;
        remaining -= current.length;
        next = next_cursor !== null && items.length > 0 && remaining > 0 ? fetchPage(next_cursor) : undefined;
        yield* current;
      }
    } finally {
      controller.abort();
      options.signal?.removeEventListener('abort', onAbort);
    }
  }

  /**
   * The records of a dataset as an array: all of them, or the first `limit`, optionally filtered
   * (`annotated`, `annotatedBy`, `label`). For large datasets prefer `iterRecords`, which holds one
   * page at a time.
   *
   * @example
   * const records = await client.load('reviews', { limit: 100, annotatedBy: 'ann' });
   * console.log(records[0]?.annotations);
   */
  async load(name: string, options: LoadOptions = {}): Promise<DatasetRecord[]> {
    const records: DatasetRecord[] = [];
    for await (const record of this.#records(name, options, 'load')) records.push(record);
    return records;
  }

  /**
   * One page of records (in the order they were first logged, optionally filtered) and the cursor
   * of the next page, `null` on the last one: for screens that show a page at a time and keep their
   * place. Pass `next_cursor` back as `cursor` for the next page.
   *
   * @example
   * const first = await client.listRecords('reviews', { limit: 50, notAnnotatedBy: 'ann' });
   * const second = first.next_cursor ? await client.listRecords('reviews', { limit: 50, notAnnotatedBy: 'ann', cursor: first.next_cursor }) : undefined;
   */
  async listRecords(name: string, options: ListRecordsOptions = {}): Promise<RecordPage> {
    const workspace = datasetWorkspace(this, options.workspace, 'listRecords');
    const limit = options.limit === undefined ? undefined : clampedInteger(options.limit, MAX_PAGE, 1, MAX_PAGE);
    const query = { workspace, ...wireFilters(options), cursor: options.cursor || undefined, limit };
    return (await this.request('GET /api/datasets/{name}/records', { path: { name }, query, signal: options.signal })).body;
  }

  /**
   * The caller's progress on a dataset: `records`, `annotated` (by anyone), and its own
   * `annotated_by_me`, `submitted_by_me` and `discarded_by_me`.
   *
   * @example
   * const { records, annotated_by_me } = await client.getProgress('reviews');
   * console.log(`${annotated_by_me} of ${records} done`);
   */
  async getProgress(name: string, options: WorkspaceOption = {}): Promise<Progress> {
    const workspace = datasetWorkspace(this, options.workspace, 'getProgress');
    return (await this.request('GET /api/datasets/{name}/progress', { path: { name }, query: { workspace } })).body;
  }

  /**
   * Records (or replaces) the caller's annotation of one record, checked against the dataset's
   * labels (`ValidationError` naming the allowed ones otherwise); resolves to the record with all
   * of its annotations. `value` is a label, a list of labels or `{ labels: [...] }`.
   *
   * @example
   * await client.annotate('reviews', 'r1', ['pos']);
   * await client.annotate('reviews', 'r2', { labels: [] }, { status: 'discarded' });
   */
  async annotate(name: string, recordId: string | number, value: AnnotationValue, options: AnnotateOptions = {}): Promise<DatasetRecord> {
    const workspace = datasetWorkspace(this, options.workspace, 'annotate');
    const labels = labelsOf(value);
    const body = options.status === undefined ? { value: { labels } } : { value: { labels }, status: options.status };
    return (
      await this.request('PUT /api/datasets/{name}/records/{id}/annotation', { path: { name, id: String(recordId) }, query: { workspace }, body })
    ).body;
  }
}

/** The record filters under their wire names. */
function wireFilters(filters: RecordFilters) {
  return { annotated: filters.annotated, annotated_by: filters.annotatedBy, not_annotated_by: filters.notAnnotatedBy, label: filters.label };
}

function isIterable(value: unknown): value is Iterable<unknown> | AsyncIterable<unknown> {
  if (value === null || typeof value !== 'object') return false; // strings are iterable, but not records
  return typeof (value as Iterable<unknown>)[Symbol.iterator] === 'function' || typeof (value as AsyncIterable<unknown>)[Symbol.asyncIterator] === 'function';
}

/** A whole number within [min, max]; `fallback` when not given or not a finite number. */
function clampedInteger(value: number | undefined, fallback: number, min: number, max: number): number {
  if (value === undefined || !Number.isFinite(value)) return fallback;
  return Math.min(Math.max(min, Math.floor(value)), max);
}

/** A count given by the caller (`limit`): a whole number, 0 or more. */
function count(value: number, option: string): number {
  if (!(Number.isInteger(value) && value >= 0) && value !== Infinity) {
    throw new ArgillaError(`${option} must be a whole number, 0 or more (got ${String(value)}).`, 'invalid_argument');
  }
  return value;
}

/** An annotation value as the server takes it: `'pos'`, `['pos']` and `{ labels: ['pos'] }` alike. */
function labelsOf(value: AnnotationValue): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return [...(value as readonly string[])];
  if (value !== null && typeof value === 'object' && Array.isArray((value as { labels?: unknown }).labels)) {
    return [...(value as { labels: readonly string[] }).labels];
  }
  throw new ArgillaError("annotate: the value must be a label, a list of labels, or { labels: [...] }.", 'invalid_argument');
}

/** The UTF-8 size of a string (JSON.stringify escapes lone surrogates, so pairs are whole). */
function utf8Length(text: string): number {
  let bytes = text.length;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x80) continue;
    if (code < 0x800) bytes += 1;
    else if (code >= 0xd800 && code <= 0xdfff) bytes += 1; // each half of a pair: 4 bytes for 2 units
    else bytes += 2;
  }
  return bytes;
}
