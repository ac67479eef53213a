# syntax=docker/dockerfile:1
#
# One image for every payouts process; the first argument picks it (deploy/entrypoint.mjs):
#   docker build -t payouts:local .
#   docker run --rm --env-file .env payouts:local worker     # or relay, codec, sandbox, cli <args>
# docker-compose.yml runs it; docs/DEPLOYMENT.md tells how.
#
# Base: Node.js 24, the Active LTS line (supported until April 2028; 22 is already in maintenance). The
# Debian slim variant, because the Temporal SDK's native core is built for glibc (Alpine's musl is not
# supported) and slim keeps the image small.
ARG NODE_IMAGE=node:24-slim

FROM ${NODE_IMAGE} AS build
WORKDIR /app
# Dependencies first, so this layer is reused until the lockfile changes.
COPY package.json package-lock.json .npmrc ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY scripts/bundle-workflows.ts ./scripts/
# Compile once, bundle the workflow code once (workers load it instead of running webpack at every start),
# then drop the development dependencies from node_modules.
RUN npm run build \
  && npm run bundle:workflows -- dist/workflow-bundle.js \
  && npm prune --omit=dev --no-audit --no-fund

FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production \
  PAYOUTS_ENV=production \
  DATA_DIR=/var/lib/payouts \
  WORKFLOW_BUNDLE_PATH=/app/dist/workflow-bundle.js
WORKDIR /app
# Owned by root and read-only to the service user: the code cannot be changed by the process running it.
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY bin ./bin
COPY deploy/entrypoint.mjs ./deploy/
# The one writable place (reports, the relay's orphan journal, the sandbox ledger): a volume in compose.
RUN mkdir -p /var/lib/payouts && chown node:node /var/lib/payouts
# The base image's unprivileged user (uid 1000).
USER node
EXPOSE 3001 3002 3003 3004
ENTRYPOINT ["node", "/app/deploy/entrypoint.mjs"]
CMD ["worker"]
