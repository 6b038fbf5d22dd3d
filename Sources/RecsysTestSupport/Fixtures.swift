/// Test helpers shared by every test target.
import RecsysEngine
public enum Fixtures {}
