-- One row that `/readyz` writes when a write has failed for want of space,
-- to learn whether space was freed since (see `Store::writable`).

CREATE TABLE health_probe (
    id INTEGER PRIMARY KEY,
    at BIGINT NOT NULL
);
