/// The pure UI core: state, messages, update and view. No curses here.
import RecsysEngine
public enum RecsysUIModule {}
