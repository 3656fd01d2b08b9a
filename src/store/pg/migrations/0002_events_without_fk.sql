-- Raw events keep their issue id without a foreign key: the check cost a lookup of the issue
-- for every copied event (a third of a flush's time, measured). Only the writer inserts events,
-- under issue rows it has just upserted in the same transaction, and deleting a project deletes
-- its events first (store::pg::projects::delete), so no event points at a missing issue.
ALTER TABLE events DROP CONSTRAINT events_issue_id_fkey;
