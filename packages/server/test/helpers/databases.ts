// The test databases live in the server's test kit (src/testkit), shared with the client's and the
// web UI's tests; the server's suites keep importing them from here.
export { backends, freshDatabase, tempDir, type TestBackend, type TestDatabase } from '../../src/testkit/databases.js';
