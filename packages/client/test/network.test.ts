// Failures below HTTP: a closed port, a server that never answers (timeout), connections cut
// before an answer; which requests are retried (GET, PUT, DELETE on connection errors) and which
// never are (POST, PATCH; any HTTP status; timeouts).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import { createServer, type Server, type Socket } from 'node:net';
import { Argilla, ArgillaError, NetworkError, ServerError, TimeoutError } from '@argilla-ts/client';
import { backends, clientOf, rejectsWith, startTestServer, uniqueName, type TestServer } from './support.js';

interface Listening {
  url: string;
  port: number;
  /** requests received so far (undici may open spare connections that never carry one) */
  count(): number;
  close(): Promise<void>;
}

function listen(server: Server | HttpServer): Promise<number> {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as { port: number }).port)));
}

/** A TCP server that handles each connection with `onConnection`. */
async function tcpServer(onConnection: (socket: Socket) => void): Promise<Listening> {
  const sockets = new Set<Socket>();
  let requests = 0;
  const server = createServer((socket) => {
    socket.once('data', () => requests++);
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
    onConnection(socket);
  });
  const port = await listen(server);
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    count: () => requests,
    close: () =>
      new Promise((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/** An HTTP server answering every request with `status`, `contentType` and `body`. */
async function fixedAnswer(status: number, contentType: string, body: string, headers: Record<string, string> = {}): Promise<Listening> {
  let requests = 0;
  const server = createHttpServer((_request, response) => {
    requests++;
    response.writeHead(status, { 'content-type': contentType, 'x-request-id': `fixed-${requests}`, ...headers });
    response.end(body);
  });
  const port = await listen(server);
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    count: () => requests,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A port nothing listens on (a server is opened there, then closed). */
async function closedPort(): Promise<number> {
  const server = createServer();
  const port = await listen(server);
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

async function networkError(
  promise: Promise<unknown>,
  type: abstract new (...args: never[]) => NetworkError = NetworkError,
): Promise<NetworkError> {
  let caught: unknown;
  try {
    await promise;
  } catch (error) {
    caught = error;
  }
  assert.ok(caught instanceof type, `expected a ${type.name}, got ${String(caught)}`);
  assert.ok(caught instanceof ArgillaError);
  return caught as NetworkError;
}

describe('client: network failures, timeouts and retries', () => {
  it('a closed port: NetworkError carrying the method and URL, after two retries of the GET', async () => {
    const port = await closedPort();
    const url = `http://127.0.0.1:${port}`;
    const client = new Argilla({ apiUrl: url, retryDelayMs: 5 });
    const error = await networkError(client.whoami());
    assert.equal(error.constructor, NetworkError);
    assert.equal(error.name, 'NetworkError');
    assert.equal(error.code, 'network_error');
    assert.equal(error.url, `${url}/api/me`);
    assert.equal(error.method, 'GET');
    assert.equal(error.attempts, 3);
    assert.ok(error.message.includes(`${url}/api/me`), error.message);
    assert.match(error.message, /ECONNREFUSED/);
    assert.ok(error.cause, 'the underlying error is kept as the cause');
  });

  it('a closed port: a POST is sent once', async () => {
    const port = await closedPort();
    const client = new Argilla({ apiUrl: `http://127.0.0.1:${port}`, retryDelayMs: 5 });
    const error = await networkError(client.createWorkspace('team'));
    assert.equal(error.method, 'POST');
    assert.equal(error.attempts, 1);
    assert.equal(error.url, `http://127.0.0.1:${port}/api/workspaces`);
  });

  it('a server that accepts and never answers: TimeoutError after timeoutMs, not retried', async () => {
    const hanging = await tcpServer(() => {});
    try {
      const client = new Argilla({ apiUrl: hanging.url, timeoutMs: 200, retryDelayMs: 5 });
      const started = performance.now();
      const error = await networkError(client.whoami(), TimeoutError);
      const elapsed = performance.now() - started;
      assert.ok(error instanceof NetworkError, 'a TimeoutError is a NetworkError');
      assert.equal(error.name, 'TimeoutError');
      assert.equal(error.code, 'timeout');
      assert.equal((error as TimeoutError).timeoutMs, 200);
      assert.equal(error.url, `${hanging.url}/api/me`);
      assert.equal(error.attempts, 1);
      assert.ok(elapsed >= 190, `gave up after ${elapsed} ms`);
      assert.ok(elapsed < 5000, `gave up after ${elapsed} ms`);
      assert.equal(hanging.count(), 1, 'one request: timeouts are not retried');

      const post = await networkError(client.createWorkspace('team'), TimeoutError);
      assert.equal(post.method, 'POST');
      assert.equal(hanging.count(), 2);
    } finally {
      await hanging.close();
    }
  });

  it('a server that sends half an answer and stalls: the timeout covers reading the body too', async () => {
    const stalling = await tcpServer((socket) => {
      socket.once('data', () => socket.write('HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 100\r\n\r\n{"id":'));
    });
    try {
      const client = new Argilla({ apiUrl: stalling.url, timeoutMs: 200 });
      await networkError(client.whoami(), TimeoutError);
    } finally {
      await stalling.close();
    }
  });

  it('connections cut before an answer: GET and DELETE are retried twice, POST and PATCH never', async () => {
    const cutting = await tcpServer((socket) => socket.once('data', () => socket.destroy()));
    try {
      const client = new Argilla({ apiUrl: cutting.url, retryDelayMs: 5 });
      const cases: Array<[string, () => Promise<unknown>, number]> = [
        ['GET', () => client.listUsers(), 3],
        ['DELETE', () => client.deleteWorkspace('00000000-0000-4000-8000-000000000000'), 3],
        ['POST', () => client.createUser({ username: 'ann', first_name: 'Ann', password: 's3cret-pw' }), 1],
        ['PATCH', () => client.updateUser('00000000-0000-4000-8000-000000000000', { first_name: 'A' }), 1],
      ];
      for (const [method, call, expected] of cases) {
        const before = cutting.count();
        const error = await networkError(call());
        assert.equal(error.method, method);
        assert.equal(error.attempts, expected, method);
        assert.equal(cutting.count() - before, expected, `${method}: requests received`);
      }
      const noRetries = new Argilla({ apiUrl: cutting.url, retries: 0 });
      const before = cutting.count();
      assert.equal((await networkError(noRetries.whoami())).attempts, 1);
      assert.equal(cutting.count() - before, 1);
      const more = new Argilla({ apiUrl: cutting.url, retries: 4, retryDelayMs: 1 });
      assert.equal((await networkError(more.whoami())).attempts, 5);
    } finally {
      await cutting.close();
    }
  });

  it('retries wait a short, growing delay', async () => {
    const port = await closedPort();
    const client = new Argilla({ apiUrl: `http://127.0.0.1:${port}`, retryDelayMs: 100 });
    const started = performance.now();
    await networkError(client.whoami());
    const elapsed = performance.now() - started;
    assert.ok(elapsed >= 280, `100 + 200 ms of delays, took ${elapsed}`);
    assert.ok(elapsed < 3000, `took ${elapsed}`);
  });

  it('HTTP error statuses are never retried: 503 problem, 502 page from a proxy', async () => {
    const problem = JSON.stringify({
      type: 'urn:argilla:problem:database_unavailable',
      title: 'Service Unavailable',
      status: 503,
      detail: 'The database is not reachable right now; try again in a few seconds.',
      code: 'database_unavailable',
      params: {},
      request_id: 'req-1',
    });
    const unavailable = await fixedAnswer(503, 'application/problem+json', problem, { 'retry-after': '5' });
    const proxy = await fixedAnswer(502, 'text/html', '<html><body><h1>502 Bad Gateway</h1></body></html>');
    try {
      const error = await rejectsWith(new Argilla({ apiUrl: unavailable.url }).listUsers(), ServerError, 503, 'database_unavailable');
      assert.equal(error.requestId, 'req-1');
      assert.equal(error.retryAfterSeconds, 5, 'the Retry-After header, for the caller to wait');
      assert.equal(unavailable.count(), 1);
      const bad = await rejectsWith(new Argilla({ apiUrl: proxy.url }).whoami(), ServerError, 502, 'http_502');
      assert.match(bad.detail, /502 Bad Gateway/);
      assert.equal(bad.requestId, 'fixed-1', 'taken from the X-Request-Id header');
      assert.equal(bad.retryAfterSeconds, undefined);
      assert.equal(proxy.count(), 1);
    } finally {
      await unavailable.close();
      await proxy.close();
    }
  });

  it('a success answer that is not JSON is an ArgillaError (invalid_response), not retried', async () => {
    const html = await fixedAnswer(200, 'text/html', '<html>the web app</html>');
    try {
      await assert.rejects(new Argilla({ apiUrl: html.url }).whoami(), (error: unknown) => {
        assert.ok(error instanceof ArgillaError);
        assert.ok(!(error instanceof NetworkError));
        assert.equal(error.code, 'invalid_response');
        return true;
      });
      assert.equal(html.count(), 1);
    } finally {
      await html.close();
    }
  });

  it("a caller's AbortSignal cancels the request, without retries", async () => {
    const hanging = await tcpServer(() => {});
    try {
      const client = new Argilla({ apiUrl: hanging.url });
      const controller = new AbortController();
      const pending = client.request('GET /api/me', { signal: controller.signal });
      setTimeout(() => controller.abort(), 50);
      await assert.rejects(pending, (error: unknown) => (error as Error).name === 'AbortError');
      assert.equal(hanging.count(), 1);
    } finally {
      await hanging.close();
    }
  });
});

for (const backend of backends()) {
  describe(`client: retries against the real server (${backend.name})`, () => {
    let server: TestServer;
    before(async () => {
      server = await startTestServer(backend);
    });
    after(() => server.close());

    /** A fetch whose first `failures` calls fail like a refused connection; later ones go through. */
    function flakyFetch(failures: number) {
      let calls = 0;
      const flaky: typeof fetch = async (input, init) => {
        calls++;
        if (calls <= failures) throw new TypeError('fetch failed', { cause: Object.assign(new Error('connect ECONNRESET'), { code: 'ECONNRESET' }) });
        return fetch(input, init);
      };
      return { fetch: flaky, calls: () => calls };
    }

    it('a GET that fails to connect is retried and succeeds', async () => {
      const flaky = flakyFetch(2);
      const client = clientOf(server, { fetch: flaky.fetch });
      const { items } = await client.listUsers();
      assert.equal(items[0]!.username, 'argilla');
      assert.equal(flaky.calls(), 3);
    });

    it('a POST that fails to connect is not retried, and nothing is created', async () => {
      const flaky = flakyFetch(1);
      const client = clientOf(server, { fetch: flaky.fetch });
      const name = uniqueName('ws');
      const error = await networkError(client.createWorkspace(name));
      assert.equal(error.attempts, 1);
      assert.equal(flaky.calls(), 1);
      assert.ok(!(await clientOf(server).listWorkspaces()).items.some((w) => w.name === name));
      // The same client works once the network does.
      assert.equal((await client.createWorkspace(name)).name, name);
    });

    it('a DELETE that fails to connect is retried and succeeds', async () => {
      const workspace = await clientOf(server).createWorkspace(uniqueName('gone'));
      const flaky = flakyFetch(1);
      const deleted = await clientOf(server, { fetch: flaky.fetch }).deleteWorkspace(workspace.id);
      assert.equal(deleted.id, workspace.id);
      assert.equal(flaky.calls(), 2);
    });
  });
}
