-- Ledger guarantees for SQLite. Each statement is separated by a line holding only "-- ;;".
-- Reinstallable: each trigger is dropped (if present) before it is created again.
-- Append-only: entries, lines, checkpoints and audit events are never changed or deleted.
DROP TRIGGER IF EXISTS ledger_entry_no_update;
-- ;;
CREATE TRIGGER ledger_entry_no_update BEFORE UPDATE ON ledger_journalentry
BEGIN SELECT RAISE(ABORT, 'LEDGER_APPEND_ONLY: journal entries cannot be changed'); END;
-- ;;
DROP TRIGGER IF EXISTS ledger_entry_no_delete;
-- ;;
CREATE TRIGGER ledger_entry_no_delete BEFORE DELETE ON ledger_journalentry
BEGIN SELECT RAISE(ABORT, 'LEDGER_APPEND_ONLY: journal entries cannot be deleted'); END;
-- ;;
DROP TRIGGER IF EXISTS ledger_line_no_update;
-- ;;
CREATE TRIGGER ledger_line_no_update BEFORE UPDATE ON ledger_journalline
BEGIN SELECT RAISE(ABORT, 'LEDGER_APPEND_ONLY: journal lines cannot be changed'); END;
-- ;;
DROP TRIGGER IF EXISTS ledger_line_no_delete;
-- ;;
CREATE TRIGGER ledger_line_no_delete BEFORE DELETE ON ledger_journalline
BEGIN SELECT RAISE(ABORT, 'LEDGER_APPEND_ONLY: journal lines cannot be deleted'); END;
-- ;;
DROP TRIGGER IF EXISTS ledger_checkpoint_no_update;
-- ;;
CREATE TRIGGER ledger_checkpoint_no_update BEFORE UPDATE ON ledger_checkpoint
BEGIN SELECT RAISE(ABORT, 'LEDGER_APPEND_ONLY: checkpoints cannot be changed'); END;
-- ;;
DROP TRIGGER IF EXISTS ledger_checkpoint_no_delete;
-- ;;
CREATE TRIGGER ledger_checkpoint_no_delete BEFORE DELETE ON ledger_checkpoint
BEGIN SELECT RAISE(ABORT, 'LEDGER_APPEND_ONLY: checkpoints cannot be deleted'); END;
-- ;;
DROP TRIGGER IF EXISTS audit_event_no_update;
-- ;;
CREATE TRIGGER audit_event_no_update BEFORE UPDATE ON audit_auditevent
BEGIN SELECT RAISE(ABORT, 'LEDGER_APPEND_ONLY: audit events cannot be changed'); END;
-- ;;
DROP TRIGGER IF EXISTS audit_event_no_delete;
-- ;;
CREATE TRIGGER audit_event_no_delete BEFORE DELETE ON audit_auditevent
BEGIN SELECT RAISE(ABORT, 'LEDGER_APPEND_ONLY: audit events cannot be deleted'); END;
-- ;;
-- A closed period is never changed nor deleted; the only way back is the board's audited
-- re-open, which must count itself (reopen_count + 1, never decreasing).
DROP TRIGGER IF EXISTS ledger_period_stays_closed;
-- ;;
CREATE TRIGGER ledger_period_stays_closed BEFORE UPDATE ON ledger_accountingperiod
WHEN NEW.reopen_count < OLD.reopen_count OR (OLD.closed_at IS NOT NULL AND NOT (
  NEW.closed_at IS NULL AND NEW.reopen_count = OLD.reopen_count + 1
  AND NEW.start_date = OLD.start_date AND NEW.end_date = OLD.end_date
  AND NEW.cooperative_id = OLD.cooperative_id))
BEGIN SELECT RAISE(ABORT, 'LEDGER_PERIOD_CLOSED: a closed period cannot be changed'); END;
-- ;;
DROP TRIGGER IF EXISTS ledger_period_no_delete;
-- ;;
CREATE TRIGGER ledger_period_no_delete BEFORE DELETE ON ledger_accountingperiod
WHEN OLD.closed_at IS NOT NULL
BEGIN SELECT RAISE(ABORT, 'LEDGER_PERIOD_CLOSED: a closed period cannot be deleted'); END;
-- ;;
-- SQLite has no commit-time triggers, but it does check deferred foreign keys at COMMIT. An
-- entry is listed in ledger_entry_open, pointing at a seal row that never exists, until its last
-- line arrives balanced; a transaction that leaves an entry incomplete cannot commit ("FOREIGN
-- KEY constraint failed"). Needs PRAGMA foreign_keys=ON (Django always sets it).
-- The open row also keeps a running tally of the lines seen so far, so each line is checked in
-- constant time (re-summing the entry per line made a 20,000-line entry quadratic).
CREATE TABLE IF NOT EXISTS ledger_entry_seal (id integer NOT NULL PRIMARY KEY);
-- ;;
DROP TABLE IF EXISTS ledger_entry_incomplete;
-- ;;
CREATE TABLE IF NOT EXISTS ledger_entry_open (
  entry_id integer NOT NULL PRIMARY KEY,
  cooperative_id integer NOT NULL,
  line_count integer NOT NULL,
  total integer NOT NULL,
  lines_seen integer NOT NULL DEFAULT 0,
  debit_seen integer NOT NULL DEFAULT 0,
  credit_seen integer NOT NULL DEFAULT 0,
  seal_id integer NOT NULL REFERENCES ledger_entry_seal (id) DEFERRABLE INITIALLY DEFERRED
);
-- ;;
-- Before a new entry: at least two lines, the cooperative's previous entry is complete, and the
-- date is not on or before the end of a closed period (a closed month settles every earlier day).
DROP TRIGGER IF EXISTS ledger_entry_guard;
-- ;;
CREATE TRIGGER ledger_entry_guard BEFORE INSERT ON ledger_journalentry
BEGIN
  SELECT RAISE(ABORT, 'LEDGER_UNBALANCED: an entry needs at least two lines')
  WHERE NEW.line_count < 2;
  SELECT RAISE(ABORT, 'LEDGER_UNBALANCED: the previous entry is incomplete')
  WHERE EXISTS (SELECT 1 FROM ledger_entry_open o WHERE o.cooperative_id = NEW.cooperative_id);
  SELECT RAISE(ABORT, 'LEDGER_PERIOD_CLOSED: the period of this date is closed')
  WHERE EXISTS (
    SELECT 1 FROM ledger_accountingperiod p
    WHERE p.cooperative_id = NEW.cooperative_id AND p.closed_at IS NOT NULL
      AND NEW.date <= p.end_date);
END;
-- ;;
DROP TRIGGER IF EXISTS ledger_entry_opened;
-- ;;
CREATE TRIGGER ledger_entry_opened AFTER INSERT ON ledger_journalentry
BEGIN
  INSERT INTO ledger_entry_open (entry_id, cooperative_id, line_count, total, seal_id)
  VALUES (NEW.id, NEW.cooperative_id, NEW.line_count, NEW.total, 0);
END;
-- ;;
-- Each line: same cooperative as its entry and account; it belongs to an entry still open; the
-- tally never exceeds the entry's totals, and when the last line arrives both sides equal the
-- total exactly (then the entry is no longer open).
DROP TRIGGER IF EXISTS ledger_line_guard;
-- ;;
CREATE TRIGGER ledger_line_guard AFTER INSERT ON ledger_journalline
BEGIN
  SELECT RAISE(ABORT, 'LEDGER_TENANT: line, entry and account belong to different cooperatives')
  WHERE (SELECT cooperative_id FROM ledger_journalentry WHERE id = NEW.entry_id) <> NEW.cooperative_id
     OR (SELECT cooperative_id FROM ledger_account WHERE id = NEW.account_id) <> NEW.cooperative_id;
  SELECT RAISE(ABORT, 'LEDGER_UNBALANCED: lines exceed the entry totals')
  WHERE NOT EXISTS (SELECT 1 FROM ledger_entry_open WHERE entry_id = NEW.entry_id);
  UPDATE ledger_entry_open
  SET lines_seen = lines_seen + 1, debit_seen = debit_seen + NEW.debit,
      credit_seen = credit_seen + NEW.credit
  WHERE entry_id = NEW.entry_id;
  SELECT RAISE(ABORT, 'LEDGER_UNBALANCED: lines exceed the entry totals')
  WHERE EXISTS (SELECT 1 FROM ledger_entry_open
                WHERE entry_id = NEW.entry_id AND (debit_seen > total OR credit_seen > total));
  SELECT RAISE(ABORT, 'LEDGER_UNBALANCED: debits and credits differ')
  WHERE EXISTS (SELECT 1 FROM ledger_entry_open
                WHERE entry_id = NEW.entry_id AND lines_seen = line_count
                  AND (debit_seen <> total OR credit_seen <> total));
  DELETE FROM ledger_entry_open WHERE entry_id = NEW.entry_id AND lines_seen = line_count;
END;
