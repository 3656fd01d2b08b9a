-- Events per issue per (release, environment), so a list filtered by release and environment
-- can say how many of an issue's events fall inside the filter (`count`), not only its all-time
-- `total_count`. It replaces issue_environments (per-environment counts are its sums), so the
-- writer keeps two such tables, issue_releases and this one, as before.
CREATE TABLE issue_slices (
    issue_id    INTEGER NOT NULL REFERENCES issues(id) ON DELETE CASCADE,
    release     TEXT NOT NULL,
    environment TEXT NOT NULL,
    count       INTEGER NOT NULL,
    first_seen  INTEGER NOT NULL,
    last_seen   INTEGER NOT NULL,
    PRIMARY KEY (issue_id, release, environment)
) STRICT, WITHOUT ROWID;

-- Existing data. An issue seen in one environment only splits exactly by its release counts;
-- one seen in one release only, by its environment counts.
INSERT INTO issue_slices (issue_id, release, environment, count, first_seen, last_seen)
SELECT r.issue_id, r.release, e.environment, r.count, r.first_seen, r.last_seen
FROM issue_releases r JOIN issue_environments e ON e.issue_id = r.issue_id
WHERE (SELECT count(*) FROM issue_environments x WHERE x.issue_id = r.issue_id) = 1;

INSERT INTO issue_slices (issue_id, release, environment, count, first_seen, last_seen)
SELECT e.issue_id, r.release, e.environment, e.count, e.first_seen, e.last_seen
FROM issue_environments e JOIN issue_releases r ON r.issue_id = e.issue_id
WHERE (SELECT count(*) FROM issue_releases x WHERE x.issue_id = e.issue_id) = 1
  AND (SELECT count(*) FROM issue_environments x WHERE x.issue_id = e.issue_id) > 1;

-- Issues seen in several of both: the raw events still kept give the split (events already
-- pruned by retention cannot be placed, so these counts start from what is left).
INSERT INTO issue_slices (issue_id, release, environment, count, first_seen, last_seen)
SELECT ev.issue_id, ev.release, ev.environment, count(*), min(ev.received_at), max(ev.received_at)
FROM events ev
WHERE ev.issue_id IN (
    SELECT issue_id FROM issue_releases GROUP BY issue_id HAVING count(*) > 1
    INTERSECT
    SELECT issue_id FROM issue_environments GROUP BY issue_id HAVING count(*) > 1)
GROUP BY ev.issue_id, ev.release, ev.environment;

-- What retention pruned cannot be placed in a release; it stays counted in its environment
-- under the empty release, so every per-environment sum is exact.
INSERT INTO issue_slices (issue_id, release, environment, count, first_seen, last_seen)
SELECT e.issue_id, '', e.environment,
       e.count - coalesce((SELECT sum(s.count) FROM issue_slices s
                           WHERE s.issue_id = e.issue_id AND s.environment = e.environment), 0),
       e.first_seen, e.last_seen
FROM issue_environments e
WHERE e.count > coalesce((SELECT sum(s.count) FROM issue_slices s
                          WHERE s.issue_id = e.issue_id AND s.environment = e.environment), 0)
ON CONFLICT (issue_id, release, environment) DO UPDATE SET count = count + excluded.count,
    first_seen = min(first_seen, excluded.first_seen), last_seen = max(last_seen, excluded.last_seen);

DROP TABLE issue_environments;
