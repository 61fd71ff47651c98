// Start-up tasks, done once per start however many processes serve. Kept apart from the HTTP
// server (main.ts) so that a cluster's primary, which only prepares, never loads it.
import type { Config } from './config.js';
import type { Database } from './db/connect.js';
import { migrateToLatest } from './db/migrate.js';
import { createDefaultUserIfEmpty, defaultCredentialsInUse } from './domain/defaultUser.js';
import { stopIdleHashingThreads } from './lib/passwords.js';

export class StartupError extends Error {}

/**
 * Start-up tasks, done once per start however many processes serve: migrate, create the default
 * admin on an empty database, warn (or, in production, refuse) while default credentials work.
 */
export async function prepareDatabase(config: Config, database: Database, log: (message: string) => void): Promise<void> {
  const applied = await migrateToLatest(database.db);
  for (const step of applied) log(`Running upgrade ${step.from ?? '<base>'} -> ${step.to}, ${step.description}`);
  if (config.defaultUser.enabled) {
    const outcome = await createDefaultUserIfEmpty(database, { ...config.defaultUser });
    if (outcome.created) log(`Created the default user 'argilla' (role ${outcome.user.role}, workspace 'argilla') on this empty database.`);
  }
  const inUse = await defaultCredentialsInUse(database);
  // That check hashed a password: free the hashing thread now rather than keep it while idle.
  await stopIdleHashingThreads();
  if (inUse.password || inUse.apiKey) {
    const which = [inUse.password && "password '1234'", inUse.apiKey && "API key 'argilla.apikey'"].filter(Boolean).join(' and ');
    const how =
      "change the password with 'argilla users update argilla --password ...' and replace the key with 'argilla users api-keys create argilla', then 'argilla users api-keys revoke argilla <id>'";
    if (config.env === 'production') {
      throw new StartupError(`Refusing to start in production: the default ${which} of user 'argilla' still work; ${how}.`);
    }
    log(`WARNING: the default ${which} of user 'argilla' still work. Anyone can log in as admin: ${how}.`);
  }
}
