// API key expiry times: only strict RFC 3339 date-times with a zone, real calendar dates, years up
// to 9999, in the future. Everything else is a 422 naming expires_at with an example; accepted
// times are stored in UTC. Lenient parsing used to take '+010000-01-01T00:00:00Z' (then dead at
// once: times are compared as text), '2027-02-30' (as March 2), '2030' and 'Dec 25 2030 GMT+1400'.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { DomainError } from '../../src/domain/errors.js';
import { SYSTEM } from '../../src/domain/policies.js';
import { createApiKey } from '../../src/domain/apiKeys.js';
import { parseTime } from '../../src/lib/time.js';
import { backends } from '../helpers/databases.js';
import { call, makeUser, startTestServer, type Made, type TestServer } from '../helpers/http.js';
import { assertProblem, countRows } from '../http/support.js';

const YEAR = new Date().getUTCFullYear();
const isLeap = (y: number) => (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
/** The first leap year at least two years ahead, and the year after it (never a leap year). */
const LEAP = (() => {
  let y = YEAR + 2;
  while (!isLeap(y)) y++;
  return y;
})();
const NOT_LEAP = LEAP + 1;
const LATER = YEAR + 2;

const BAD = [
  '+010000-01-01T00:00:00Z',
  '10000-01-01T00:00:00Z',
  `${LATER}-02-30T00:00:00Z`,
  `${LATER}-02-30`,
  `${LATER}-04-31T00:00:00Z`,
  `${NOT_LEAP}-02-29T00:00:00Z`,
  `${LATER}`,
  `${LATER}-06`,
  `Dec 25 ${LATER} GMT+1400`,
  `${LATER}-01-01T00:00:00`,
  `${LATER}-01-01 00:00:00Z`,
  `${LATER}-01-01T24:00:00Z`,
  `${LATER}-01-01T12:60:00Z`,
  `${LATER}-01-01T12:00:60Z`,
  `${LATER}-13-01T00:00:00Z`,
  `${LATER}-00-10T00:00:00Z`,
  `${LATER}-01-00T00:00:00Z`,
  `${LATER}-01-01T00:00:00+24:00`,
  `${LATER}-01-01T00:00:00+05:60`,
  `${LATER}-01-01T00:00:00+0500`,
  `${LATER}-01-01T00:00:00.Z`,
  `${LATER}-1-01T00:00:00Z`,
  `${LATER}-01-01T00:00Z`,
  ` ${LATER}-01-01T00:00:00Z`,
  `${LATER}-01-01T00:00:00Z `,
  `${LATER}-01-01T00:00:00Z\n`,
  // Year 9999 at most, in UTC too.
  '9999-12-31T23:00:00-05:00',
  '2001-01-01T00:00:00Z',
  '',
];

function assertRefused(reply: { status: number; headers: Headers; body: any }, value: unknown): void {
  const body = assertProblem(reply, 422, 'validation_error');
  assert.equal(body.errors.length, 1, `${JSON.stringify(value)}: ${JSON.stringify(body.errors)}`);
  assert.equal(body.errors[0].pointer, '/expires_at', JSON.stringify(value));
  assert.match(body.errors[0].message, /e\.g\. \d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z/, JSON.stringify(value));
}

for (const backend of backends()) {
  describe(`API key expiry times (${backend.name})`, () => {
    let server: TestServer;
    let user: Made;
    before(async () => {
      server = await startTestServer(backend);
      user = await makeUser(server);
    });
    after(() => server.close());

    const create = (expires_at: unknown, key = user.apiKey, path = '/api/me/api-keys') => call(server, 'POST', path, { key, json: { name: 'k', expires_at } });

    it('every malformed, impossible or out-of-range time is a 422 naming expires_at with an example; nothing is written', async () => {
      const before = await countRows(server, 'api_keys');
      for (const value of [...BAD, 1893456000, true, {}, []]) {
        assertRefused(await create(value), value);
        assertRefused(await create(value, server.adminKey, `/api/users/${user.id}/api-keys`), value);
      }
      assert.equal(await countRows(server, 'api_keys'), before);
    });

    it('the literal examples of the report are refused', async () => {
      for (const value of ['+010000-01-01T00:00:00Z', '2027-02-30', '2030', 'Dec 25 2030 GMT+1400', '2027-02-29T00:00:00Z', '2027-02-29']) {
        assertRefused(await create(value), value);
      }
    });

    it('a time with an offset is stored in UTC', async () => {
      const reply = await create(`${LATER}-02-28T12:00:00+02:00`);
      assert.equal(reply.status, 200, JSON.stringify(reply.body));
      assert.equal(reply.body.expires_at, `${LATER}-02-28T10:00:00.000000+00:00`);
      const listed = (await call(server, 'GET', '/api/me/api-keys', { key: user.apiKey })).body.find((k: { id: string }) => k.id === reply.body.id);
      assert.equal(listed.expires_at, `${LATER}-02-28T10:00:00.000000+00:00`);
      // The key works: a far expiry is not "expired" when compared with the clock.
      assert.equal((await call(server, 'GET', '/api/me', { key: reply.body.api_key })).status, 200);
    });

    it('the examples of the report, while in the future: 2027-02-28T12:00:00+02:00 and 2028-02-29', async (t) => {
      if (Date.now() >= Date.parse('2027-02-28T10:00:00Z')) return t.skip('2027-02-28 has passed');
      const reply = await create('2027-02-28T12:00:00+02:00');
      assert.equal(reply.status, 200, JSON.stringify(reply.body));
      assert.equal(reply.body.expires_at, '2027-02-28T10:00:00.000000+00:00');
      const leap = await create('2028-02-29T00:00:00Z');
      assert.equal(leap.status, 200, JSON.stringify(leap.body));
      assert.equal(leap.body.expires_at, '2028-02-29T00:00:00.000000+00:00');
    });

    it('a leap day is accepted in a leap year; negative offsets, fractions, lower-case t and z, and year 9999 too', async () => {
      const cases: Array<[string, string]> = [
        [`${LEAP}-02-29T00:00:00Z`, `${LEAP}-02-29T00:00:00.000000+00:00`],
        [`${LATER}-12-31T23:30:00-01:00`, `${LATER + 1}-01-01T00:30:00.000000+00:00`],
        [`${LATER}-06-01T08:00:00.123456789Z`, `${LATER}-06-01T08:00:00.123456+00:00`],
        [`${LATER}-06-01T08:00:00.5+14:00`, `${LATER}-05-31T18:00:00.500000+00:00`],
        [`${LATER}-06-01t08:00:00z`, `${LATER}-06-01T08:00:00.000000+00:00`],
        ['9999-12-31T23:59:59Z', '9999-12-31T23:59:59.000000+00:00'],
        ['9999-12-31T23:59:59+01:00', '9999-12-31T22:59:59.000000+00:00'],
      ];
      for (const [given, stored] of cases) {
        const reply = await create(given);
        assert.equal(reply.status, 200, `${given}: ${JSON.stringify(reply.body)}`);
        assert.equal(reply.body.expires_at, stored, given);
      }
    });

    it('the domain (the command line\'s way in) refuses the same times', async () => {
      for (const value of ['2030', `${NOT_LEAP}-02-29T00:00:00Z`, '+010000-01-01T00:00:00Z']) {
        await assert.rejects(
          () => createApiKey(server.database, SYSTEM, user.id, { name: 'cli', expires_at: value }),
          (error: unknown) => error instanceof DomainError && error.code === 'validation_error' && error.errors[0]?.field === 'expires_at',
        );
      }
    });

    it('the audit log\'s since and until take the same strict times', async () => {
      for (const value of [`${LATER}-02-30T00:00:00Z`, '2030', 'Dec 25 2030 GMT+1400']) {
        const reply = await call(server, 'GET', `/api/audit-events?since=${encodeURIComponent(value)}`, { key: server.adminKey });
        assertProblem(reply, 422, 'validation_error');
      }
      const ok = await call(server, 'GET', `/api/audit-events?since=${encodeURIComponent('2020-01-01T00:00:00+02:00')}`, { key: server.adminKey });
      assert.equal(ok.status, 200, JSON.stringify(ok.body));
    });
  });
}

describe('parseTime', () => {
  it('reads RFC 3339 date-times with a zone into the stored UTC form, and nothing else', () => {
    assert.equal(parseTime('2027-02-28T12:00:00+02:00'), '2027-02-28T10:00:00.000000+00:00');
    assert.equal(parseTime('2028-02-29T00:00:00Z'), '2028-02-29T00:00:00.000000+00:00');
    assert.equal(parseTime('2000-02-29T00:00:00Z'), '2000-02-29T00:00:00.000000+00:00');
    assert.equal(parseTime('1900-02-29T00:00:00Z'), null);
    assert.equal(parseTime('2027-02-29T00:00:00Z'), null);
    assert.equal(parseTime('0001-01-01T00:00:00Z'), '0001-01-01T00:00:00.000000+00:00');
    assert.equal(parseTime('0050-06-01T00:00:00Z'), '0050-06-01T00:00:00.000000+00:00');
    assert.equal(parseTime('2026-11-29T20:02:16.795123Z'), '2026-11-29T20:02:16.795123+00:00');
    assert.equal(parseTime('2026-11-29T20:02:16.7Z'), '2026-11-29T20:02:16.700000+00:00');
    for (const bad of BAD.slice(0, -2)) assert.equal(parseTime(bad), null, bad);
  });
});
