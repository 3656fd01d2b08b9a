-- Threshold and spike windows shared by every node: each node adds the events of its flushes
-- to the rule's current bucket and reads the window's sum, so a threshold counts what the
-- whole cluster stored. Rows go when no window reaches them (expires_at, epoch ms).
CREATE TABLE alert_windows (
    rule_id    bigint NOT NULL REFERENCES alert_rules(id) ON DELETE CASCADE,
    key        text NOT NULL,
    bucket     bigint NOT NULL,
    n          bigint NOT NULL,
    expires_at bigint NOT NULL,
    PRIMARY KEY (rule_id, key, bucket)
) WITH (fillfactor = 70);
