/// SCALE-Sim topology CSV reader and writer. (Being written; see issue 2.)
public enum ScaleSimTopology {
  public static func read(_ text: String, file: String) throws(NetworkError) -> Network {
    throw NetworkError("SCALE-Sim import is not built yet", location: FileLocation(file: file))
  }
  public static func write(_ network: Network) throws(NetworkError) -> String {
    throw NetworkError("SCALE-Sim export is not built yet")
  }
}
