# syntax=docker/dockerfile:1
#
# One image for every Alliance Graph service: the gateway (default command) and each operator
# subgraph (docker-compose.yml sets `command: ["node", "dist/subgraphs/<slug>/src/index.js"]`).
#
#   docker build -t alliance-graph:local .
#   docker run -p 4000:4000 alliance-graph:local                          # the gateway
#   docker run -e SERVICE_PORT=4001 -e MEGALIS_DATABASE_URL=postgresql://… \
#     -e RUN_MIGRATIONS=true alliance-graph:local node dist/subgraphs/megalis/src/index.js

# ---- build: compile TypeScript, then drop the dev dependencies --------------------------------
FROM node:20-bookworm-slim AS build
WORKDIR /app
# package.json's `allowScripts` (install-script approvals) is honoured from npm 11 on.
ARG NPM_VERSION=11
RUN npm install -g npm@${NPM_VERSION}
COPY package.json package-lock.json ./
RUN npm ci
COPY tsconfig.json tsconfig.build.json ./
COPY shared ./shared
COPY gateway ./gateway
COPY subgraphs ./subgraphs
COPY scripts ./scripts
COPY examples ./examples
RUN npm run build && npm prune --omit=dev

# ---- runtime: compiled code and production dependencies only ---------------------------------
FROM node:20-bookworm-slim AS runtime
# HOST: listen on every interface inside the container (the code defaults to 127.0.0.1).
# SERVICE_PORT: the port the image's HEALTHCHECK probes; 4000 is the gateway's. docker-compose.yml
# declares its own health check for each service; set SERVICE_PORT when running a subgraph alone.
# NODE_OPTIONS is left unset: V8's defaults are the gateway tier's runtime flags; docker-compose.yml
# gives the subgraphs theirs (shared/src/runtime/node-options.ts says why).
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    APOLLO_TELEMETRY_DISABLED=true \
    SERVICE_PORT=4000
WORKDIR /app
# Owned by root and read-only for the service user: the processes write nothing to disk.
COPY --from=build /app/package.json ./package.json
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
USER node
EXPOSE 4000
# No curl or wget in the slim image: probe readiness with Node's fetch.
HEALTHCHECK --interval=10s --timeout=5s --start-period=30s --retries=5 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.SERVICE_PORT||4000)+'/health/ready').then(r=>process.exit(r.ok?0:1)).catch(()=>process.exit(1))"]
CMD ["node", "dist/gateway/src/index.js"]
