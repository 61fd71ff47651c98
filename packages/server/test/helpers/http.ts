// The test server and its factories live in the server's test kit (src/testkit), shared with the
// client's and the web UI's tests; the server's suites keep importing them from here.
export * from '../../src/testkit/servers.js';
