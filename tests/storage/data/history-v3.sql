-- A history written by schema version 3 (outcomes nothing-done and partly-done), with a
-- red flag answered yes on 7 April 2024 (leg weakness) and acknowledged; version 4 keeps
-- it holding sessions until a clinician's check is confirmed. Frozen: never edit.
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
INSERT INTO "exercise_events" VALUES(2,4,'skipped','walking',NULL,'2024-04-02T10:00:20+01:00','skipped');
INSERT INTO "exercise_events" VALUES(3,4,'skipped','piriformis-stretch','right','2024-04-02T10:00:40+01:00','skipped');
INSERT INTO "exercise_events" VALUES(4,4,'skipped','sitting-posture-break',NULL,'2024-04-02T10:00:55+01:00','skipped');
INSERT INTO "exercise_events" VALUES(5,6,'stopped-for-pain','slump-glide','right','2024-04-04T08:00:50+01:00','this hurts');
CREATE TABLE red_flag_screenings (
            id              INTEGER PRIMARY KEY,
            answered_at     TEXT    NOT NULL,
            local_date      TEXT    NOT NULL,
            answers         TEXT    NOT NULL,
            any_positive    INTEGER NOT NULL CHECK (any_positive IN (0, 1)),
            acknowledged_at TEXT
        );
INSERT INTO "red_flag_screenings" VALUES(1,'2024-04-02T09:55:00+01:00','2024-04-02','{"both-legs": false, "saddle-numbness": false}',0,NULL);
INSERT INTO "red_flag_screenings" VALUES(2,'2024-04-07T08:00:00+01:00','2024-04-07','{"bladder-bowel": false, "both-legs": false, "leg-weakness": true, "saddle-numbness": false, "walking": false, "weight-fever": false}',1,'2024-04-07T08:01:00+01:00');
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
        , leg_pain_spreading INTEGER CHECK (leg_pain_spreading IN (0, 1)));
INSERT INTO "sessions" VALUES(1,'sciatica-gentle','Gentle sciatica routine',5,'2024-03-29T08:30:00+00:00','2024-03-29','2024-03-29T08:52:10+00:00','completed',0,4,6,3,5,'same','Stiff start',NULL);
INSERT INTO "sessions" VALUES(2,'sciatica-gentle','Gentle sciatica routine',5,'2024-03-31T09:05:00+01:00','2024-03-31','2024-03-31T09:12:00+01:00','stopped-for-pain',0,4,7,5,8,'harder',NULL,NULL);
INSERT INTO "sessions" VALUES(3,'desk-break','Desk break',7,'2024-04-01T12:00:00+01:00','2024-04-01',NULL,NULL,0,NULL,5,NULL,NULL,NULL,NULL,NULL);
INSERT INTO "sessions" VALUES(4,'desk-break','Desk break',10,'2024-04-02T10:00:00+01:00','2024-04-02','2024-04-02T10:01:00+01:00','nothing-done',0,3,4,NULL,NULL,NULL,NULL,0);
INSERT INTO "sessions" VALUES(5,'sciatica-gentle','Gentle sciatica routine',5,'2024-04-03T08:00:00+01:00','2024-04-03','2024-04-03T08:00:40+01:00','nothing-done',0,3,4,NULL,NULL,NULL,NULL,0);
INSERT INTO "sessions" VALUES(6,'sciatica-gentle','Gentle sciatica routine',5,'2024-04-04T08:00:00+01:00','2024-04-04','2024-04-04T08:01:00+01:00','stopped-for-pain',0,5,6,6,7,NULL,'Hurt at once',1);
INSERT INTO "sessions" VALUES(7,'sciatica-gentle','Gentle sciatica routine',5,'2024-04-05T08:00:00+01:00','2024-04-05',NULL,'nothing-done',1,2,3,NULL,NULL,NULL,NULL,NULL);
INSERT INTO "sessions" VALUES(8,'sciatica-gentle','Gentle sciatica routine',5,'2024-04-06T08:00:00+01:00','2024-04-06','2024-04-06T08:20:00+01:00','completed',0,2,3,2,2,'easier',NULL,0);
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
INSERT INTO "sets" VALUES(6,8,'bridge',NULL,0,1,1,1,10,10,5.0,5.0,50.0,50.0,'2024-04-06T08:05:00+01:00');
CREATE INDEX sessions_by_date ON sessions (local_date);
CREATE INDEX sets_by_session ON sets (session_id);
CREATE INDEX exercise_events_by_session ON exercise_events (session_id);
CREATE INDEX red_flag_screenings_by_date ON red_flag_screenings (local_date);
COMMIT;
PRAGMA user_version = 3;
