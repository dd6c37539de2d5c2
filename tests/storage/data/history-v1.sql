-- A history written by schema version 1 (Physio Coach 0.1, issue 6). Frozen: never edit.
-- Restored by tests with executescript(); the version is set by the last line.
BEGIN TRANSACTION;
CREATE TABLE exercise_events (
            id          INTEGER PRIMARY KEY,
            session_id  INTEGER NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
            kind        TEXT    NOT NULL,
            exercise_id TEXT    NOT NULL,
            side        TEXT,
            at          TEXT    NOT NULL,
            detail      TEXT
        );
INSERT INTO "exercise_events" VALUES(1,2,'stopped-for-pain','slump-glide','right','2024-03-31T09:10:30+01:00',NULL);
CREATE TABLE sessions (
            id               INTEGER PRIMARY KEY,
            routine_id       TEXT    NOT NULL,
            routine_name     TEXT    NOT NULL,
            weekly_goal      INTEGER CHECK (weekly_goal >= 0),
            started_at       TEXT    NOT NULL,
            local_date       TEXT    NOT NULL,
            ended_at         TEXT,
            outcome          TEXT,
            recovered        INTEGER NOT NULL DEFAULT 0 CHECK (recovered IN (0, 1)),
            pain_before_back INTEGER CHECK (pain_before_back BETWEEN 0 AND 10),
            pain_before_leg  INTEGER CHECK (pain_before_leg BETWEEN 0 AND 10),
            pain_after_back  INTEGER CHECK (pain_after_back BETWEEN 0 AND 10),
            pain_after_leg   INTEGER CHECK (pain_after_leg BETWEEN 0 AND 10),
            felt             TEXT,
            note             TEXT
        );
INSERT INTO "sessions" VALUES(1,'sciatica-gentle','Gentle sciatica routine',5,'2024-03-29T08:30:00+00:00','2024-03-29','2024-03-29T08:52:10+00:00','completed',0,4,6,3,5,'same','Stiff start');
INSERT INTO "sessions" VALUES(2,'sciatica-gentle','Gentle sciatica routine',5,'2024-03-31T09:05:00+01:00','2024-03-31','2024-03-31T09:12:00+01:00','stopped-for-pain',0,4,7,5,8,'harder',NULL);
INSERT INTO "sessions" VALUES(3,'desk-break','Desk break',7,'2024-04-01T12:00:00+01:00','2024-04-01',NULL,NULL,0,NULL,5,NULL,NULL,NULL,NULL);
CREATE TABLE sets (
            id                   INTEGER PRIMARY KEY,
            session_id           INTEGER NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
            exercise_id          TEXT    NOT NULL,
            side                 TEXT,
            item_index           INTEGER,
            set_number           INTEGER NOT NULL CHECK (set_number >= 1),
            sets_planned         INTEGER,
            complete             INTEGER NOT NULL DEFAULT 1 CHECK (complete IN (0, 1)),
            reps_done            INTEGER,
            reps_planned         INTEGER,
            hold_seconds         REAL,
            hold_seconds_planned REAL,
            work_seconds         REAL,
            work_seconds_planned REAL,
            completed_at         TEXT    NOT NULL
        );
INSERT INTO "sets" VALUES(1,1,'knee-to-chest','right',0,1,1,1,3,3,30.0,30.0,90.0,90.0,'2024-03-29T08:32:00+00:00');
INSERT INTO "sets" VALUES(2,1,'knee-to-chest','left',0,1,1,1,3,3,30.0,30.0,90.0,90.0,'2024-03-29T08:34:00+00:00');
INSERT INTO "sets" VALUES(3,1,'bridge',NULL,1,1,1,1,10,10,5.0,5.0,50.0,50.0,'2024-03-29T08:40:00+00:00');
INSERT INTO "sets" VALUES(4,2,'slump-glide','right',0,1,2,0,6,10,NULL,NULL,18.0,30.0,'2024-03-31T09:10:00+01:00');
INSERT INTO "sets" VALUES(5,3,'standing-extension',NULL,0,1,1,1,10,10,2.0,2.0,20.0,20.0,'2024-04-01T12:02:00+01:00');
CREATE INDEX sessions_by_date ON sessions (local_date);
CREATE INDEX sets_by_session ON sets (session_id);
CREATE INDEX exercise_events_by_session ON exercise_events (session_id);
COMMIT;
PRAGMA user_version = 1;
