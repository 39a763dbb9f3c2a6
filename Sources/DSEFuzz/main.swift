import Foundation

// dse-fuzz: the fuzz suite of dse (docs/fuzzing.md). Exit 0 when no case failed, 1 otherwise,
// 2 on bad arguments to dse-fuzz itself.

/// Prints a one-line error and exits with `status`.
func fail(_ message: String, status: Int32) -> Never {
  FileHandle.standardError.write(Data("dse-fuzz: \(message)\n".utf8))
  exit(status)
}

/// Writes one line to stdout, unbuffered (workers and the main thread both report).
func say(_ line: String) {
  FileHandle.standardOutput.write(Data((line + "\n").utf8))
}

signal(SIGPIPE, SIG_IGN)
let options: Options
do {
  options = try Options(Array(CommandLine.arguments.dropFirst()))
} catch {
  fail("\(error)\n\(Options.usage)", status: 2)
}
if options.help {
  say(Options.usage)
  exit(0)
}

do {
  let dse = try options.dseBinary()
  let sandboxes = options.work ?? (NSTemporaryDirectory() as NSString).appendingPathComponent("dse-fuzz-\(getpid())")
  try FileManager.default.createDirectory(atPath: sandboxes, withIntermediateDirectories: true)
  let runner = CaseRunner(dse: dse, sandboxes: sandboxes, memoryLimitMB: options.memoryLimitMB)

  if let folder = options.replay {
    let fuzzCase = try CaseStore.load(folder)
    let report = runner.run(fuzzCase)
    say("replay of \(folder) (seed \(fuzzCase.seed), index \(fuzzCase.index)): \(fuzzCase.summary)")
    say(String(CaseStore.outcomeText(report).dropLast()))
    say("\(report.outcome.isFailure ? 0 : 1) passed, \(report.outcome.isFailure ? 1 : 0) failed")
    removeTree(sandboxes)
    exit(report.outcome.isFailure ? 1 : 0)
  }

  let corpus = try Corpus.load(root: options.root, dse: dse, scratch: sandboxes + "/corpus")
  let generator = CaseGenerator(corpus: corpus)
  if let index = options.printIndex {
    let fuzzCase = generator.make(seed: options.seed, index: index)
    say("case \(fuzzCase.label): \(fuzzCase.summary)")
    for file in fuzzCase.files { say("file \(file.path.debugDescription): \(file.bytes.count) bytes") }
    if !fuzzCase.folders.isEmpty { say("folders: \(fuzzCase.folders)") }
    if !fuzzCase.devices.isEmpty { say("null devices: \(fuzzCase.devices)") }
    if !fuzzCase.allowedWrites.isEmpty { say("allowed writes: \(fuzzCase.allowedWrites)") }
    say(CaseStore.commandLine(fuzzCase.arguments))
    removeTree(sandboxes)
    exit(0)
  }

  let settings = Campaign.Settings(
    seed: options.seed, start: options.start, seconds: options.seconds, maximumCases: options.maximumCases,
    jobs: options.jobs, keep: options.keep, log: options.log, backtraces: options.backtraces)
  FileHandle.standardError.write(Data(
    "dse-fuzz: seed \(options.seed), \(Int(options.seconds)) s, \(options.jobs) jobs, \(corpus.networks.count) seed networks; dse: \(dse)\n".utf8))
  let campaign = Campaign(settings: settings, generator: generator, runner: runner)
  let interrupts = [SIGINT, SIGTERM].map { number -> DispatchSourceSignal in
    signal(number, SIG_IGN)
    let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
    source.setEventHandler {
      campaign.stop()
      ChildProcess.killAll()
    }
    source.resume()
    return source
  }
  let tally = campaign.run()
  interrupts.forEach { $0.cancel() }
  for line in tally.summaryLines() { say(line) }
  removeTree(sandboxes)
  exit(tally.failed == 0 ? 0 : 1)
} catch {
  fail("\(error)", status: 2)
}
