// Route handlers still running, counted for a graceful stop (main.ts waits for them): a handler
// runs on after its client disconnects, so open connections alone do not tell.
import { appWide } from './appWide.js';

declare module 'fastify' {
  interface FastifyInstance {
    /** how many route handlers are running now (for a graceful stop) */
    handlersInFlight(): number;
  }
}

export const handlersInFlight = appWide('handlers-in-flight', (app, _options, done) => {
  let running = 0;
  app.decorate('handlersInFlight', () => running);
  // Wraps the handler of every route registered from now on. A synchronous answer is counted
  // without a promise, so the hot routes that answer from a cache stay promise-free.
  app.addHook('onRoute', (route) => {
    const handler = route.handler as (this: unknown, ...args: unknown[]) => unknown;
    route.handler = function countedHandler(this: unknown, ...args: unknown[]) {
      running++;
      let result: unknown;
      try {
        result = handler.apply(this, args);
      } catch (error) {
        running--;
        throw error;
      }
      if (result instanceof Promise) return result.finally(() => running--);
      running--;
      return result;
    } as typeof route.handler;
  });
  done();
});
