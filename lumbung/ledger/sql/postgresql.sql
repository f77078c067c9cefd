-- Ledger guarantees for PostgreSQL. Each statement is separated by a line holding only "-- ;;".
CREATE FUNCTION ledger_forbid_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'LEDGER_APPEND_ONLY: rows of % cannot be changed or deleted', TG_TABLE_NAME;
END $$;
-- ;;
CREATE TRIGGER ledger_entry_append_only BEFORE UPDATE OR DELETE ON ledger_journalentry
FOR EACH ROW EXECUTE FUNCTION ledger_forbid_change();
-- ;;
CREATE TRIGGER ledger_entry_no_truncate BEFORE TRUNCATE ON ledger_journalentry
FOR EACH STATEMENT EXECUTE FUNCTION ledger_forbid_change();
-- ;;
CREATE TRIGGER ledger_line_append_only BEFORE UPDATE OR DELETE ON ledger_journalline
FOR EACH ROW EXECUTE FUNCTION ledger_forbid_change();
-- ;;
CREATE TRIGGER ledger_line_no_truncate BEFORE TRUNCATE ON ledger_journalline
FOR EACH STATEMENT EXECUTE FUNCTION ledger_forbid_change();
-- ;;
CREATE TRIGGER ledger_checkpoint_append_only BEFORE UPDATE OR DELETE ON ledger_checkpoint
FOR EACH ROW EXECUTE FUNCTION ledger_forbid_change();
-- ;;
CREATE TRIGGER audit_event_append_only BEFORE UPDATE OR DELETE ON audit_auditevent
FOR EACH ROW EXECUTE FUNCTION ledger_forbid_change();
-- ;;
CREATE FUNCTION ledger_period_stays_closed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF OLD.closed_at IS NOT NULL THEN
    RAISE EXCEPTION 'LEDGER_PERIOD_CLOSED: a closed period cannot be changed';
  END IF;
  RETURN NEW;
END $$;
-- ;;
CREATE TRIGGER ledger_period_stays_closed BEFORE UPDATE OR DELETE ON ledger_accountingperiod
FOR EACH ROW EXECUTE FUNCTION ledger_period_stays_closed();
-- ;;
CREATE FUNCTION ledger_entry_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF EXISTS (SELECT 1 FROM ledger_accountingperiod p
             WHERE p.cooperative_id = NEW.cooperative_id AND p.closed_at IS NOT NULL
               AND NEW.date BETWEEN p.start_date AND p.end_date) THEN
    RAISE EXCEPTION 'LEDGER_PERIOD_CLOSED: the period of % is closed', NEW.date;
  END IF;
  RETURN NEW;
END $$;
-- ;;
CREATE TRIGGER ledger_entry_guard BEFORE INSERT ON ledger_journalentry
FOR EACH ROW EXECUTE FUNCTION ledger_entry_guard();
-- ;;
CREATE FUNCTION ledger_line_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF (SELECT cooperative_id FROM ledger_journalentry WHERE id = NEW.entry_id) <> NEW.cooperative_id
     OR (SELECT cooperative_id FROM ledger_account WHERE id = NEW.account_id) <> NEW.cooperative_id THEN
    RAISE EXCEPTION 'LEDGER_TENANT: line, entry and account belong to different cooperatives';
  END IF;
  RETURN NEW;
END $$;
-- ;;
CREATE TRIGGER ledger_line_guard BEFORE INSERT ON ledger_journalline
FOR EACH ROW EXECUTE FUNCTION ledger_line_guard();
-- ;;
-- The balance rule, checked at commit so an entry and its lines can be inserted in any order.
CREATE FUNCTION ledger_entry_balanced() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  target_id bigint;
  n bigint; d bigint; c bigint;
  expected_n bigint; expected_total bigint;
BEGIN
  IF TG_TABLE_NAME = 'ledger_journalentry' THEN target_id := NEW.id; ELSE target_id := NEW.entry_id; END IF;
  SELECT count(*), coalesce(sum(debit), 0), coalesce(sum(credit), 0) INTO n, d, c
    FROM ledger_journalline l WHERE l.entry_id = target_id;
  SELECT line_count, total INTO expected_n, expected_total
    FROM ledger_journalentry e WHERE e.id = target_id;
  IF n <> expected_n OR d <> expected_total OR c <> expected_total THEN
    RAISE EXCEPTION 'LEDGER_UNBALANCED: entry % has % lines, debit %, credit % (expected % lines, total %)',
      target_id, n, d, c, expected_n, expected_total;
  END IF;
  RETURN NULL;
END $$;
-- ;;
CREATE CONSTRAINT TRIGGER ledger_entry_balanced AFTER INSERT ON ledger_journalentry
DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION ledger_entry_balanced();
-- ;;
CREATE CONSTRAINT TRIGGER ledger_line_balanced AFTER INSERT ON ledger_journalline
DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION ledger_entry_balanced();
