// The load generator of the benchmark. A fixed GET (the request path's figures, and the bare
// ceiling) is sent by wrk when it is installed (Debian package `wrk`): written in C, it needs a
// fraction of the CPU that autocannon (JavaScript, in the benchmark's own process) needs for the
// same rate, which leaves the server's processes more of a 2-core machine. Requests that change
// each time (bodies, random pages) are sent by autocannon either way.
import { execFile, execFileSync } from 'node:child_process';
import autocannon from 'autocannon';

function hasWrk() {
  try {
    execFileSync('wrk', ['--version'], { stdio: 'ignore' });
    return true;
  } catch (error) {
    // `wrk --version` prints its version and exits with 1; only a missing command is "absent".
    return error.code !== 'ENOENT';
  }
}

export const generator = hasWrk() ? 'wrk' : 'autocannon';

/** A wrk duration ("532.10us", "1.80ms", "1.02s", "1.5m") in milliseconds. */
function millis(text) {
  const [, value, unit] = /^([\d.]+)(us|ms|s|m)$/.exec(text);
  return Number(value) * { us: 0.001, ms: 1, s: 1000, m: 60_000 }[unit];
}

function wrk({ url, headers = {}, connections, duration }) {
  const args = ['-t1', `-c${connections}`, `-d${Math.max(1, Math.round(duration))}s`, '--latency'];
  for (const [name, value] of Object.entries(headers)) args.push('-H', `${name}: ${value}`);
  return new Promise((resolve, reject) => {
    execFile('wrk', [...args, url], { encoding: 'utf8' }, (error, out) => {
      if (error) return reject(new Error(`wrk failed: ${error.message}`));
      const [, count, took] = /(\d+) requests in ([\d.]+\w+)/.exec(out);
      const total = Number(count);
      const seconds = millis(took) / 1000;
      const socket = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(out);
      const errors = Number(/Non-2xx or 3xx responses: (\d+)/.exec(out)?.[1] ?? 0) + (socket ? socket.slice(1).reduce((sum, n) => sum + Number(n), 0) : 0);
      const percentile = (p) => Number(millis(new RegExp(`^\\s+${p}%\\s+(\\S+)`, 'm').exec(out)[1]).toFixed(2));
      resolve({ total, rps: total / seconds, p50: percentile(50), p99: percentile(99), errors });
    });
  });
}

/**
 * One load run: { total, rps, p50, p99 (ms), errors }. Plain GETs of one URL go to wrk when it is
 * installed; anything else (`requests`, a method, a body) to autocannon.
 */
export async function runLoad(options) {
  const connections = options.connections ?? 50;
  if (generator === 'wrk' && !options.requests && !options.method && !options.body) return wrk({ ...options, connections });
  const result = await autocannon({ ...options, connections });
  return {
    total: result.requests.total,
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.non2xx + result.errors + result.timeouts,
  };
}
