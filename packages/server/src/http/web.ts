// The web UI: the files `npm run build` leaves in packages/web/dist, served at `/` (index.html) and
// `/assets/...`, with security headers. The API stays under /api: only files that exist in the
// build are routes here, so an unknown /api path still answers the 404 problem. Without a build
// (the server used on its own, or a test), nothing is registered and nothing is logged.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply } from 'fastify';

/** packages/web/dist, from this file in packages/server/src/http or packages/server/dist/http. */
export const WEB_DIST_DIR = fileURLToPath(new URL('../../../web/dist', import.meta.url));

/**
 * Headers of every UI response. The build loads its script and stylesheet as files, so the policy
 * needs no inline script or style; API calls go to the same origin.
 */
export const WEB_SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'content-security-policy':
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
};

/** The app decorator naming the folder the UI is served from, once registered. */
const SERVED_FROM = 'webUiDistDir';

export interface WebUiOptions {
  /** the folder holding index.html and assets/ (default: packages/web/dist) */
  distDir?: string;
}

/** Serves the web UI from `distDir` when it holds a build; otherwise does nothing. */
export async function registerWebUi(app: FastifyInstance, options: WebUiOptions = {}): Promise<void> {
  const distDir = options.distDir ?? WEB_DIST_DIR;
  if (!existsSync(join(distDir, 'index.html'))) return;
  // Registered once per app, so a caller (a test) may register it whether buildApp did or not.
  if (app.hasDecorator(SERVED_FROM)) return;
  app.decorate(SERVED_FROM, distDir);

  await app.register(async (scope) => {
    // The UI's files are public (no credentials: the page logs in itself) and not API operations.
    scope.addHook('onRoute', (route) => {
      route.config = { ...(route.config as object), auth: false } as typeof route.config;
      route.schema = { ...route.schema, hide: true };
    });
    scope.addHook('onSend', async (_request, reply, payload) => {
      for (const [name, value] of Object.entries(WEB_SECURITY_HEADERS)) reply.header(name, value);
      return payload;
    });
    // The build names assets by content hash: they never change and can be cached for good.
    // index.html names the current ones, so it is always revalidated.
    const files = {
      decorateReply: false,
      dotfiles: 'ignore' as const,
      cacheControl: false,
      setHeaders: (reply: FastifyReply, path: string) => {
        reply.header('cache-control', /[\\/]assets[\\/]/.test(path) ? 'public, max-age=31536000, immutable' : 'no-cache');
      },
    };
    // The top-level files (index.html at /, the icon): one route per file present at start, so
    // other paths fall through to the app's 404 problem, /api/... included.
    await scope.register(fastifyStatic, { ...files, root: distDir, prefix: '/', wildcard: false, index: ['index.html'], globIgnore: ['assets/**'] });
    // assets/: any file there, so a rebuild while the server runs (new hashed names) is served too.
    const assets = join(distDir, 'assets');
    if (existsSync(assets)) await scope.register(fastifyStatic, { ...files, root: assets, prefix: '/assets/', wildcard: true, index: false });
  });
}
