/// Darknet `.cfg` reader and writer. (Being written; see issue 2.)
public enum DarknetCfg {
  public static func read(_ text: String, file: String) throws(NetworkError) -> Network {
    throw NetworkError("Darknet cfg import is not built yet", location: FileLocation(file: file))
  }
  public static func write(_ network: Network) throws(NetworkError) -> String {
    throw NetworkError("Darknet cfg export is not built yet")
  }
}
