import { it } from 'node:test';
import { backends } from '../helpers/databases.js';
import { makeUser, call } from '../helpers/http.js';
import { startServer } from './support.js';
for (const backend of backends().slice(0,1)) {
  it(`rotate ${backend.name}`, async () => {
    const server = await startServer(backend);
    const user = await makeUser(server);
    const k1 = (await call(server, 'POST', '/api/me/api-keys', { key: user.apiKey, json: { name: 'x' } })).body;
    const k2 = (await call(server, 'POST', `/api/me/api-keys/${k1.id}/rotate`, { key: user.apiKey })).body;
    const k3 = (await call(server, 'POST', `/api/me/api-keys/${k1.id}/rotate`, { key: user.apiKey })).body;
    console.log(k1, k2, k3);
    const e = (await call(server, 'POST', '/api/me/api-keys', { key: user.apiKey, json: { name: 'e', expires_at: new Date(Date.now()+800).toISOString() } })).body;
    await new Promise(r => setTimeout(r, 900));
    const r = await call(server, 'POST', `/api/me/api-keys/${e.id}/rotate`, { key: user.apiKey });
    console.log(r.status, r.body, (await call(server, 'GET', '/api/me', { key: r.body.api_key })).status);
    console.log((await call(server, 'GET', '/api/me/api-keys', { key: user.apiKey })).body);
    await server.close();
  });
}
