DROP TABLE pending_fixups;
