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
-- entry is listed in ledger_entry_incomplete, pointing at a seal row that never exists, until
-- its last line arrives balanced; a transaction that leaves an entry incomplete cannot commit
-- ("FOREIGN KEY constraint failed"). Needs PRAGMA foreign_keys=ON (Django always sets it).
CREATE TABLE IF NOT EXISTS ledger_entry_seal (id integer NOT NULL PRIMARY KEY);
-- ;;
CREATE TABLE IF NOT EXISTS ledger_entry_incomplete (
  entry_id integer NOT NULL PRIMARY KEY,
  seal_id integer NOT NULL REFERENCES ledger_entry_seal (id) DEFERRABLE INITIALLY DEFERRED
);
-- ;;
-- Before a new entry: at least two lines, the previous entry is complete, and the date is not
-- on or before the end of a closed period (a closed month settles every earlier day).
DROP TRIGGER IF EXISTS ledger_entry_guard;
-- ;;
CREATE TRIGGER ledger_entry_guard BEFORE INSERT ON ledger_journalentry
BEGIN
  SELECT RAISE(ABORT, 'LEDGER_UNBALANCED: an entry needs at least two lines')
  WHERE NEW.line_count < 2;
  SELECT RAISE(ABORT, 'LEDGER_UNBALANCED: the previous entry is incomplete')
  WHERE EXISTS (
    SELECT 1 FROM ledger_journalentry e
    WHERE e.cooperative_id = NEW.cooperative_id AND e.number = NEW.number - 1
      AND (SELECT COUNT(*) FROM ledger_journalline l WHERE l.entry_id = e.id) <> e.line_count);
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
  INSERT INTO ledger_entry_incomplete (entry_id, seal_id) VALUES (NEW.id, 0);
END;
-- ;;
-- Each line: same cooperative as its entry and account; the lines never exceed the entry's
-- totals or line count, and when the last line arrives both sides equal the total exactly
-- (then the entry is no longer incomplete).
DROP TRIGGER IF EXISTS ledger_line_guard;
-- ;;
CREATE TRIGGER ledger_line_guard AFTER INSERT ON ledger_journalline
BEGIN
  SELECT RAISE(ABORT, 'LEDGER_TENANT: line, entry and account belong to different cooperatives')
  WHERE (SELECT cooperative_id FROM ledger_journalentry WHERE id = NEW.entry_id) <> NEW.cooperative_id
     OR (SELECT cooperative_id FROM ledger_account WHERE id = NEW.account_id) <> NEW.cooperative_id;
  SELECT RAISE(ABORT, 'LEDGER_UNBALANCED: lines exceed the entry totals')
  WHERE (SELECT COUNT(*) FROM ledger_journalline WHERE entry_id = NEW.entry_id)
          > (SELECT line_count FROM ledger_journalentry WHERE id = NEW.entry_id)
     OR (SELECT SUM(debit) FROM ledger_journalline WHERE entry_id = NEW.entry_id)
          > (SELECT total FROM ledger_journalentry WHERE id = NEW.entry_id)
     OR (SELECT SUM(credit) FROM ledger_journalline WHERE entry_id = NEW.entry_id)
          > (SELECT total FROM ledger_journalentry WHERE id = NEW.entry_id);
  SELECT RAISE(ABORT, 'LEDGER_UNBALANCED: debits and credits differ')
  WHERE (SELECT COUNT(*) FROM ledger_journalline WHERE entry_id = NEW.entry_id)
          = (SELECT line_count FROM ledger_journalentry WHERE id = NEW.entry_id)
    AND ((SELECT SUM(debit) FROM ledger_journalline WHERE entry_id = NEW.entry_id)
          <> (SELECT total FROM ledger_journalentry WHERE id = NEW.entry_id)
      OR (SELECT SUM(credit) FROM ledger_journalline WHERE entry_id = NEW.entry_id)
          <> (SELECT total FROM ledger_journalentry WHERE id = NEW.entry_id));
  DELETE FROM ledger_entry_incomplete
  WHERE entry_id = NEW.entry_id
    AND (SELECT COUNT(*) FROM ledger_journalline WHERE entry_id = NEW.entry_id)
          = (SELECT line_count FROM ledger_journalentry WHERE id = NEW.entry_id);
END;
