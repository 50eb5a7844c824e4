# syntax=docker/dockerfile:1
# The base image is pinned by digest, so that a build today and a build next month start from the
# same bytes: node:22-bookworm-slim as published on 2026-09-19 (Node 22.23.2; the multi-platform
# index digest, as docker-library/repo-info records it). To move to a newer one:
#   docker buildx imagetools inspect node:22-bookworm-slim   # its "Digest:" line
# and replace the digest in both FROM lines (test/ops/docker.test.ts checks that each has one).
# Stage 1: production dependencies only, from the lockfile.
FROM node:22-bookworm-slim@sha256:48e4b67d85f87bd551df43704e24d252f56cc5f8e9718841aace50f19948f0f9 AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund

# Stage 2: the sources (run by tsx, no build step) and those dependencies, as a non-root user.
FROM node:22-bookworm-slim@sha256:48e4b67d85f87bd551df43704e24d252f56cc5f8e9718841aace50f19948f0f9
ENV NODE_ENV=production PORT=3000 HOST=0.0.0.0
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY package.json tsconfig.json ./
COPY bin ./bin
COPY config ./config
COPY src ./src
COPY adapters ./adapters
USER node
EXPOSE 3000
HEALTHCHECK --interval=15s --timeout=3s --start-period=10s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
# node itself is PID 1 and handles SIGTERM (finish requests, then exit) and SIGHUP (reload config).
CMD ["node", "--import", "tsx", "src/server.ts"]
