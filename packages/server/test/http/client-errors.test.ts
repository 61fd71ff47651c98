// Requests Node's HTTP parser refuses before Fastify sees them (a URL and headers past its limit,
// bytes that are not HTTP) answer a problem body like every other error, with a request id.
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { backends } from '../helpers/databases.js';
import { startTestServer, type TestServer } from '../helpers/http.js';
import { assertProblem } from './support.js';

/** Sends raw bytes and reads the whole answer (the server closes the connection). */
function raw(server: TestServer, bytes: string): Promise<string> {
  const { hostname, port } = new URL(server.url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname, () => socket.end(bytes));
    const chunks: Buffer[] = [];
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    socket.on('error', reject);
  });
}

// The HTTP server is the same whichever database is behind it: SQLite only.
const [backend] = backends();
describe(`requests refused before routing (${backend!.name})`, () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer(backend!);
  });
  after(() => server.close());

  it('a URL past the header limit answers 431 headers_too_large as a problem, with its request id', async () => {
    const response = await fetch(`${server.url}/api/users/${'x'.repeat(20_000)}`, { headers: { 'x-argilla-api-key': server.adminKey } });
    const body = await response.json();
    const reply = { status: response.status, headers: response.headers, body };
    assertProblem(reply, 431, 'headers_too_large');
    assert.equal(body.detail, 'The URL and headers are too long: shorten the URL (its path or query).');
    assert.equal(response.headers.get('x-request-id'), body.request_id);
  });

  it('bytes that are not HTTP answer 400 bad_request as a problem', async () => {
    const answer = await raw(server, 'HELLO THERE\r\n\r\n');
    const [head, text] = answer.split('\r\n\r\n');
    assert.match(head!, /^HTTP\/1\.1 400 Bad Request\r\n/);
    assert.match(head!, /\r\ncontent-type: application\/problem\+json; charset=utf-8/i);
    const body = JSON.parse(text!);
    assert.equal(body.code, 'bad_request');
    assert.equal(body.status, 400);
    assert.equal(body.type, 'urn:argilla:problem:bad_request');
    assert.match(head!, new RegExp(`\\r\\nx-request-id: ${body.request_id}`, 'i'));
  });
});
