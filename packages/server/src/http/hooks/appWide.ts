// Fastify keeps a plugin's hooks, handlers and decorations inside the plugin's own scope. The
// plugins of hooks/ must reach every route, so each is marked to run in the scope that registers
// it, the mark fastify-plugin sets (the server does not depend on fastify-plugin itself).
import type { FastifyPluginCallback } from 'fastify';

/** `plugin`, applying to the app that registers it rather than to a scope of its own. */
export function appWide<Options extends object = Record<never, never>>(name: string, plugin: FastifyPluginCallback<Options>): FastifyPluginCallback<Options> {
  return Object.assign(plugin, { [Symbol.for('skip-override')]: true, [Symbol.for('fastify.display-name')]: name });
}
