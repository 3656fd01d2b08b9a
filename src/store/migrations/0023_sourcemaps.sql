-- JavaScript source maps, uploaded per project and release (`bloop sourcemaps upload`), found
-- by the minified file's name or by debug ID. The map is kept zlib-compressed in `data`; the
-- listing reads the other columns only.
CREATE TABLE sourcemaps (
    id          INTEGER PRIMARY KEY,
    project_id  TEXT NOT NULL,
    release     TEXT NOT NULL DEFAULT '',   -- '' = any release (debug-ID bundles)
    name        TEXT NOT NULL,              -- the minified file as frames name it: ~/static/js/app.min.js
    debug_id    TEXT,                       -- lower-case UUID from //# debugId= or the map
    size        INTEGER NOT NULL,           -- bytes as uploaded
    stored_size INTEGER NOT NULL,           -- bytes kept (compressed)
    sha256      TEXT NOT NULL,
    mappings    INTEGER NOT NULL,           -- how many mappings it has (a check at upload)
    data        BLOB NOT NULL,
    created_at  INTEGER NOT NULL
);
CREATE UNIQUE INDEX sourcemaps_name ON sourcemaps(project_id, release, name);
CREATE INDEX sourcemaps_debug_id ON sourcemaps(project_id, debug_id) WHERE debug_id IS NOT NULL;
