// Starting the server: open the database, migrate, make a fresh installation usable, serve, and
// stop gracefully.
import type { Config } from './config.js';
import { openDatabase, type Database } from './db/connect.js';
import { migrateToLatest } from './db/migrate.js';
import { createDefaultUserIfEmpty, defaultCredentialsInUse } from './domain/defaultUser.js';
import { buildApp, type App } from './http/app.js';
import { registerWebUi } from './http/web.js';
import { VERSION } from './version.js';
import { stopIdleHashingThreads } from './lib/passwords.js';

export interface RunningServer {
  app: App;
  database: Database;
  url: string;
  stop(): Promise<void>;
}

export class StartupError extends Error {}

/**
 * Start-up tasks, done once per start however many processes serve: migrate, create the default
 * admin on an empty database, warn (or, in production, refuse) while default credentials work.
 */
export async function prepareDatabase(config: Config, database: Database, log: (message: string) => void): Promise<void> {
  const applied = await migrateToLatest(database.db);
  for (const step of applied) log(`Running upgrade ${step.from ?? '<base>'} -> ${step.to}, ${step.description}`);
  if (config.defaultUser.enabled) {
    const outcome = await createDefaultUserIfEmpty(database, { password: config.defaultUser.password, apiKey: config.defaultUser.apiKey });
    if (outcome.created) log("Created the default admin 'argilla' (workspace 'argilla') on this empty database.");
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

export interface StartOptions {
  logStream?: NodeJS.WritableStream;
  /** false in the worker processes of a cluster: the primary has prepared the database */
  prepare?: boolean;
}

export async function startServer(config: Config, options: StartOptions = {}): Promise<RunningServer> {
  const database = await openDatabase(config.database, { poolSize: config.dbPoolSize });
  let app: App | undefined;
  const log = (message: string) => options.logStream?.write(`${message}\n`) ?? process.stdout.write(`${message}\n`);
  try {
    if (options.prepare ?? true) await prepareDatabase(config, database, log);
    app = await buildApp({ database, config, version: VERSION, logStream: options.logStream });
    // The web UI at / (when packages/web has been built).
    await registerWebUi(app);
    const address = await app.listen({ host: config.host, port: config.port });
    log(`Argilla server ${VERSION} listening on ${address} (${database.describe})`);
    const running = app;
    let stopping: Promise<void> | undefined;
    return {
      app: running,
      database,
      url: address,
      stop: () =>
        (stopping ??= (async () => {
          // Stop accepting, let requests in flight finish, then release the database. Keep-alive
          // connections that fall idle after the close began are closed as they do, rather than
          // holding the stop until their timeout.
          const reaper = setInterval(() => running.server.closeIdleConnections(), 50);
          try {
            await running.close();
          } finally {
            clearInterval(reaper);
          }
          // A handler whose client has gone away no longer holds a connection open, but may still
          // be working (a login waiting its turn, say): let it finish with the database (30 s at most).
          for (const started = Date.now(); running.handlersInFlight() > 0 && Date.now() - started < 30_000; ) {
            await new Promise((resolve) => setTimeout(resolve, 20));
          }
          await database.close();
        })()),
    };
  } catch (error) {
    await app?.close().catch(() => {});
    await database.close().catch(() => {});
    throw error;
  }
}
