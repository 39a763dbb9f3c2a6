import Foundation

/// The command line of dse-fuzz itself. Bad arguments exit with status 2.
struct Options {
  static let usage = """
    USAGE: dse-fuzz [--seconds N | --minutes N] [--seed S] [--jobs N] [--keep DIR] [--cases N]
                    [--start I] [--dse PATH] [--root DIR] [--memory-mb N] [--work DIR] [--log FILE]
           dse-fuzz --replay DIR [--dse PATH] [--memory-mb N]
           dse-fuzz --print I [--seed S] [--root DIR] [--dse PATH]

    Runs seeded hostile cases (networks and command lines) against the dse binary, each as a
    separate process in a fresh sandbox, and classifies each outcome (docs/fuzzing.md).

      --seconds N, --minutes N  time budget of the campaign (default: 60 seconds)
      --seed S                  campaign seed: case I of seed S is always the same (default: 1)
      --jobs N                  cases run at a time (default: 2)
      --keep DIR                where failing cases are saved as SEED-INDEX/ (default: fuzz-failures)
      --cases N                 stop after N cases even if time is left
      --start I                 first case index (default: 0)
      --dse PATH                the binary under test (default: dse beside dse-fuzz)
      --root DIR                the repository, for nets/ and arch/ (default: the current folder)
      --memory-mb N             address-space limit of each dse run (default: 4096; 0: none)
      --work DIR                where sandboxes are made (default: a new folder in $TMPDIR)
      --log FILE                append one line per case: label, class, seconds, command, last stderr line
      --no-backtrace            do not re-run traps under gdb for a backtrace
      --replay DIR              re-run one saved case and print its outcome
      --print I                 print case I of the seed (summary, files, command) without running it
    """

  var seed: UInt64 = 1
  var seconds = 60.0
  var jobs = 2
  var keep = "fuzz-failures"
  var log: String?
  var backtraces = true
  var maximumCases: Int?
  var start = 0
  var dse: String?
  var root = FileManager.default.currentDirectoryPath
  var memoryLimitMB = 4096
  var work: String?
  var replay: String?
  var printIndex: Int?
  var help = false

  init(_ arguments: [String]) throws {
    var rest = arguments[...]
    func value(_ option: String) throws -> String {
      guard let next = rest.popFirst() else { throw FuzzError("\(option) needs a value") }
      return next
    }
    func number<T: LosslessStringConvertible & Comparable>(_ option: String, _ type: T.Type, atLeast minimum: T) throws -> T {
      let text = try value(option)
      guard let parsed = T(text), parsed >= minimum else { throw FuzzError("\(option) \(text): expected a number of at least \(minimum)") }
      return parsed
    }
    while let option = rest.popFirst() {
      switch option {
      case "--seed": seed = try number(option, UInt64.self, atLeast: 0)
      case "--seconds": seconds = try number(option, Double.self, atLeast: 0)
      case "--minutes": seconds = try number(option, Double.self, atLeast: 0) * 60
      case "--jobs": jobs = try number(option, Int.self, atLeast: 1)
      case "--keep": keep = try value(option)
      case "--log": log = try value(option)
      case "--no-backtrace": backtraces = false
      case "--cases": maximumCases = try number(option, Int.self, atLeast: 0)
      case "--start": start = try number(option, Int.self, atLeast: 0)
      case "--dse": dse = try value(option)
      case "--root": root = try value(option)
      case "--memory-mb": memoryLimitMB = try number(option, Int.self, atLeast: 0)
      case "--work": work = try value(option)
      case "--replay": replay = try value(option)
      case "--print": printIndex = try number(option, Int.self, atLeast: 0)
      case "-h", "--help": help = true
      default: throw FuzzError("unknown argument '\(option)'")
      }
    }
    guard seconds.isFinite, jobs <= 64 else { throw FuzzError("--seconds must be finite and --jobs at most 64") }
  }

  /// The binary under test: `--dse`, or `dse` in the folder of this executable.
  func dseBinary() throws -> String {
    let path = dse ?? ((Bundle.main.executablePath ?? CommandLine.arguments[0]) as NSString)
      .deletingLastPathComponent.appending("/dse")
    guard FileManager.default.isExecutableFile(atPath: path) else { throw FuzzError("no dse binary at \(path); build it or pass --dse") }
    return (path as NSString).standardizingPath.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
  }
}
