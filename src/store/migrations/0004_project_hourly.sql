-- Events per project per hour: the project-wide trend and the 24 h total without scanning
-- every issue's hourly rows.
CREATE TABLE project_hourly (
    project_id TEXT NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
    hour       INTEGER NOT NULL,
    count      INTEGER NOT NULL,
    PRIMARY KEY (project_id, hour)
) STRICT, WITHOUT ROWID;

INSERT INTO project_hourly (project_id, hour, count)
SELECT i.project_id, h.hour, sum(h.count)
FROM hourly_counts h JOIN issues i ON i.id = h.issue_id
GROUP BY i.project_id, h.hour;
