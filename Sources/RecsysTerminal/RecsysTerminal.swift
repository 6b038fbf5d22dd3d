/// The terminal backend: the only importer of ncurses.
import CNcursesw
import RecsysUI
public enum RecsysTerminalModule {}
