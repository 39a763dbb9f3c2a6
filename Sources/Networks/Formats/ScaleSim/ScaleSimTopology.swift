/// SCALE-Sim's classic convolution topology CSV.
///
/// ```
/// Layer name, IFMAP Height, IFMAP Width, Filter Height, Filter Width, Channels, Num Filter, Strides,
/// Conv1, 226, 226, 3, 3, 3, 64, 1,
/// ```
///
/// SCALE-Sim simulates each row as an independent GEMM, so a topology is a list of layers, not a
/// graph: it has no padding (IFMAP sizes already include it), no groups, no bias, no activation and
/// no precision. Its output size is `(IFMAP - Filter) / Stride + 1` and its MAC count
/// `Ho * Wo * Fh * Fw * Channels * NumFilter`; both directions here keep that MAC count per layer,
/// which is what a SCALE-Sim comparison needs, and drop what the format cannot say.
///
/// SCALE-Sim v2 also accepts a ninth column, the stride width, when the stride is not square; the
/// reader takes it when the header has nine columns. The writer always writes the classic eight.
public enum ScaleSimTopology {
  /// The header the writer emits, and whose first column the reader requires.
  static let columns = [
    "Layer name", "IFMAP Height", "IFMAP Width", "Filter Height", "Filter Width", "Channels", "Num Filter",
    "Strides",
  ]
  /// The ninth column of SCALE-Sim v2 topologies with separate strides.
  static let strideWidthColumn = "Stride Width"

  /// Parses a topology into a network in which every row is a convolution reading its own
  /// network input `<layer>.ifmap` of shape [Channels, IFMAP Height, IFMAP Width], with zero
  /// padding and no bias, so its MACs equal SCALE-Sim's.
  ///
  /// Tolerates what real topology files contain: trailing commas (or their absence), spaces
  /// and tabs around values, blank or all-comma lines, CRLF line ends, and `#` comments
  /// (`Conv2_dw, 112, 112, 3, 3, 1, 1, 1,#dw`). SCALE-Sim treats rows whose name contains
  /// `DP` as one single-channel layer per channel; the MAC count is the same as that of the
  /// plain convolution read here.
  public static func read(_ text: String, file: String) throws(NetworkError) -> Network {
    try ScaleSimReader(file: file).read(text)
  }

  /// Writes one row per convolution or fully connected layer, in network order.
  ///
  /// Pooling, add, concat, upsample and global pooling rows are skipped: a topology holds only
  /// convolution/GEMM layers, and those cost no MACs in this model. A convolution is written
  /// with its padded input size as the IFMAP and its input channels per group as Channels, so a
  /// grouped or depthwise layer keeps its MAC count but reads back as an ungrouped convolution
  /// on that many channels. A fully connected layer becomes a 1x1 filter on a 1x1 IFMAP with
  /// the flattened input features as Channels. Activations, biases and precisions are not
  /// written. A layer whose stride differs between height and width is refused, since the
  /// classic format has one stride.
  public static func write(_ network: Network) throws(NetworkError) -> String {
    try ScaleSimWriter(network: network).render()
  }
}
