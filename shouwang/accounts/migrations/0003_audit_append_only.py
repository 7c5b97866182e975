"""Make the audit log append-only in the database itself.

UPDATE is refused on both engines; DELETE is refused on PostgreSQL (on SQLite the test
runner's flush deletes rows, so there the rule is the application's). TRUNCATE, an
operator's deliberate act, stays possible for retention maintenance.
"""

from django.db import migrations

PG_FORWARD = """
CREATE FUNCTION accounts_audit_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'audit log is append-only';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER accounts_audit_no_update BEFORE UPDATE OR DELETE ON accounts_auditevent
    FOR EACH ROW EXECUTE FUNCTION accounts_audit_append_only();
"""
PG_BACKWARD = """
DROP TRIGGER IF EXISTS accounts_audit_no_update ON accounts_auditevent;
DROP FUNCTION IF EXISTS accounts_audit_append_only();
"""
SQLITE_FORWARD = """
CREATE TRIGGER accounts_audit_no_update BEFORE UPDATE ON accounts_auditevent
BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END;
"""
SQLITE_BACKWARD = "DROP TRIGGER IF EXISTS accounts_audit_no_update;"


def forward(apps, schema_editor):
    sql = PG_FORWARD if schema_editor.connection.vendor == "postgresql" else SQLITE_FORWARD
    schema_editor.execute(sql)


def backward(apps, schema_editor):
    sql = PG_BACKWARD if schema_editor.connection.vendor == "postgresql" else SQLITE_BACKWARD
    schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("accounts", "0002_initial")]
    operations = [migrations.RunPython(forward, backward)]
