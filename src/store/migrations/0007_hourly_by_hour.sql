-- Hourly counts clustered by hour: a flush updates the current hour's rows, which now sit
-- together in a few pages instead of one page per issue (with weeks of history, every issue's
-- current row was on its own page, so each commit rewrote hundreds of pages to the WAL).
-- The (issue_id, hour) index serves per-issue trends and deletes; it changes only when an issue
-- gets its first event of an hour, not on every count update.
CREATE TABLE hourly_counts_by_hour (
    hour     INTEGER NOT NULL,
    issue_id INTEGER NOT NULL REFERENCES issues(id) ON DELETE CASCADE,
    count    INTEGER NOT NULL,
    PRIMARY KEY (hour, issue_id)
) STRICT, WITHOUT ROWID;
INSERT INTO hourly_counts_by_hour (hour, issue_id, count)
    SELECT hour, issue_id, count FROM hourly_counts ORDER BY hour, issue_id;
DROP TABLE hourly_counts;
ALTER TABLE hourly_counts_by_hour RENAME TO hourly_counts;
CREATE INDEX hourly_counts_issue ON hourly_counts(issue_id, hour);
