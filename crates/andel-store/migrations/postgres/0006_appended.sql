-- Tell every process on the database of each commit that appends to a journal stream
-- (`LISTEN andel_appended`), so that a service running as several processes wakes the
-- followers of the others. The notice is `<tenant>` TAB `<stream>`; PostgreSQL sends it
-- when the transaction commits, and once however many entries the transaction added to
-- the stream. Nothing is sent for a transaction that rolls back.
CREATE FUNCTION andel_notify_appended() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('andel_appended', NEW.tenant || chr(9) || NEW.stream);
    RETURN NULL;
END
$$;

CREATE TRIGGER andel_appended AFTER INSERT ON andel_journal
    FOR EACH ROW EXECUTE FUNCTION andel_notify_appended();
