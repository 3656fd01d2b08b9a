-- What the insights' rollup (`--features analytics`) reads from PostgreSQL. Each node keeps its
-- own DuckDB rollup; it is built once from `events` and `hourly_counts`, then kept current from
-- this feed: every flush appends its events summed per (project, issue, hour, environment,
-- release), under the id of the flush's transaction. A node's rollup remembers the snapshot it
-- last read, and the next read takes exactly the rows committed since (visible now, not visible
-- then), whichever node wrote them and in whatever order they committed.
--
-- Flushes write the feed only while `analytics_on` has its row (a node with insights on puts
-- it there); its id names this database to the rollups. The leader deletes rows older than an
-- hour; a rollup that has not read for that long is built again.
CREATE TABLE analytics_on (
    id    text NOT NULL DEFAULT gen_random_uuid()::text,
    since bigint NOT NULL,
    one   boolean NOT NULL DEFAULT true PRIMARY KEY CHECK (one)
);

CREATE TABLE analytics_feed (
    xid         xid8 NOT NULL DEFAULT pg_current_xact_id(),
    at          bigint NOT NULL,
    project_id  text NOT NULL,
    issue_id    bigint NOT NULL,
    hour        bigint NOT NULL,
    environment text NOT NULL,
    release     text NOT NULL,
    count       bigint NOT NULL
);
CREATE INDEX analytics_feed_xid ON analytics_feed (xid);
CREATE INDEX analytics_feed_at ON analytics_feed USING brin (at);
