// The ceiling for the request path: a bare node:http server answering a fixed JSON body of a given size.
import { createServer } from 'node:http';

const size = Number(process.argv[2] ?? 300);
const body = JSON.stringify({ padding: 'x'.repeat(Math.max(0, size - 14)) });
const server = createServer((req, res) => {
  res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body) });
  res.end(body);
});
server.listen(0, '127.0.0.1', () => process.stdout.write(`${server.address().port}\n`));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
