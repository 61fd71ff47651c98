// @argilla-ts/server/testkit: what the tests of the client and the web UI need from the server, so
// that they import one entry point instead of reaching into the server's files. The server's own
// tests use the same pieces through test/helpers.
export { backends, freshDatabase, tempDir, type TestBackend, type TestDatabase } from './databases.js';
export {
  call,
  loginToken,
  makeUser,
  serveDatabase,
  startTestServer,
  type CallOptions,
  type Made,
  type MakeUserOptions,
  type Reply,
  type ServerOptions,
  type TestServer,
} from './servers.js';
export type { WireTypes } from './wire.js';
// For tests that assemble a server themselves (the web UI's, with its build served at /).
export { buildApp, type App, type AppDeps } from '../http/app.js';
export { registerWebUi, WEB_DIST_DIR, type WebUiOptions } from '../http/web.js';
export { createDefaultUser } from '../domain/defaultUser.js';
export { DEFAULT_API_KEY, DEFAULT_PASSWORD, DEFAULT_USERNAME } from '../config.js';
// Single sign-on settings, as the server reads them from its environment (for the web UI's sign-in test).
export { loadSsoConfig, type SsoConfig } from '../configSso.js';
