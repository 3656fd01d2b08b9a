-- Events per project, release and hour (the event's own hour), kept by the writer: the release
-- page's events over time without reading raw events (which have no index on release). Pruned
-- with the hourly counts (retention.hourly_counts_days).
CREATE TABLE release_hours (
    project_id TEXT NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
    release    TEXT NOT NULL,
    hour       INTEGER NOT NULL,
    count      INTEGER NOT NULL,
    PRIMARY KEY (project_id, release, hour)
) STRICT, WITHOUT ROWID;

-- What the stored events say (older hours were pruned with their events).
INSERT INTO release_hours (project_id, release, hour, count)
SELECT i.project_id, e.release, t - t % 3600000, count(*)
FROM (SELECT issue_id, release,
             CASE WHEN time_clamped IS NULL THEN timestamp ELSE received_at END AS t
      FROM events) e
JOIN issues i ON i.id = e.issue_id
GROUP BY 1, 2, 3;
