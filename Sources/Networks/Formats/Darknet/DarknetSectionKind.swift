/// The cfg sections the reader understands, and the keys each one accepts.
///
/// Keys are listed per section so that a typo (`filter=`) is an error instead of a
/// silently different network. The `ignored` lists hold keys Darknet reads for training or
/// post-processing only: they change neither shapes nor MACs, and real cfgs are full of them.
enum DarknetSectionKind: String, CaseIterable, Sendable {
  case net
  case convolutional
  case connected
  case maxpool
  case avgpool
  case route
  case shortcut
  case upsample
  case yolo
  case region
  case detection
  case dropout
  case softmax
  case cost

  /// Darknet's own short spellings (`string_to_layer_type` in parser.c).
  private static let aliases: [String: DarknetSectionKind] = [
    "network": .net, "conv": .convolutional, "conn": .connected, "max": .maxpool, "avg": .avgpool,
    "soft": .softmax,
  ]

  init?(header: String) {
    guard let kind = DarknetSectionKind(rawValue: header) ?? Self.aliases[header] else { return nil }
    self = kind
  }

  /// For error messages: the headers that may follow [net], aliases included.
  static var layerHeaders: String {
    let names = allCases.filter { $0 != .net }.map(\.rawValue) + aliases.filter { $0.value != .net }.keys.sorted()
    return names.map { "[\($0)]" }.joined(separator: ", ")
  }

  /// The stem of the names of layers read from this section (`conv12`, `route83`).
  var namePrefix: String {
    switch self {
    case .convolutional: return "conv"
    case .connected: return "fc"
    default: return rawValue
    }
  }

  /// What the section becomes in the model, which decides how its Darknet index resolves.
  enum Role { case layer, alias, outputMarker, passThrough }

  var role: Role {
    switch self {
    case .net: return .passThrough  // Never asked: [net] is read before the layers.
    case .convolutional, .connected, .maxpool, .avgpool, .shortcut, .upsample: return .layer
    case .route: return .alias
    case .yolo, .region, .detection: return .outputMarker
    case .dropout, .softmax, .cost: return .passThrough
    }
  }

  /// Keys whose values the reader uses.
  var acceptedKeys: [String] {
    switch self {
    case .net: return ["width", "height", "channels"]
    case .convolutional:
      return ["filters", "size", "stride", "pad", "padding", "groups", "batch_normalize", "activation"]
    case .connected: return ["output", "batch_normalize", "activation"]
    case .maxpool: return ["size", "stride", "padding"]
    case .avgpool: return []
    case .route: return ["layers"]
    case .shortcut: return ["from", "activation"]
    case .upsample: return ["stride"]
    case .yolo, .region, .detection, .dropout, .softmax, .cost: return []
    }
  }

  /// Keys Darknet accepts that do not change the computation the model counts.
  var ignoredKeys: [String] {
    switch self {
    case .net: return []  // [net] has dozens of training keys: every other key is ignored there.
    case .convolutional: return ["dont_load", "dont_load_scales", "dont_update", "stopbackward"]
    case .connected, .maxpool, .avgpool, .route, .shortcut: return []
    case .upsample: return ["scale"]
    case .yolo:
      return [
        "mask", "anchors", "classes", "num", "jitter", "ignore_thresh", "truth_thresh", "random", "scale_x_y",
        "iou_thresh", "cls_normalizer", "iou_normalizer", "iou_loss", "nms_kind", "beta_nms", "max_delta",
        "counters_per_class", "label_smooth_eps", "resize",
      ]
    case .region:
      return [
        "anchors", "bias_match", "classes", "coords", "num", "softmax", "jitter", "rescore", "object_scale",
        "noobject_scale", "class_scale", "coord_scale", "absolute", "thresh", "random",
      ]
    case .detection:
      return [
        "classes", "coords", "rescore", "side", "num", "softmax", "sqrt", "jitter", "object_scale", "noobject_scale",
        "class_scale", "coord_scale",
      ]
    case .dropout: return ["probability"]
    case .softmax: return ["groups", "temperature", "spatial", "noloss", "tree"]
    case .cost: return ["type", "scale", "ratio", "noobject_scale", "thresh"]
    }
  }

  /// [net] carries training settings that are no concern of the model, so it takes any key.
  var acceptsAnyKey: Bool { self == .net }
}
