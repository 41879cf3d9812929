-- The audit ledger is append-only. These guards stop every writer that goes through SQLite,
-- including a stray script with the wrong idea; `audit verify` catches anyone who removes them.
CREATE TRIGGER `audit_ledger_refuse_update` BEFORE UPDATE ON `audit_ledger`
BEGIN
  SELECT RAISE(ABORT, 'audit_ledger is append-only: UPDATE refused');
END;
--> statement-breakpoint
CREATE TRIGGER `audit_ledger_refuse_delete` BEFORE DELETE ON `audit_ledger`
BEGIN
  SELECT RAISE(ABORT, 'audit_ledger is append-only: DELETE refused');
END;
--> statement-breakpoint
CREATE TRIGGER `audit_ledger_extend_chain` BEFORE INSERT ON `audit_ledger`
WHEN NEW.`seq` IS NOT (SELECT COALESCE(MAX(`seq`), 0) + 1 FROM `audit_ledger`)
  OR NEW.`prev_hash` IS NOT COALESCE(
    (SELECT `hash` FROM `audit_ledger` ORDER BY `seq` DESC LIMIT 1),
    '0000000000000000000000000000000000000000000000000000000000000000')
BEGIN
  SELECT RAISE(ABORT, 'audit_ledger: an insert must extend the chain (seq = head + 1, prev_hash = head hash)');
END;
