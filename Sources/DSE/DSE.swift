// The library a simulator calls (docs/library.md): load a network (Loading.swift), plan it with a
// strategy in a context (Planner, PlanContext, Sweep), read the plan's units, costs and lazy
// transfer stream (Plan, PlanTransfers), run it on data (Verifier); every error a DSEError. The
// inner modules are re-exported for the CLI and for callers who want the models themselves.
// DRAM.swift: the plan's tensors at addresses, its transfers as DRAM bursts, the DRAM model.
@_exported import DRAM
@_exported import FixedPoint
@_exported import Networks
@_exported import ONNX
@_exported import Reports
@_exported import Solver
@_exported import Tiling

/// Version and identity of the engine.
public enum Engine {
  /// The library's version (`dse_version()` in C).
  public static let version = "0.2.0"
}
