// `argilla server start`: serve the API until SIGTERM or SIGINT, then stop gracefully.
import { InvalidArgumentError, type Command } from 'commander';
import type { Config } from '../config.js';
import { startServer, StartupError } from '../main.js';
import { TaskError } from '../tasks/io.js';

type ActionFactory = <A extends unknown[]>(work: (config: Config, ...args: A) => Promise<void>) => (...args: A) => Promise<void>;

function parsePort(value: string): number {
  if (!/^\d+$/.test(value) || Number(value) > 65535) throw new InvalidArgumentError('must be a port number from 0 to 65535.');
  return Number(value);
}

export function registerServerCommands(program: Command, action: ActionFactory): void {
  const server = program.command('server').description('Run the HTTP server.');
  server
    .command('start')
    .description('Migrate the database if needed, create the default user on an empty database, and serve the API.')
    .option('--host <host>', 'address to listen on (default: ARGILLA_HOST or 0.0.0.0)')
    .option('--port <port>', 'port to listen on (default: ARGILLA_PORT or 6900)', parsePort)
    .action(
      action(async (config, options: { host?: string; port?: number }) => {
        const settings = { ...config, host: options.host ?? config.host, port: options.port ?? config.port };
        // Signal handlers go in before the server starts: a signal arriving between "listening"
        // and their registration would otherwise kill the process without a graceful stop.
        let signalled: string | undefined;
        let wake: () => void = () => {};
        const stopSignal = new Promise<void>((resolve) => (wake = resolve));
        const onSignal = (signal: string) => {
          signalled ??= signal;
          wake();
        };
        process.once('SIGTERM', onSignal);
        process.once('SIGINT', onSignal);
        let running;
        try {
          running = await startServer(settings);
        } catch (error) {
          if (error instanceof StartupError) throw new TaskError(error.message);
          const e = error as { code?: string; message?: string };
          if (e.code === 'EADDRINUSE' || e.code === 'EACCES' || e.code === 'EADDRNOTAVAIL') {
            throw new TaskError(`Cannot listen on ${settings.host}:${settings.port}: ${e.code}. Choose another --port or --host.`);
          }
          throw error;
        }
        await stopSignal;
        process.stdout.write(`Received ${signalled}: finishing requests in flight, then stopping.\n`);
        await running.stop();
      }),
    );
}
