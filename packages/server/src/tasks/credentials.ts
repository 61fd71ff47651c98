// Command-line tasks on API keys and the audit log.
import type { Database } from '../db/connect.js';
import { createApiKey, listApiKeys, revokeApiKey } from '../domain/apiKeys.js';
import { listAuditEvents, type AuditQuery } from '../domain/audit.js';
import { SYSTEM } from '../domain/policies.js';
import { getUserByUsername } from '../domain/users.js';
import { table, type Io } from './io.js';

export async function listKeysTask(database: Database, username: string, io: Io): Promise<void> {
  const user = await getUserByUsername(database, SYSTEM, username);
  const keys = await listApiKeys(database, SYSTEM, user.id);
  const rows = [['id', 'name', 'preview', 'created_at', 'last_used_at', 'expires_at']];
  for (const k of keys) rows.push([k.id, k.name, k.preview, k.created_at, k.last_used_at ?? '-', k.expires_at ?? '-']);
  for (const line of table(rows)) io.out(line);
  io.out(`${keys.length} key${keys.length === 1 ? '' : 's'} of user '${username}'`);
}

export async function createKeyTask(database: Database, username: string, options: { name: string; expiresAt?: string }, io: Io): Promise<void> {
  const user = await getUserByUsername(database, SYSTEM, username);
  const { key, apiKey } = await createApiKey(database, SYSTEM, user.id, { name: options.name, expires_at: options.expiresAt });
  io.out(`API key '${key.name}' created for user '${username}' (id ${key.id}${key.expires_at ? `, expires ${key.expires_at}` : ''}):`);
  io.out(apiKey);
  io.out('It is shown this once: store it now.');
}

export async function revokeKeyTask(database: Database, username: string, keyId: string, io: Io): Promise<void> {
  const user = await getUserByUsername(database, SYSTEM, username);
  const key = await revokeApiKey(database, SYSTEM, user.id, keyId);
  io.out(`API key '${key.name}' (${key.preview}) of user '${username}' revoked.`);
}

export async function listAuditTask(database: Database, query: AuditQuery & { json?: boolean }, io: Io): Promise<void> {
  const { items, next_cursor } = await listAuditEvents(database, SYSTEM, query);
  if (query.json) {
    io.out(JSON.stringify({ items, next_cursor }, null, 2));
    return;
  }
  const rows = [['created_at', 'type', 'actor', 'target', 'ip', 'data']];
  for (const e of items) {
    rows.push([e.created_at, e.type, e.actor_username ?? '-', e.target_id ? `${e.target_type}:${e.target_id}` : '-', e.ip ?? '-', JSON.stringify(e.data)]);
  }
  for (const line of table(rows)) io.out(line);
  if (next_cursor) io.out(`More: --cursor ${next_cursor}`);
}
