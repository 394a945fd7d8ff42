# syntax=docker/dockerfile:1
#
# wxpay-cards-bff production image.
#   docker build -t wxpay-cards-bff .
#   docker run --rm -p 3000:3000 -e NODE_ENV=development wxpay-cards-bff   # sandbox mode
# Production needs NODE_ENV=production (the image default) plus WeChat Pay credentials:
# see docker-compose.yml and .env.example.
#
# Every stage uses the same base so the native ABI, libc and Node version match between
# the stage that installs node_modules and the one that runs them. Pin the major (24, the current
# LTS, which .ci/run also tests on);
# pin a digest as well if builds must be bit-for-bit reproducible.

# ---------------------------------------------------------------------------------------------
# build: full install (dev dependencies included, for tsc and esbuild), type check, then bundle.
# ---------------------------------------------------------------------------------------------
FROM node:24-bookworm-slim AS build
WORKDIR /app

# Manifests first: this layer and `npm ci` stay cached until the dependencies change.
COPY package.json package-lock.json ./
# `npm ci` installs exactly the lock file and fails if it disagrees with package.json.
RUN npm ci --no-audit --no-fund

# Only what the compiler and the bundler need (tsconfig.build.json includes src/ alone); tests stay out.
COPY tsconfig.json tsconfig.build.json ./
COPY scripts/build.ts ./scripts/
COPY src ./src
RUN npx tsc -p tsconfig.build.json --noEmit && npm run build

# ---------------------------------------------------------------------------------------------
# runtime: just Node, production node_modules (installed here, from the lock file) and dist/.
# ---------------------------------------------------------------------------------------------
FROM node:24-bookworm-slim AS runtime

# production: Fastify/pino defaults, and the service refuses sandbox mode, so a container
# started without WECHATPAY_MCHID fails loudly instead of serving simulator data.
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=3000

WORKDIR /app

# Files are copied and installed as root (the default) and are not writable by the user that runs
# the app, so a compromised process cannot rewrite its own code or dependencies.
# package.json must sit next to dist/: src/version.ts reads ../package.json at start-up.
COPY package.json package-lock.json ./
# A clean production install instead of copying a pruned tree from the build stage: no dev package
# (typescript, vitest, playwright-core, pino-pretty...) can reach the image. --ignore-scripts: no
# production dependency needs an install script, so none runs. The npm cache is not kept.
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund \
  && npm cache clean --force
COPY --from=build /app/dist ./dist

# Memory: jemalloc instead of glibc's malloc, which keeps freed Buffer memory (page frames, TLS
# records) in its arenas, told to return what is freed within a second, and young-generation
# semi-spaces of at most 8 MB instead of 16. After the bench's load the process holds under 130 MB
# instead of over 200, at no cost to start-up or to a cache hit's CPU measurable on this project's
# machine (docs/performance.md). The link gives the library one path on every architecture. Adding
# options of your own to NODE_OPTIONS: keep this one. npm run bench reads these lines.
RUN apt-get update \
  && apt-get install -y --no-install-recommends libjemalloc2 \
  && rm -rf /var/lib/apt/lists/* \
  && ln -s "$(find /usr/lib -name libjemalloc.so.2 | head -n 1)" /usr/local/lib/libjemalloc.so.2
ENV LD_PRELOAD=/usr/local/lib/libjemalloc.so.2 \
    MALLOC_CONF=dirty_decay_ms:1000,muzzy_decay_ms:0 \
    NODE_OPTIONS=--max-semi-space-size=8

# A user of its own, uid and gid 10001: above 10000, so it is no user of the host or the node (the
# images' `node` is 1000, often a real user's uid). Numeric, so the kubelet can check runAsNonRoot;
# the Kubernetes manifests use the same ids (a test keeps them equal).
RUN groupadd --gid 10001 app && useradd --uid 10001 --gid 10001 --no-create-home --shell /usr/sbin/nologin app
USER 10001:10001

EXPOSE 3000

# Liveness through /healthz (no I/O behind it). Slim images have no curl or wget, so Node itself
# makes the request; any non-200 answer, error or 2 s timeout exits 1 (unhealthy).
# Shell form on purpose: ${PORT:-3000} is expanded by /bin/sh inside the container.
HEALTHCHECK --interval=15s --timeout=5s --start-period=10s --retries=3 \
  CMD node -e "fetch('http://127.0.0.1:${PORT:-3000}/healthz',{signal:AbortSignal.timeout(2000)}).then(r=>process.exit(r.status===200?0:1),()=>process.exit(1))"

# `docker stop` sends SIGTERM; close-with-grace in src/server.ts closes Fastify on it (finishes
# in-flight requests, quits Redis) within SHUTDOWN_GRACE_MS. Before the service listens, SIGTERM
# ends it at once (src/early-signals.ts), since node as PID 1 gets no default action for it.
STOPSIGNAL SIGTERM

# Exec form: node is PID 1 and receives SIGTERM directly. No `npm start` (npm would run the
# prestart build and may not forward signals) and no shell wrapper.
CMD ["node", "dist/server.js"]
