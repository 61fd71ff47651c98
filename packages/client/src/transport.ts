// One HTTP exchange with the server: global fetch, a timeout through AbortController, retries of
// idempotent requests on connection failures, and error answers turned into typed errors.
import { ArgillaError, errorForProblem, NetworkError, TimeoutError, type Problem } from './errors.js';

/** Methods whose repetition does no harm: only these are retried, and only on connection errors. */
const IDEMPOTENT = new Set(['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE']);

export interface TransportOptions {
  apiUrl: string;
  timeoutMs: number;
  retries: number;
  retryDelayMs: number;
  fetch: typeof fetch;
}

export interface Exchange {
  method: string;
  /** path with its query string, starting with `/` */
  path: string;
  headers: Record<string, string>;
  body?: string;
  signal?: AbortSignal;
}

export interface Answer<T> {
  status: number;
  headers: Headers;
  body: T;
}

/** What a call of an API operation sends, before headers: the method, the path and the body. */
export interface Outgoing {
  method: string;
  /** the operation's path with its parameters and query filled in */
  path: string;
  body?: string;
  contentType?: string;
}

/** The parts of an operation call, as `Argilla.request` takes them (typed there, per operation). */
export interface CallParts {
  path?: unknown;
  query?: unknown;
  body?: unknown;
  /** send the body as `application/x-www-form-urlencoded` instead of JSON */
  form?: boolean;
}

/**
 * Turns `METHOD /path/{param}` and its parts into what goes on the wire. `jsonText`, when given, is
 * the body already serialised (`log` builds its batches as text) and replaces `parts.body`.
 */
export function outgoing(operation: string, parts: CallParts, jsonText?: string): Outgoing {
  const space = operation.indexOf(' ');
  const method = operation.slice(0, space);
  const pathParams = (parts.path ?? {}) as Record<string, string | number>;
  let path = operation.slice(space + 1).replace(/\{([^}]+)\}/g, (_match, name: string) => {
    const value = pathParams[name];
    if (value === undefined || String(value) === '') {
      throw new ArgillaError(`${operation}: the path parameter '${name}' is missing.`, 'invalid_argument');
    }
    return encodeURIComponent(String(value));
  });
  const search = formEncoded(parts.query);
  if (search !== '') path += `?${search}`;
  if (jsonText !== undefined) return { method, path, body: jsonText, contentType: 'application/json' };
  if (parts.body === undefined) return { method, path };
  if (parts.form) return { method, path, body: formEncoded(parts.body), contentType: 'application/x-www-form-urlencoded' };
  return { method, path, body: JSON.stringify(parts.body), contentType: 'application/json' };
}

/** `key=value&...` of an object's entries, leaving out the undefined and null ones. */
function formEncoded(values: unknown): string {
  const encoded = new URLSearchParams();
  for (const [key, value] of Object.entries((values ?? {}) as Record<string, unknown>)) {
    if (value !== undefined && value !== null) encoded.append(key, String(value));
  }
  return encoded.toString();
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

function describeCause(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } })?.cause;
  const text = cause?.code ?? cause?.message ?? (error instanceof Error ? error.message : String(error));
  return text;
}

/** Sends one request (and its retries); resolves with the parsed JSON answer or rejects typed. */
export async function exchange<T>(options: TransportOptions, request: Exchange): Promise<Answer<T>> {
  const url = joinUrl(options.apiUrl, request.path);
  const method = request.method.toUpperCase();
  const maxAttempts = IDEMPOTENT.has(method) ? 1 + Math.max(0, options.retries) : 1;
  for (let attempt = 1; ; attempt++) {
    try {
      return await once<T>(options, { ...request, method }, url, attempt);
    } catch (error) {
      const retriable = error instanceof NetworkError && !(error instanceof TimeoutError) && !request.signal?.aborted;
      if (!retriable || attempt >= maxAttempts) throw error;
      await sleep(options.retryDelayMs * 2 ** (attempt - 1));
    }
  }
}

async function once<T>(options: TransportOptions, request: Exchange, url: string, attempt: number): Promise<Answer<T>> {
  const controller = new AbortController();
  let timedOut = false;
  const timer = options.timeoutMs > 0 && Number.isFinite(options.timeoutMs)
    ? setTimeout(() => {
        timedOut = true;
        controller.abort();
      }, options.timeoutMs)
    : undefined;
  const onCallerAbort = () => controller.abort(request.signal?.reason);
  request.signal?.addEventListener('abort', onCallerAbort, { once: true });
  if (request.signal?.aborted) controller.abort(request.signal.reason);
  const where = { method: request.method, url, attempts: attempt };
  try {
    let response: Response;
    let text: string;
    try {
      response = await options.fetch(url, {
        method: request.method,
        headers: request.headers,
        body: request.body,
        signal: controller.signal,
      });
      // Read the whole body inside the same timeout and retry scope: a connection cut mid-answer
      // is a connection error too.
      text = await response.text();
    } catch (error) {
      if (timedOut) throw new TimeoutError(where, options.timeoutMs);
      if (request.signal?.aborted) throw error;
      throw new NetworkError(`${request.method} ${url} failed: ${describeCause(error)}`, where, { cause: error });
    }
    if (response.status >= 400) {
      throw errorForProblem(problemOf(response, text), { method: request.method, url, retryAfterSeconds: retryAfter(response.headers) });
    }
    let body: unknown = undefined;
    if (text !== '') {
      try {
        body = JSON.parse(text);
      } catch (error) {
        // Not a connection failure (so never retried): something other than the API answered.
        throw new ArgillaError(`${request.method} ${url}: the answer (${response.status}) is not JSON`, 'invalid_response', { cause: error });
      }
    }
    return { status: response.status, headers: response.headers, body: body as T };
  } finally {
    if (timer !== undefined) clearTimeout(timer);
    request.signal?.removeEventListener('abort', onCallerAbort);
  }
}

/** The problem body of an error answer; one is made up when a proxy answered with something else. */
function problemOf(response: Response, text: string): Problem {
  try {
    const parsed = JSON.parse(text) as Partial<Problem>;
    if (parsed && typeof parsed === 'object' && typeof parsed.code === 'string') {
      return {
        type: parsed.type ?? 'about:blank',
        title: parsed.title ?? response.statusText,
        status: response.status,
        detail: parsed.detail ?? response.statusText,
        code: parsed.code,
        params: parsed.params ?? {},
        ...(parsed.errors ? { errors: parsed.errors } : {}),
        request_id: parsed.request_id ?? response.headers.get('x-request-id') ?? '',
      };
    }
  } catch {
    // not JSON: described below
  }
  const excerpt = text.replace(/\s+/g, ' ').trim().slice(0, 200);
  return {
    type: 'about:blank',
    title: response.statusText || `HTTP ${response.status}`,
    status: response.status,
    detail: `The server answered ${response.status}${response.statusText ? ` ${response.statusText}` : ''}${excerpt ? `: ${excerpt}` : ''}`,
    code: `http_${response.status}`,
    params: {},
    request_id: response.headers.get('x-request-id') ?? '',
  };
}

/** The `Retry-After` header in seconds (it may be a number of seconds or an HTTP date). */
function retryAfter(headers: Headers): number | undefined {
  const value = headers.get('retry-after');
  if (value === null || value.trim() === '') return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim());
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, Math.ceil((date - Date.now()) / 1000));
}

/** `http://host:6900/` + `/api/me` → `http://host:6900/api/me` (also keeps a path prefix). */
export function joinUrl(apiUrl: string, path: string): string {
  return apiUrl.replace(/\/+$/, '') + path;
}
