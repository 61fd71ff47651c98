// Giving start-up memory back. Starting leaves garbage behind (module sources, schema compilers,
// migration and check queries) and a young generation grown to its largest; V8 returns that
// memory to the system only after some 25 seconds of quiet. One full collection right after start
// returns it at once, so a server that has just started is as small as one that has rested.
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

export function releaseStartupMemory(): void {
  try {
    // The collector is reachable from code only when exposed; exposing it here affects only the
    // new context that fetches it.
    setFlagsFromString('--expose-gc');
    const collect = runInNewContext('gc') as (options?: { type: 'major'; execution: 'sync'; flavor: 'last-resort' }) => void;
    // The thorough kind, that also shrinks the young generation and returns unused pages.
    collect({ type: 'major', execution: 'sync', flavor: 'last-resort' });
  } catch {
    // Not essential: memory is then given back later, by V8 itself.
  }
}
