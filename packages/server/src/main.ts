// Starting the server: open the database, migrate, make a fresh installation usable, serve, and
// stop gracefully.
import type { Config } from './config.js';
import { openDatabase, type Database } from './db/connect.js';
import { buildApp, type App } from './http/app.js';
import { registerWebUi } from './http/web.js';
import { prepareDatabase } from './prepare.js';
import { VERSION } from './version.js';

export { prepareDatabase, StartupError } from './prepare.js';

export interface RunningServer {
  app: App;
  database: Database;
  url: string;
  stop(): Promise<void>;
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
