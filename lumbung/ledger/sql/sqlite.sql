-- Ledger guarantees for SQLite. Each statement is separated by a line holding only "-- ;;".
-- Append-only: entries, lines, checkpoints and audit events are never changed or deleted.
CREATE TRIGGER ledger_entry_no_update BEFORE UPDATE ON ledger_journalentry
BEGIN SELECT RAISE(ABORT, 'LEDGER_APPEND_ONLY: journal entries cannot be changed'); END;
-- ;;
CREATE TRIGGER ledger_entry_no_delete BEFORE DELETE ON ledger_journalentry
BEGIN SELECT RAISE(ABORT, 'LEDGER_APPEND_ONLY: journal entries cannot be deleted'); END;
-- ;;
CREATE TRIGGER ledger_line_no_update BEFORE UPDATE ON ledger_journalline
BEGIN SELECT RAISE(ABORT, 'LEDGER_APPEND_ONLY: journal lines cannot be changed'); END;
-- ;;
CREATE TRIGGER ledger_line_no_delete BEFORE DELETE ON ledger_journalline
BEGIN SELECT RAISE(ABORT, 'LEDGER_APPEND_ONLY: journal lines cannot be deleted'); END;
-- ;;
CREATE TRIGGER ledger_checkpoint_no_update BEFORE UPDATE ON ledger_checkpoint
BEGIN SELECT RAISE(ABORT, 'LEDGER_APPEND_ONLY: checkpoints cannot be changed'); END;
-- ;;
CREATE TRIGGER ledger_checkpoint_no_delete BEFORE DELETE ON ledger_checkpoint
BEGIN SELECT RAISE(ABORT, 'LEDGER_APPEND_ONLY: checkpoints cannot be deleted'); END;
-- ;;
CREATE TRIGGER audit_event_no_update BEFORE UPDATE ON audit_auditevent
BEGIN SELECT RAISE(ABORT, 'LEDGER_APPEND_ONLY: audit events cannot be changed'); END;
-- ;;
CREATE TRIGGER audit_event_no_delete BEFORE DELETE ON audit_auditevent
BEGIN SELECT RAISE(ABORT, 'LEDGER_APPEND_ONLY: audit events cannot be deleted'); END;
-- ;;
-- A closed period never reopens.
CREATE TRIGGER ledger_period_stays_closed BEFORE UPDATE ON ledger_accountingperiod
WHEN OLD.closed_at IS NOT NULL
BEGIN SELECT RAISE(ABORT, 'LEDGER_PERIOD_CLOSED: a closed period cannot be changed'); END;
-- ;;
-- Before a new entry: the previous entry is complete, and the date is not in a closed period.
CREATE TRIGGER ledger_entry_guard BEFORE INSERT ON ledger_journalentry
BEGIN
  SELECT RAISE(ABORT, 'LEDGER_UNBALANCED: the previous entry is incomplete')
  WHERE EXISTS (
    SELECT 1 FROM ledger_journalentry e
    WHERE e.cooperative_id = NEW.cooperative_id AND e.number = NEW.number - 1
      AND (SELECT COUNT(*) FROM ledger_journalline l WHERE l.entry_id = e.id) <> e.line_count);
  SELECT RAISE(ABORT, 'LEDGER_PERIOD_CLOSED: the period of this date is closed')
  WHERE EXISTS (
    SELECT 1 FROM ledger_accountingperiod p
    WHERE p.cooperative_id = NEW.cooperative_id AND p.closed_at IS NOT NULL
      AND NEW.date BETWEEN p.start_date AND p.end_date);
END;
-- ;;
-- Each line: same cooperative as its entry and account; the lines never exceed the entry's
-- totals or line count, and when the last line arrives both sides equal the total exactly.
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
END;
