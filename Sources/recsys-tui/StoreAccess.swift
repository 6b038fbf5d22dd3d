import RecsysEngine

// ┌──────────────────────────────────────────────────────────────────────────┐
// │ THE ONE PLACE the executable gets its profile store.                      │
// │ PROVISIONAL: returns a volatile in-memory store. The SQLite store         │
// │ (RecsysStore) replaces this body; `db` is the --db path (nil = default).  │
// └──────────────────────────────────────────────────────────────────────────┘
/// Opens the profile store the commands read and write.
func openProfileStore(db: String?) throws -> any ProfileStoring {
    InMemoryProfileStore()
}
