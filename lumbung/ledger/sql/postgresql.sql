-- Ledger guarantees for PostgreSQL. Each statement is separated by a line holding only "-- ;;".
-- Reinstallable: functions are CREATE OR REPLACE, each trigger is dropped (if present) first,
-- so `lumbung.ledger.sql.install` can run again after a migration or a repair.
CREATE OR REPLACE FUNCTION ledger_forbid_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'LEDGER_APPEND_ONLY: rows of % cannot be changed or deleted', TG_TABLE_NAME;
END $$;
-- ;;
DROP TRIGGER IF EXISTS ledger_entry_append_only ON ledger_journalentry;
-- ;;
CREATE TRIGGER ledger_entry_append_only BEFORE UPDATE OR DELETE ON ledger_journalentry
FOR EACH ROW EXECUTE FUNCTION ledger_forbid_change();
-- ;;
DROP TRIGGER IF EXISTS ledger_entry_no_truncate ON ledger_journalentry;
-- ;;
CREATE TRIGGER ledger_entry_no_truncate BEFORE TRUNCATE ON ledger_journalentry
FOR EACH STATEMENT EXECUTE FUNCTION ledger_forbid_change();
-- ;;
DROP TRIGGER IF EXISTS ledger_line_append_only ON ledger_journalline;
-- ;;
CREATE TRIGGER ledger_line_append_only BEFORE UPDATE OR DELETE ON ledger_journalline
FOR EACH ROW EXECUTE FUNCTION ledger_forbid_change();
-- ;;
DROP TRIGGER IF EXISTS ledger_line_no_truncate ON ledger_journalline;
-- ;;
CREATE TRIGGER ledger_line_no_truncate BEFORE TRUNCATE ON ledger_journalline
FOR EACH STATEMENT EXECUTE FUNCTION ledger_forbid_change();
-- ;;
DROP TRIGGER IF EXISTS ledger_checkpoint_append_only ON ledger_checkpoint;
-- ;;
CREATE TRIGGER ledger_checkpoint_append_only BEFORE UPDATE OR DELETE ON ledger_checkpoint
FOR EACH ROW EXECUTE FUNCTION ledger_forbid_change();
-- ;;
DROP TRIGGER IF EXISTS ledger_checkpoint_no_truncate ON ledger_checkpoint;
-- ;;
CREATE TRIGGER ledger_checkpoint_no_truncate BEFORE TRUNCATE ON ledger_checkpoint
FOR EACH STATEMENT EXECUTE FUNCTION ledger_forbid_change();
-- ;;
DROP TRIGGER IF EXISTS audit_event_append_only ON audit_auditevent;
-- ;;
CREATE TRIGGER audit_event_append_only BEFORE UPDATE OR DELETE ON audit_auditevent
FOR EACH ROW EXECUTE FUNCTION ledger_forbid_change();
-- ;;
DROP TRIGGER IF EXISTS audit_event_no_truncate ON audit_auditevent;
-- ;;
CREATE TRIGGER audit_event_no_truncate BEFORE TRUNCATE ON audit_auditevent
FOR EACH STATEMENT EXECUTE FUNCTION ledger_forbid_change();
-- ;;
-- A closed period is never changed nor deleted; the only way back is the board's audited
-- re-open, which must count itself (reopen_count + 1, never decreasing) so the row keeps the
-- trace. (A BEFORE DELETE trigger must return OLD to let the delete of an open period through;
-- NEW is null there.)
CREATE OR REPLACE FUNCTION ledger_period_stays_closed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'UPDATE' AND NEW.reopen_count < OLD.reopen_count THEN
    RAISE EXCEPTION 'LEDGER_PERIOD_CLOSED: a re-open count never decreases';
  END IF;
  IF OLD.closed_at IS NOT NULL THEN
    IF TG_OP = 'UPDATE' AND NEW.closed_at IS NULL AND NEW.reopen_count = OLD.reopen_count + 1
       AND NEW.start_date = OLD.start_date AND NEW.end_date = OLD.end_date
       AND NEW.cooperative_id = OLD.cooperative_id THEN
      RETURN NEW;
    END IF;
    RAISE EXCEPTION 'LEDGER_PERIOD_CLOSED: a closed period cannot be changed';
  END IF;
  IF TG_OP = 'DELETE' THEN
    RETURN OLD;
  END IF;
  RETURN NEW;
END $$;
-- ;;
DROP TRIGGER IF EXISTS ledger_period_stays_closed ON ledger_accountingperiod;
-- ;;
CREATE TRIGGER ledger_period_stays_closed BEFORE UPDATE OR DELETE ON ledger_accountingperiod
FOR EACH ROW EXECUTE FUNCTION ledger_period_stays_closed();
-- ;;
CREATE OR REPLACE FUNCTION ledger_entry_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.line_count < 2 THEN
    RAISE EXCEPTION 'LEDGER_UNBALANCED: an entry needs at least two lines (got %)', NEW.line_count;
  END IF;
  IF EXISTS (SELECT 1 FROM ledger_accountingperiod p
             WHERE p.cooperative_id = NEW.cooperative_id AND p.closed_at IS NOT NULL
               AND NEW.date <= p.end_date) THEN
    RAISE EXCEPTION 'LEDGER_PERIOD_CLOSED: the period of % is closed', NEW.date;
  END IF;
  RETURN NEW;
END $$;
-- ;;
DROP TRIGGER IF EXISTS ledger_entry_guard ON ledger_journalentry;
-- ;;
CREATE TRIGGER ledger_entry_guard BEFORE INSERT ON ledger_journalentry
FOR EACH ROW EXECUTE FUNCTION ledger_entry_guard();
-- ;;
CREATE OR REPLACE FUNCTION ledger_line_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF (SELECT cooperative_id FROM ledger_journalentry WHERE id = NEW.entry_id) <> NEW.cooperative_id
     OR (SELECT cooperative_id FROM ledger_account WHERE id = NEW.account_id) <> NEW.cooperative_id THEN
    RAISE EXCEPTION 'LEDGER_TENANT: line, entry and account belong to different cooperatives';
  END IF;
  RETURN NEW;
END $$;
-- ;;
DROP TRIGGER IF EXISTS ledger_line_guard ON ledger_journalline;
-- ;;
CREATE TRIGGER ledger_line_guard BEFORE INSERT ON ledger_journalline
FOR EACH ROW EXECUTE FUNCTION ledger_line_guard();
-- ;;
-- The balance rule, checked at commit so an entry and its lines can be inserted in any order.
-- Every line queues a check of its entry; summing the entry for each of them would cost the
-- square of the entry's lines. So a check remembers, for the rest of the transaction, the entry
-- it summed and the highest line id it saw ("ledger.checked" = "entry:line"); a queued check of
-- a line that sum already included is skipped. A line added later has a higher id and is
-- checked again, so nothing slips past (e.g. after SET CONSTRAINTS ALL IMMEDIATE).
CREATE OR REPLACE FUNCTION ledger_entry_balanced() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  target_id bigint;
  n bigint; d bigint; c bigint; last_line bigint;
  expected_n bigint; expected_total bigint;
  checked text[];
BEGIN
  IF TG_TABLE_NAME = 'ledger_journalentry' THEN
    target_id := NEW.id;
  ELSE
    target_id := NEW.entry_id;
    checked := string_to_array(current_setting('ledger.checked', true), ':');
    IF checked IS NOT NULL AND array_length(checked, 1) = 2
       AND checked[1]::bigint = target_id AND NEW.id <= checked[2]::bigint THEN
      RETURN NULL;
    END IF;
  END IF;
  SELECT count(*), coalesce(sum(debit), 0), coalesce(sum(credit), 0), coalesce(max(id), 0)
    INTO n, d, c, last_line
    FROM ledger_journalline l WHERE l.entry_id = target_id;
  SELECT line_count, total INTO expected_n, expected_total
    FROM ledger_journalentry e WHERE e.id = target_id;
  IF n <> expected_n OR d <> expected_total OR c <> expected_total THEN
    RAISE EXCEPTION 'LEDGER_UNBALANCED: entry % has % lines, debit %, credit % (expected % lines, total %)',
      target_id, n, d, c, expected_n, expected_total;
  END IF;
  PERFORM set_config('ledger.checked', target_id || ':' || last_line, true);
  RETURN NULL;
END $$;
-- ;;
DROP TRIGGER IF EXISTS ledger_entry_balanced ON ledger_journalentry;
-- ;;
CREATE CONSTRAINT TRIGGER ledger_entry_balanced AFTER INSERT ON ledger_journalentry
DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION ledger_entry_balanced();
-- ;;
DROP TRIGGER IF EXISTS ledger_line_balanced ON ledger_journalline;
-- ;;
CREATE CONSTRAINT TRIGGER ledger_line_balanced AFTER INSERT ON ledger_journalline
DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION ledger_entry_balanced();
