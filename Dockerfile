# syntax=docker/dockerfile:1
# The argilla server image: built in one stage (compilers for the native SQLite binding), run from
# a slim one that holds only Node.js, the production node_modules and the compiled server.
#   docker build -t argilla-ts:latest .        (or `docker compose build`)
#   docker run -p 6900:6900 -v argilla-data:/var/lib/argilla argilla-ts:latest

ARG NODE_IMAGE=node:20-bookworm-slim

# ---- build: install, compile, drop the dev dependencies -------------------------------------
FROM ${NODE_IMAGE} AS build
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app

# The manifests first, so the dependency layer is rebuilt only when they change. The scripts wait:
# the workspace's `prepare` (tsc) cannot run before the sources are here, so `npm ci` skips them
# and `npm rebuild` runs the install scripts of the packages that package.json's allowScripts
# names (better-sqlite3 compiles here when no prebuilt binary can be downloaded).
COPY package.json package-lock.json ./
COPY packages/server/package.json packages/server/
COPY packages/client/package.json packages/client/
COPY packages/web/package.json packages/web/
COPY packages/server/bin packages/server/bin
RUN npm ci --ignore-scripts --no-audit --no-fund \
 && npm rebuild --foreground-scripts $(node -p "Object.keys(require('./package.json').allowScripts).join(' ')")

COPY tsconfig.base.json ./
COPY packages/server/tsconfig.json packages/server/
COPY packages/server/src packages/server/src
COPY packages/client/tsconfig.json packages/client/
COPY packages/client/src packages/client/src
COPY packages/web/tsconfig.json packages/web/vite.config.ts packages/web/index.html packages/web/
COPY packages/web/public packages/web/public
COPY packages/web/src packages/web/src
# Compile, keep only the production dependencies (--ignore-scripts: `prepare` would need the
# TypeScript compiler just removed), drop better-sqlite3's build leftovers (about 25 MB), and check
# that the native modules load and the command line answers.
RUN npm run build \
 && npm prune --omit=dev --ignore-scripts --no-audit --no-fund \
 && sqlite=node_modules/better-sqlite3 \
 && mv "$sqlite/build/Release/better_sqlite3.node" /tmp/better_sqlite3.node \
 && rm -rf "$sqlite/build" "$sqlite/deps" "$sqlite/src" \
 && mkdir -p "$sqlite/build/Release" \
 && mv /tmp/better_sqlite3.node "$sqlite/build/Release/better_sqlite3.node" \
 && node -e "new (require('better-sqlite3'))(':memory:').prepare('select 1').get(); require('bcrypt'); require('@node-rs/argon2')" \
 && node packages/server/bin/argilla.js --help > /dev/null

# ---- runtime: no compilers, no dev dependencies, not root ------------------------------------
FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production \
    NPM_CONFIG_UPDATE_NOTIFIER=false \
    PATH=/app/node_modules/.bin:$PATH \
    ARGILLA_HOME_PATH=/var/lib/argilla \
    ARGILLA_HOST=0.0.0.0 \
    ARGILLA_PORT=6900
RUN groupadd --system --gid 10001 argilla \
 && useradd --system --uid 10001 --gid argilla --home-dir /home/argilla --create-home --shell /usr/sbin/nologin argilla \
 && mkdir -p /var/lib/argilla \
 && chown argilla:argilla /var/lib/argilla

# In /app, `npx argilla ...` and plain `argilla ...` (PATH above) both run node_modules/.bin/argilla,
# the workspace's bin: `docker compose exec argilla npx argilla users list`. The root package.json
# is left out on purpose: it is not needed at run time, and its "bin" would make npx install /app
# into its cache and chmod root-owned files, which fails for the argilla user (EPERM).
WORKDIR /app
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/packages/server/package.json ./packages/server/package.json
COPY --from=build /app/packages/server/bin ./packages/server/bin
COPY --from=build /app/packages/server/dist ./packages/server/dist
COPY --from=build /app/packages/web/dist ./packages/web/dist
COPY --chmod=0755 docker/entrypoint.sh ./docker/entrypoint.sh

USER argilla
# The SQLite database (argilla.db) when ARGILLA_DATABASE_URL names no other database.
VOLUME ["/var/lib/argilla"]
EXPOSE 6900
# No curl in slim images: Node.js asks /api/_status (503 while the database is unreachable).
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.ARGILLA_PORT || 6900) + '/api/_status', { signal: AbortSignal.timeout(4000) }).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
ENTRYPOINT ["/app/docker/entrypoint.sh"]
CMD []
