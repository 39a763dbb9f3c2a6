/// Darknet `.cfg` reader and writer, so that YOLO-family networks can be explored
/// without hand-translating them.
///
/// **Layer names.** Darknet layers have no names, only an index: the position of their
/// section after [net], counting from 0. Imported layers are named `<kind><index>` with
/// that index, so a name found in a report can be looked up in Darknet's own layer printout
/// and in the cfg's `layers=`/`from=` arithmetic:
/// `conv0` ([convolutional]), `fc7` ([connected]), `maxpool1`, `avgpool30`, `route24`
/// (a concat: a route of several layers), `shortcut4` (an add), `upsample28`.
/// Sections that become no layer still take their index: a one-layer [route] (an alias
/// of the layer it names), [yolo]/[region]/[detection] (they mark the layer before them as
/// a network output) and [dropout]/[softmax]/[cost] (the tensor passes through). Indices
/// are therefore not contiguous in the layer list. The network input is named `input`.
///
/// **Semantics kept exactly.** Convolution padding follows Darknet, where `pad=1` means
/// size/2 and wins over an explicit `padding=`. Max pooling pads `padding` (default size-1)
/// in total, padding/2 before and the rest after, so it becomes an asymmetric `Padding`.
/// Darknet always has biases (batch norm folds into them). Missing activations default to
/// Darknet's `logistic`, which the model does not have, so they are an error.
///
/// **Writing.** `write` emits a cfg only for networks Darknet can express exactly: see
/// `DarknetWriter` for what is refused.
public enum DarknetCfg {
  /// Parses cfg text; `file` names it in errors and gives the network its name.
  public static func read(_ text: String, file: String) throws(NetworkError) -> Network {
    var reader = DarknetReader(file: file)
    return try reader.read(text)
  }

  /// Renders `network` as a cfg that reads back with the same shapes and MACs, or throws
  /// naming the first layer Darknet cannot express and why.
  public static func write(_ network: Network) throws(NetworkError) -> String {
    var writer = try DarknetWriter(network: network)
    return try writer.render()
  }
}
