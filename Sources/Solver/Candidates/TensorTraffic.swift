import Networks
import Tiling

/// Entries a candidate moves of one tensor, and whose bit width they take: what lets the
/// optimizer re-price a candidate when it chooses layer widths (docs/optimizer.md, "Bit widths").
package struct TensorTraffic: Hashable, Sendable {
  package enum Owner: Hashable, Sendable {
    /// The weights of the layer with this index.
    case weights(Int)
    /// The output activations of the layer with this index (partial sums too).
    case activations(Int)
    /// A network input, at its fixed width.
    case input(bits: Int)
  }

  package var owner: Owner
  /// Entries moved; partial sums count `psumWidth` times (they are that many entries wide).
  package var entries: Int

  package init(owner: Owner, entries: Int) {
    self.owner = owner
    self.entries = entries
  }

  /// The width of the owner's entries when layer `index` has width `width(index)`.
  package func bits(width: (Int) -> Int) -> Int {
    switch owner {
    case .weights(let layer), .activations(let layer): return entries * width(layer)
    case .input(let bits): return entries * bits
    }
  }
}

extension TensorTraffic {
  /// The tensors a unit covering `layers` moves, from its traffic by operand.
  static func moves(of unit: PlanUnit, layers: Range<Int>, in analysis: NetworkAnalysis, psumWidth: Int) -> [TensorTraffic] {
    switch unit {
    case .layer(let schedule):
      let index = layers.lowerBound
      let layer = analysis.layers[index]
      let traffic = schedule.traffic
      var moves: [TensorTraffic] = []
      // The layer model prices every input read at its first input's width (`OperandBits`).
      if let name = layer.layer.inputs.first {
        moves.append(TensorTraffic(owner: owner(of: name, in: analysis), entries: traffic.inputReads))
      }
      moves.append(TensorTraffic(owner: .weights(index), entries: traffic.weightReads))
      moves.append(
        TensorTraffic(
          owner: .activations(index), entries: traffic.outputWrites + (traffic.psumReads + traffic.psumWrites) * psumWidth))
      return moves.filter { $0.entries > 0 }
    case .segment(let schedule):
      let segment = schedule.segment
      let traffic = schedule.cost.traffic
      let first = layers.lowerBound
      var moves = [TensorTraffic(owner: owner(of: segment.inputName, in: analysis), entries: traffic.inputReads)]
      for (offset, layer) in segment.layers.enumerated() {
        moves.append(TensorTraffic(owner: .weights(first + offset), entries: traffic.weightReads[offset]))
        let skipped = traffic.skipReads[offset]
        switch layer.skip {
        case .segmentInput?: moves.append(TensorTraffic(owner: owner(of: segment.inputName, in: analysis), entries: skipped))
        case .external(let name, _)?: moves.append(TensorTraffic(owner: owner(of: name, in: analysis), entries: skipped))
        case .layer?, nil: break
        }
      }
      moves.append(TensorTraffic(owner: .activations(layers.upperBound - 1), entries: traffic.outputWrites))
      return moves.filter { $0.entries > 0 }
    }
  }

  /// Who owns a tensor's width: the layer that produces it, or the network input.
  static func owner(of tensor: String, in analysis: NetworkAnalysis) -> Owner {
    if let index = analysis.layerIndex(named: tensor) { return .activations(index) }
    return .input(bits: analysis.network.inputs.first { $0.name == tensor }?.bits ?? 8)
  }
}
