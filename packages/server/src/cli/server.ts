// `argilla server start`: serve the API until SIGTERM or SIGINT, then stop gracefully. With
// `--workers N` (N > 1) a primary process prepares the database once, then forks N workers that
// share the port (Node's cluster module); it restarts a worker that dies and, on a stop signal,
// stops them all gracefully.
import cluster from 'node:cluster';
import { createServer, type AddressInfo } from 'node:net';
import { InvalidArgumentError, type Command } from 'commander';
import type { Config } from '../config.js';
import { openDatabase } from '../db/connect.js';
import { prepareDatabase, StartupError } from '../prepare.js';
import { TaskError } from '../tasks/io.js';
import type { ActionFactory } from './shared.js';
import { VERSION } from '../version.js';
import { releaseStartupMemory } from '../lib/memory.js';
import { setHashingThreads } from '../lib/passwords.js';
import { availableParallelism } from 'node:os';

function parsePort(value: string): number {
  if (!/^\d+$/.test(value) || Number(value) > 65535) throw new InvalidArgumentError('must be a port number from 0 to 65535.');
  return Number(value);
}

function parseWorkers(value: string): number {
  if (!/^\d+$/.test(value) || Number(value) < 1 || Number(value) > 256) throw new InvalidArgumentError('must be a number from 1 to 256.');
  return Number(value);
}

function freePort(host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, host, () => {
      const { port } = probe.address() as AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

/** Resolves on the first SIGTERM or SIGINT, with its name. Installed before anything starts. */
function stopSignal(): Promise<string> {
  return new Promise((resolve) => {
    process.once('SIGTERM', () => resolve('SIGTERM'));
    process.once('SIGINT', () => resolve('SIGINT'));
  });
}

function startupFailure(error: unknown, settings: Config): Error {
  if (error instanceof StartupError) return new TaskError(error.message);
  const e = error as { code?: string };
  if (e.code === 'EADDRINUSE' || e.code === 'EACCES' || e.code === 'EADDRNOTAVAIL') {
    return new TaskError(`Cannot listen on ${settings.host}:${settings.port}: ${e.code}. Choose another --port or --host.`);
  }
  return error as Error;
}

/** One process serving: the whole server, or one worker of a cluster (prepare = false). */
async function serve(settings: Config, prepare: boolean): Promise<void> {
  // Handlers go in before the server starts: a signal arriving between "listening" and their
  // registration would otherwise kill the process without a graceful stop.
  const signal = stopSignal();
  let running;
  try {
    // The HTTP server's modules load here, not with the command line: other commands (and a
    // cluster's primary) start faster and smaller without them.
    const { startServer } = await import('../main.js');
    running = await startServer(settings, { prepare });
  } catch (error) {
    throw startupFailure(error, settings);
  }
  releaseStartupMemory();
  if (cluster.isWorker) process.send?.({ listening: running.url });
  const name = await signal;
  process.stdout.write(`Received ${name}: finishing requests in flight, then stopping.\n`);
  await running.stop();
  // A worker's channel to the primary would keep it alive: close it, and the process ends.
  if (cluster.isWorker) cluster.worker?.disconnect();
}

async function serveCluster(settings: Config, workers: number): Promise<void> {
  const signal = stopSignal();
  const database = await openDatabase(settings.database, { poolSize: 1 });
  try {
    await prepareDatabase(settings, database, (message) => process.stdout.write(`${message}\n`));
  } catch (error) {
    throw startupFailure(error, settings);
  } finally {
    await database.close();
  }
  releaseStartupMemory();
  // Workers asking for port 0 would each wait on a port of their own: the primary picks one for all.
  const port = settings.port === 0 ? await freePort(settings.host) : settings.port;
  let stopping = false;
  const listening = new Set<number>();
  const fork = () => {
    // The workers take host and port from here, not from the command line they re-run.
    const worker = cluster.fork({ ARGILLA_HOST: settings.host, ARGILLA_PORT: String(port) });
    worker.on('message', (message: { listening?: string }) => {
      // Announced once, when every worker accepts connections.
      if (!message.listening || listening.size === workers) return;
      listening.add(worker.id);
      if (listening.size === workers) {
        process.stdout.write(`Argilla server ${VERSION} listening on ${message.listening} (${workers} workers)\n`);
      }
    });
    worker.on('exit', (code, signalName) => {
      if (stopping) return;
      process.stderr.write(`Worker ${worker.process.pid} exited (${signalName ?? code}); starting another.\n`);
      setTimeout(fork, 1000);
    });
  };
  for (let i = 0; i < workers; i++) fork();
  const name = await signal;
  stopping = true;
  process.stdout.write(`Received ${name}: stopping ${workers} workers gracefully.\n`);
  const all = Object.values(cluster.workers ?? {}).filter((w) => w !== undefined);
  await Promise.all(
    all.map(
      (worker) =>
        new Promise<void>((resolve) => {
          if (worker.isDead()) return resolve();
          worker.once('exit', () => resolve());
          worker.process.kill('SIGTERM');
        }),
    ),
  );
}

export function registerServerCommands(program: Command, action: ActionFactory): void {
  const server = program.command('server').description('Run the HTTP server.');
  server
    .command('start')
    .description('Migrate the database if needed, create the default user on an empty database, and serve the API.')
    .option('--host <host>', 'address to listen on (default: ARGILLA_HOST or 0.0.0.0)')
    .option('--port <port>', 'port to listen on (default: ARGILLA_PORT or 6900)', parsePort)
    .option('--workers <n>', 'server processes sharing the port (default: ARGILLA_WORKERS or 1)', parseWorkers)
    .action(
      action(async (config, options: { host?: string; port?: number; workers?: number }) => {
        const settings = { ...config, host: options.host ?? config.host, port: options.port ?? config.port };
        const workers = options.workers ?? config.workers;
        // Workers on one host share its cores for hashing too: the host keeps one hashing thread per core.
        setHashingThreads(Math.max(1, Math.floor(availableParallelism() / workers)));
        if (cluster.isWorker) return serve({ ...settings, host: config.host, port: config.port }, false);
        if (workers > 1) return serveCluster(settings, workers);
        return serve(settings, true);
      }),
    );
}
