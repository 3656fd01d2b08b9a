-- Counts follow the event's own time, not its arrival: a phone that uploads a day of buffered
-- errors draws them where they happened, not as a spike "now". The writer counts each event at
-- its timestamp, unless that is more than 5 minutes ahead of the received time or older than the
-- raw-event retention window: then at the received time, and the event is marked here
-- (`time_clamped` = 1). Retention and "queryable" stay on the received time.
ALTER TABLE events ADD COLUMN time_clamped INTEGER;

-- Existing data: the stored events move their counts from the hour they arrived in to the hour
-- they happened in (7 days, the default retention, bounds the past here). Counts of events that
-- retention already removed cannot be placed and stay where they are.
UPDATE events SET time_clamped = 1
WHERE timestamp > received_at + 300000 OR timestamp < received_at - 604800000;

CREATE TEMP TABLE event_hours AS
SELECT issue_id, received_at - received_at % 3600000 AS from_hour, t - t % 3600000 AS to_hour,
       count(*) AS n, min(t) AS lo, max(t) AS hi
FROM (SELECT issue_id, received_at,
             CASE WHEN time_clamped IS NULL THEN min(timestamp, received_at)
                  ELSE received_at END AS t
      FROM events)
GROUP BY 1, 2, 3;

CREATE TEMP TABLE issue_moves AS
SELECT issue_id, from_hour, to_hour, n FROM event_hours WHERE from_hour != to_hour;

CREATE TEMP TABLE project_moves AS
SELECT i.project_id, m.from_hour, m.to_hour, sum(m.n) AS n
FROM issue_moves m JOIN issues i ON i.id = m.issue_id
GROUP BY 1, 2, 3;

UPDATE hourly_counts SET count = count - m.n
FROM (SELECT issue_id, from_hour, sum(n) AS n FROM issue_moves GROUP BY 1, 2) AS m
WHERE hourly_counts.issue_id = m.issue_id AND hourly_counts.hour = m.from_hour;
INSERT INTO hourly_counts (hour, issue_id, count)
SELECT to_hour, issue_id, sum(n) FROM issue_moves WHERE n > 0 GROUP BY 1, 2
ON CONFLICT (hour, issue_id) DO UPDATE SET count = count + excluded.count;
DELETE FROM hourly_counts WHERE count <= 0;

UPDATE project_hourly SET count = count - m.n
FROM (SELECT project_id, from_hour, sum(n) AS n FROM project_moves GROUP BY 1, 2) AS m
WHERE project_hourly.project_id = m.project_id AND project_hourly.hour = m.from_hour;
INSERT INTO project_hourly (project_id, hour, count)
SELECT project_id, to_hour, sum(n) FROM project_moves WHERE n > 0 GROUP BY 1, 2
ON CONFLICT (project_id, hour) DO UPDATE SET count = count + excluded.count;
DELETE FROM project_hourly WHERE count <= 0;

-- First and last seen by event time: the newest stored event is an issue's last (retention
-- removes the oldest first); the first stays the earlier of the two.
UPDATE issues SET first_seen = min(first_seen, x.lo), last_seen = x.hi,
    last_seen_minute = x.hi / 60000
FROM (SELECT issue_id, min(lo) AS lo, max(hi) AS hi FROM event_hours GROUP BY 1) AS x
WHERE issues.id = x.issue_id;

DROP TABLE event_hours;
DROP TABLE issue_moves;
DROP TABLE project_moves;
