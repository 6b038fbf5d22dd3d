/// Profiles in SQLite through GRDB.
import GRDB
import RecsysEngine
public enum RecsysStoreModule {}
