// A test provider whose clock runs SKEW_SECONDS behind the real one (run as a child process by
// provider.ts): everything it signs is dated in the past, so its ID tokens arrive expired.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

const skewMs = Number(process.env.SKEW_SECONDS ?? '0') * 1000;
const realNow = Date.now.bind(Date);
Date.now = () => realNow() - skewMs;

const { providerSettings } = await import('./provider.js');
const { default: Provider } = await import('oidc-provider');

const accounts = new Map(Object.entries(JSON.parse(process.env.ACCOUNTS ?? '{}')));
let handler: ((request: IncomingMessage, response: ServerResponse) => void) | undefined;
const server = createServer((request, response) => {
  if (handler) return handler(request, response);
  response.statusCode = 503;
  response.end('not configured yet');
});
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
process.stdout.write(`ISSUER ${issuer}\n`);
// The clients come on stdin (one line of JSON), once the server they redirect to is listening.
let input = '';
process.stdin.on('data', (chunk) => {
  input += chunk;
  if (!input.includes('\n') || handler) return;
  const clients = JSON.parse(input.slice(0, input.indexOf('\n')));
  handler = new Provider(issuer, providerSettings(accounts as Map<string, never>, clients)).callback();
  process.stdout.write('READY\n');
});
process.on('SIGTERM', () => {
  server.closeAllConnections();
  server.close(() => process.exit(0));
});
