// The Docker files read as text: docker-compose.yaml (parsed with `yaml`), Dockerfile and
// .dockerignore. No Docker engine runs here, so these check what a build would rely on instead.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { builtinModules } from 'node:module';
import { existsSync, lstatSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { dockerIgnored, execForm, parseCopy, parseDockerfile, readRepoFile, resolveInStage, ROOT, type Stage } from './support.js';

const composeText = readRepoFile('docker-compose.yaml');
const compose = parse(composeText);
const dockerfile = readRepoFile('Dockerfile');
const stages = parseDockerfile(dockerfile);
const dockerignore = readRepoFile('.dockerignore');
const rootPackage = JSON.parse(readRepoFile('package.json'));

const runtime = stages.at(-1)!;
const build = stages[0]!;
const TOOLCHAIN = /\b(apt-get|apt|apk|yum|dnf)\b|python3|g\+\+|\bgcc\b|build-essential|\bmake\b/;

function all(stage: Stage, keyword: string): string[] {
  return stage.instructions.filter((i) => i.keyword === keyword).map((i) => i.args);
}

/** The stage's WORKDIR before each instruction, with the instruction. */
function withWorkdir(stage: Stage): Array<{ workdir: string; keyword: string; args: string }> {
  let workdir = '/';
  return stage.instructions.map((i) => {
    if (i.keyword === 'WORKDIR') workdir = resolveInStage(workdir, i.args);
    return { workdir, ...i };
  });
}

/** Un-comments the lines that match, keeping their indentation, as a user following the comments would. */
function uncomment(text: string, lines: RegExp): string {
  return text
    .split('\n')
    .map((line) => (lines.test(line) ? line.replace(/^(\s*)# /, '$1') : line))
    .join('\n');
}

describe('docker-compose.yaml', () => {
  const argilla = compose.services?.argilla;

  it('has an argilla service built from the Dockerfile, publishing 6900:6900, restarted unless stopped', () => {
    assert.ok(argilla, 'services.argilla');
    assert.equal(argilla.build.context, '.');
    assert.equal(argilla.build.dockerfile ?? 'Dockerfile', 'Dockerfile');
    assert.ok(existsSync(join(ROOT, argilla.build.context, argilla.build.dockerfile ?? 'Dockerfile')));
    assert.match(argilla.image, /^argilla-ts(:|$)/);
    assert.ok(argilla.ports.map(String).includes('6900:6900'), JSON.stringify(argilla.ports));
    assert.equal(argilla.restart, 'unless-stopped');
    assert.equal(argilla.profiles, undefined, 'argilla starts without a profile');
  });

  it('keeps the data in the named volume argilla-data at /var/lib/argilla', () => {
    assert.equal(argilla.environment.ARGILLA_HOME_PATH, '/var/lib/argilla');
    assert.ok(argilla.volumes.includes('argilla-data:/var/lib/argilla'), JSON.stringify(argilla.volumes));
    assert.ok(compose.volumes && 'argilla-data' in compose.volumes, 'top-level volumes declares argilla-data');
  });

  it('has a healthcheck, the same command as the Dockerfile HEALTHCHECK', () => {
    const test: string[] = argilla.healthcheck.test;
    assert.equal(test[0], 'CMD');
    assert.match(test.join(' '), /\/api\/_status/);
    const inDockerfile = all(runtime, 'HEALTHCHECK')[0]!;
    const command = execForm(inDockerfile.slice(inDockerfile.indexOf('CMD') + 3).trim());
    assert.deepEqual(test.slice(1), command);
  });

  it('shows the users-file mount and ARGILLA_LOCAL_AUTH_USERS_DB_FILE commented out, as the original guide does', () => {
    assert.match(composeText, /^\s+# - \$\{PWD\}\/\.users\.yml:\/config\/\.users\.yml$/m);
    assert.match(composeText, /^\s+# ARGILLA_LOCAL_AUTH_USERS_DB_FILE: \/config\/\.users\.yml$/m);
    assert.equal(argilla.environment.ARGILLA_LOCAL_AUTH_USERS_DB_FILE, undefined);
    // Un-commented, they land where they belong.
    const enabled = parse(uncomment(composeText, /# (- \$\{PWD\}\/\.users\.yml|ARGILLA_LOCAL_AUTH_USERS_DB_FILE:)/)).services.argilla;
    assert.ok(enabled.volumes.includes('${PWD}/.users.yml:/config/.users.yml'));
    assert.equal(enabled.environment.ARGILLA_LOCAL_AUTH_USERS_DB_FILE, '/config/.users.yml');
  });

  it('comments examples for the default user variables and ARGILLA_ENV', () => {
    for (const name of ['ARGILLA_DEFAULT_USER_PASSWORD', 'ARGILLA_DEFAULT_USER_API_KEY', 'ARGILLA_DEFAULT_USER_ENABLED', 'ARGILLA_ENV']) {
      assert.match(composeText, new RegExp(`^\\s+# ${name}: \\S`, 'm'), name);
    }
  });

  it('runs PostgreSQL 15 only under the "postgres" profile, with its own volume and a pg_isready healthcheck', () => {
    const postgres = compose.services.postgres;
    assert.ok(postgres, 'services.postgres');
    assert.match(postgres.image, /^postgres:15/);
    assert.deepEqual(postgres.profiles, ['postgres']);
    const volume = postgres.volumes.find((v: string) => v.endsWith(':/var/lib/postgresql/data'));
    assert.ok(volume, 'a volume at /var/lib/postgresql/data');
    assert.ok(volume.split(':')[0] in compose.volumes, 'its volume is a named one');
    assert.notEqual(volume.split(':')[0], 'argilla-data');
    assert.match(postgres.healthcheck.test.join(' '), /pg_isready/);
    // A depends_on on a service whose profile is off would make a plain `docker compose up` fail.
    assert.equal(argilla.depends_on, undefined);
  });

  it('switches argilla to PostgreSQL when its commented lines are enabled, with matching credentials', () => {
    const enabled = parse(uncomment(composeText, /# (ARGILLA_DATABASE_URL:|depends_on:|  postgres:|    condition:)/)).services;
    const url = new URL(enabled.argilla.environment.ARGILLA_DATABASE_URL);
    assert.equal(url.protocol, 'postgresql:');
    assert.ok(url.hostname in enabled, `the URL's host '${url.hostname}' is a service`);
    const db = enabled[url.hostname].environment;
    assert.equal(url.username, db.POSTGRES_USER);
    assert.equal(url.password, db.POSTGRES_PASSWORD);
    assert.equal(url.pathname, `/${db.POSTGRES_DB}`);
    assert.equal(enabled.argilla.depends_on[url.hostname].condition, 'service_healthy');
  });
});

describe('Dockerfile', () => {
  it('has a build stage and a runtime stage, both node:20-bookworm-slim', () => {
    assert.ok(stages.length >= 2, `${stages.length} FROM`);
    const images = dockerfile.match(/^ARG NODE_IMAGE=(\S+)$/m)?.[1];
    for (const stage of [build, runtime]) {
      const image = stage.image === '${NODE_IMAGE}' ? images : stage.image;
      assert.equal(image, 'node:20-bookworm-slim');
    }
    assert.ok(build.name, 'the build stage is named');
  });

  it('installs the compilers only in the build stage', () => {
    assert.match(all(build, 'RUN').join('\n'), /apt-get install .*python3 make g\+\+/);
    for (const instruction of runtime.instructions) {
      assert.doesNotMatch(`${instruction.keyword} ${instruction.args}`, TOOLCHAIN);
    }
  });

  it('builds with npm ci and npm run build, then drops the dev dependencies', () => {
    const runs = all(build, 'RUN').join('\n');
    assert.match(runs, /npm ci\b/);
    assert.match(runs, /npm run build/);
    assert.match(runs, /npm prune --omit=dev/);
  });

  it('copies the lock file and every workspace manifest before npm ci', () => {
    const steps = build.instructions;
    const ci = steps.findIndex((i) => i.keyword === 'RUN' && /npm ci\b/.test(i.args));
    const before = steps.slice(0, ci).filter((i) => i.keyword === 'COPY').flatMap((i) => parseCopy(i.args).sources);
    for (const file of ['package.json', 'package-lock.json', ...rootPackage.workspaces.map((w: string) => `${w}/package.json`)]) {
      assert.ok(before.includes(file), `${file} is copied before npm ci`);
    }
  });

  it('copies only files that exist and that .dockerignore lets into the build context', () => {
    for (const stage of stages) {
      for (const instruction of all(stage, 'COPY')) {
        const copy = parseCopy(instruction);
        if (copy.from) continue;
        for (const source of copy.sources) {
          assert.ok(existsSync(join(ROOT, source)), `${source} exists`);
          assert.equal(dockerIgnored(source, dockerignore), false, `${source} is not in .dockerignore`);
        }
      }
    }
  });

  it('rebuilds every dependency that has an install script (allowScripts), since npm ci runs with --ignore-scripts', () => {
    assert.match(all(build, 'RUN').join('\n'), /npm ci --ignore-scripts[\s\S]*npm rebuild .*allowScripts/);
    const withScripts = new Set<string>();
    const visit = (modules: string) => {
      if (!existsSync(modules)) return;
      for (const entry of readdirSync(modules)) {
        if (entry.startsWith('.')) continue;
        const dirs = entry.startsWith('@') ? readdirSync(join(modules, entry)).map((e) => join(modules, entry, e)) : [join(modules, entry)];
        for (const dir of dirs) {
          if (lstatSync(dir).isSymbolicLink() || !existsSync(join(dir, 'package.json'))) continue; // the workspace link
          const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
          const scripts = manifest.scripts ?? {};
          if (scripts.preinstall || scripts.install || scripts.postinstall || existsSync(join(dir, 'binding.gyp'))) withScripts.add(manifest.name);
          visit(join(dir, 'node_modules'));
        }
      }
    };
    visit(join(ROOT, 'node_modules'));
    assert.ok(withScripts.has('better-sqlite3'), 'the scan finds better-sqlite3');
    assert.deepEqual([...withScripts].filter((name) => !(name in rootPackage.allowScripts)), []);
  });

  it('runs as a non-root user, from /app, with the data folder /var/lib/argilla as a volume', () => {
    const users = all(runtime, 'USER');
    assert.ok(users.length > 0, 'a USER instruction');
    const user = users.at(-1)!.split(':')[0]!;
    assert.ok(!['root', '0'].includes(user), `USER ${user}`);
    assert.match(all(runtime, 'ENV').join(' '), /\bARGILLA_HOME_PATH=\/var\/lib\/argilla\b/);
    assert.ok(all(runtime, 'VOLUME').some((v) => v.includes('/var/lib/argilla')));
    const chown = all(runtime, 'RUN').find((r) => /chown/.test(r));
    assert.match(chown ?? '', new RegExp(`chown ${user}(:\\S+)? /var/lib/argilla`));
    assert.equal(withWorkdir(runtime).at(-1)!.workdir, '/app');
  });

  it('exposes 6900, checks /api/_status with node, and enters through /app/docker/entrypoint.sh', () => {
    assert.ok(all(runtime, 'EXPOSE').some((e) => e.split(/\s+/).includes('6900')));
    const healthcheck = all(runtime, 'HEALTHCHECK')[0] ?? '';
    assert.match(healthcheck, /CMD \["node", "-e", ".*\/api\/_status/);
    const entrypoint = execForm(all(runtime, 'ENTRYPOINT').at(-1) ?? '');
    assert.deepEqual(entrypoint, ['/app/docker/entrypoint.sh']);
    const copied = withWorkdir(runtime)
      .filter((i) => i.keyword === 'COPY')
      .map((i) => ({ ...parseCopy(i.args), workdir: i.workdir }))
      .find((c) => c.sources.includes('docker/entrypoint.sh'));
    assert.ok(copied, 'the runtime stage copies docker/entrypoint.sh');
    assert.equal(resolveInStage(copied.workdir, copied.destination), '/app/docker/entrypoint.sh');
    assert.equal(copied.chmod, '0755');
  });

  it('copies only the runtime files into the runtime stage, and no root package.json (its "bin" breaks npx for a non-root user)', () => {
    const copies = withWorkdir(runtime)
      .filter((i) => i.keyword === 'COPY')
      .map((i) => ({ ...parseCopy(i.args), workdir: i.workdir }));
    const destinations = copies.map((c) => resolveInStage(c.workdir, c.destination)).sort();
    assert.deepEqual(destinations, [
      '/app/docker/entrypoint.sh',
      '/app/node_modules',
      '/app/packages/server/bin',
      '/app/packages/server/dist',
      '/app/packages/server/package.json',
      '/app/packages/web/dist',
    ]);
    // npx must find /app/node_modules/.bin/argilla itself: with a package.json in /app that has a
    // bin of that name, npm exec installs /app into its cache instead.
    assert.ok(rootPackage.bin?.argilla, 'the repository root has the bin (npx argilla in a checkout)');
    assert.match(all(runtime, 'ENV').join(' '), /PATH=\/app\/node_modules\/\.bin:\$PATH/);
  });

  it('leaves no package that the compiled server imports out of the production dependencies', () => {
    const serverPackage = JSON.parse(readRepoFile('packages/server/package.json'));
    const production = new Set(Object.keys(serverPackage.dependencies ?? {}));
    const dist = join(ROOT, 'packages', 'server', 'dist');
    assert.ok(existsSync(dist), 'npm test builds dist first');
    const imported = new Set<string>();
    const visit = (dir: string) => {
      for (const entry of readdirSync(dir, { withFileTypes: true })) {
        const path = join(dir, entry.name);
        if (entry.isDirectory()) visit(path);
        else if (entry.name.endsWith('.js')) {
          const code = readFileSync(path, 'utf8');
          for (const match of code.matchAll(/(?:\bfrom\s*|\bimport\s*\(\s*|\bimport\s+)['"]([^'".][^'"]*)['"]/g)) {
            const specifier = match[1]!;
            if (specifier.startsWith('node:') || builtinModules.includes(specifier)) continue;
            const parts = specifier.split('/');
            imported.add(specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!);
          }
        }
      }
    };
    visit(dist);
    assert.ok(imported.has('fastify'), 'the scan finds fastify');
    assert.deepEqual([...imported].filter((name) => !production.has(name)).sort(), []);
  });
});

describe('.dockerignore', () => {
  it('leaves out installed modules, build output, git, test results and local secrets', () => {
    for (const path of ['node_modules', 'packages/server/node_modules', 'packages/server/dist', '.git', 'test-results', '.users.yml', 'argilla.db', '.env']) {
      assert.equal(dockerIgnored(path, dockerignore), true, path);
    }
    for (const path of ['package.json', 'package-lock.json', 'packages/server/src/main.ts', 'packages/server/bin/argilla.js', 'docker/entrypoint.sh', 'tsconfig.base.json']) {
      assert.equal(dockerIgnored(path, dockerignore), false, path);
    }
  });
});
