/// The native network format: YAML, shapes inferred (docs/network-format.md).
public enum NetworkYAML {
  /// Parses a network. `file` is used in error messages and for the default network name.
  public static func read(_ text: String, file: String) throws(NetworkError) -> Network {
    var reader = YAMLNetworkReader(file: file)
    return try reader.read(text)
  }

  /// Writes a network in the native format, flat (blocks expanded), one layer a line.
  /// Reading the result back gives an equal network.
  public static func write(_ network: Network) -> String {
    YAMLNetworkWriter(network: network).render()
  }
}
