# bloop: multi-stage build, slim non-root runtime.
#   docker build -t bloop .                                   (insights and LLM tracing)
#   docker build --build-arg FEATURES="llm-tracing" -t bloop .  (no DuckDB: a faster build)
#   docker run -d --name bloop -p 5332:5332 -v bloop_data:/data -e BLOOP__AUTH__HMAC_SECRET=... bloop

FROM rust:1-slim-bookworm AS build
ARG FEATURES="analytics,llm-tracing"
# DuckDB (the analytics feature) is C++, compiled from the sources its crate bundles.
RUN apt-get update \
    && apt-get install -y --no-install-recommends g++ \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /src
# Dependencies first, in their own layer: only Cargo.toml/Cargo.lock changes rebuild them.
COPY Cargo.toml Cargo.lock ./
RUN mkdir -p src commands benches \
    && echo 'fn main() {}' > commands/main.rs \
    && touch src/lib.rs \
    && echo 'fn main() {}' > benches/core.rs \
    && echo 'fn main() {}' > benches/queries.rs \
    && echo 'fn main() {}' > benches/analytics.rs \
    && cargo build --release --locked --features "${FEATURES}" \
    && rm -rf src commands benches
COPY . .
# Make sure cargo sees the real sources as newer than the placeholder build.
RUN touch src/lib.rs commands/main.rs \
    && cargo build --release --locked --features "${FEATURES}" \
    && cp target/release/bloop /usr/local/bin/bloop

FROM debian:bookworm-slim
RUN apt-get update \
    && apt-get install -y --no-install-recommends ca-certificates \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --uid 10001 --home-dir /data --shell /usr/sbin/nologin bloop \
    && mkdir -p /data && chown bloop:bloop /data
COPY --from=build /usr/local/bin/bloop /usr/local/bin/bloop
USER bloop
WORKDIR /data
VOLUME /data
ENV BLOOP__DATABASE__PATH=/data/bloop.db \
    BLOOP__SERVER__HOST=0.0.0.0 \
    BLOOP__SERVER__PORT=5332
EXPOSE 5332
# The drain on SIGTERM is bounded by server.shutdown_timeout_secs (25 s): give it 30 s.
STOPSIGNAL SIGTERM
HEALTHCHECK --interval=30s --timeout=5s --start-period=10s --retries=3 \
    CMD ["bloop", "health", "--url", "http://127.0.0.1:5332"]
ENTRYPOINT ["bloop"]
CMD ["serve"]
