# wasmbase container image: one static binary on an empty base (scratch). Two ways to build it,
# ending in the same files and settings:
#
#   podman build --format docker -t wasmbase .
#       target `runtime` (the default): compiles in the `builder` stage (rust:1.95-bookworm,
#       with node from node:20-bookworm-slim for the AssemblyScript example hook).
#   scripts/dist.sh && podman build --format docker --target runtime-prebuilt -t wasmbase .
#       packages the dist/ folder that scripts/dist.sh prepared on the host; never touches the
#       rust image (CI machines cannot pull it).
#
# `--format docker` keeps HEALTHCHECK, which the OCI image format has no field for (docker
# build needs no flag). Both paths lay out their files with scripts/dist.sh. See
# docs/container.md.

# --- base: the settings both runtime targets share ------------------------------------------
FROM scratch AS base
LABEL org.opencontainers.image.title="wasmbase" \
      org.opencontainers.image.description="A PocketBase-compatible backend in one Rust binary, extended with WebAssembly hooks" \
      org.opencontainers.image.licenses="MIT"
# Every wasmbase command reads these, so `podman exec CONTAINER wasmbase superuser upsert
# EMAIL PASS` finds /pb_data and `wasmbase healthcheck` probes the port `serve` listens on.
ENV PATH=/usr/local/bin \
    WASMBASE_HTTP=0.0.0.0:8090 \
    WASMBASE_DIR=/pb_data \
    WASMBASE_HOOKS_DIR=/pb_hooks \
    WASMBASE_PUBLIC_DIR=/pb_public
EXPOSE 8090
HEALTHCHECK --interval=30s --timeout=5s --start-period=10s --retries=3 \
    CMD ["/usr/local/bin/wasmbase", "healthcheck"]
# SIGTERM (`podman stop`) lets in-flight requests finish and closes the databases, exit 0.
STOPSIGNAL SIGTERM
ENTRYPOINT ["/usr/local/bin/wasmbase"]
CMD ["serve"]

# --- runtime-prebuilt: dist/ from the host --------------------------------------------------
# (Before `builder` in this file, so builders that run every stage up to the target, such as
# docker's legacy one, never need the rust image for it.)
FROM base AS runtime-prebuilt
COPY dist/etc/ /etc/
COPY dist/tmp/ /tmp/
COPY dist/usr/local/bin/wasmbase /usr/local/bin/wasmbase
# The user owns its data and hooks folders, so new named volumes start out writable by it.
COPY --chown=65532:65532 dist/pb_data/ /pb_data/
COPY --chown=65532:65532 dist/pb_hooks/ /pb_hooks/
COPY --chown=65532:65532 dist/pb_public/ /pb_public/
USER 65532:65532
WORKDIR /pb_data
VOLUME ["/pb_data", "/pb_hooks"]

# --- node: for the AssemblyScript example hook (the `assemblyscript` compiler needs node 20) --
FROM node:20-bookworm-slim AS node

# --- builder: a static musl wasmbase and the example hooks ---------------------------------
FROM rust:1.95-bookworm AS builder
COPY --from=node /usr/local/bin/node /usr/local/bin/node
COPY --from=node /usr/local/lib/node_modules /usr/local/lib/node_modules
# musl-tools: libsql's SQLite C code is compiled with x86_64-linux-musl-gcc.
RUN apt-get update \
    && apt-get install -y --no-install-recommends musl-tools=1.2.3-1 \
    && rm -rf /var/lib/apt/lists/* \
    && ln -s ../lib/node_modules/npm/bin/npm-cli.js /usr/local/bin/npm \
    && ln -s ../lib/node_modules/npm/bin/npx-cli.js /usr/local/bin/npx
RUN rustup target add x86_64-unknown-linux-musl wasm32-wasip1
WORKDIR /src
COPY . .
RUN scripts/dist.sh /dist

# --- runtime (default): the files the builder made --------------------------------------------
FROM base AS runtime
COPY --from=builder /dist/etc/ /etc/
COPY --from=builder /dist/tmp/ /tmp/
COPY --from=builder /dist/usr/local/bin/wasmbase /usr/local/bin/wasmbase
COPY --from=builder --chown=65532:65532 /dist/pb_data/ /pb_data/
COPY --from=builder --chown=65532:65532 /dist/pb_hooks/ /pb_hooks/
COPY --from=builder --chown=65532:65532 /dist/pb_public/ /pb_public/
USER 65532:65532
WORKDIR /pb_data
VOLUME ["/pb_data", "/pb_hooks"]
