-- Which issue each raw event belongs to, for an issue's events newest first. This replaces the
-- index events(issue_id, id): every event lands at the end of its issue's range, so on each
-- commit that index dirtied one page per active issue, about 70% of all the pages the writer
-- wrote under load. The writer now adds the pairs in bulk, about once a second, and records how
-- far it got; events after `event_index.through` are found by reading the events table's tail.
CREATE TABLE event_issues (
    issue_id INTEGER NOT NULL,
    id       INTEGER NOT NULL,
    PRIMARY KEY (issue_id, id)
) STRICT, WITHOUT ROWID;

-- One row: every event with id <= through is in event_issues. The writer gives new events ids
-- above it, so the tail is exactly the events with id > through.
CREATE TABLE event_index (
    through INTEGER NOT NULL
) STRICT;

INSERT INTO event_issues (issue_id, id) SELECT issue_id, id FROM events ORDER BY issue_id, id;
INSERT INTO event_index (through) SELECT coalesce(max(id), 0) FROM events;
DROP INDEX events_issue;
