// The public library facade: a simulator imports `DSE` and gets the network model and
// the renderers without naming the inner modules.
@_exported import FixedPoint
@_exported import Networks
@_exported import Reports
@_exported import Solver
@_exported import Tiling

/// Version and identity of the engine.
public enum Engine {
  public static let version = "0.1.0"
}
