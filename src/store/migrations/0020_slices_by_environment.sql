-- issue_slices keyed (issue, environment, release), the environment compared without case: a
-- list filtered by environment (with or without a release) checks each issue with one key
-- lookup instead of reading all of the issue's slices (the busiest issues have dozens), and no
-- environment-first index is needed (with one, SQLite chose to scan it for every issue). Slices
-- whose environments differ only in case are merged, as the filter already treated them.
CREATE TABLE issue_slices_by_env (
    issue_id    INTEGER NOT NULL REFERENCES issues(id) ON DELETE CASCADE,
    environment TEXT NOT NULL COLLATE NOCASE,
    release     TEXT NOT NULL,
    count       INTEGER NOT NULL,
    first_seen  INTEGER NOT NULL,
    last_seen   INTEGER NOT NULL,
    PRIMARY KEY (issue_id, environment, release)
) STRICT, WITHOUT ROWID;

INSERT INTO issue_slices_by_env (issue_id, environment, release, count, first_seen, last_seen)
SELECT issue_id, min(environment), release, sum(count), min(first_seen), max(last_seen)
FROM issue_slices
GROUP BY issue_id, environment COLLATE NOCASE, release
ORDER BY 1, 2, 3;

DROP TABLE issue_slices;
ALTER TABLE issue_slices_by_env RENAME TO issue_slices;
