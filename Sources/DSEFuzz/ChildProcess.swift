import Foundation
import Synchronization

/// Runs one program as a black box: no stdin (`/dev/null`), its own process group (killed as a
/// whole at the time limit, so that a `dot` it started dies with it), an address-space limit and
/// a 1 GiB file-size limit (set by a `/bin/sh` wrapper that then `exec`s the program), and stdout and stderr read concurrently through `poll`, keeping the first 64 KB and the last
/// 4 KB of each and their total sizes however much the child prints.
enum ChildProcess {
  /// What a run left: how it ended, how long it took, and what it printed.
  struct Result: Sendable {
    /// The exit status when the child exited (the shell wrapper's 125 when `cd` failed).
    var exitCode: Int32?
    /// The signal that killed the child, if one did.
    var signal: Int32?
    /// Killed by us at the time limit.
    var timedOut: Bool
    var seconds: Double
    var stdout: Stream
    var stderr: Stream
  }

  /// The kept parts of one output stream.
  struct Stream: Sendable {
    static let headLimit = 64 * 1024
    static let tailLimit = 4 * 1024
    /// The first `headLimit` bytes.
    var head: [UInt8] = []
    /// The last `tailLimit` bytes (overlapping `head` when the stream is short).
    var tail: [UInt8] = []
    /// Every byte the child wrote, counted.
    var total = 0

    mutating func append(_ bytes: UnsafeRawBufferPointer) {
      total += bytes.count
      if head.count < Stream.headLimit { head += bytes.prefix(Stream.headLimit - head.count) }
      tail += bytes.suffix(Stream.tailLimit)
      if tail.count > Stream.tailLimit { tail.removeFirst(tail.count - Stream.tailLimit) }
    }

    /// The head as text (invalid UTF-8 repaired), at most `limit` bytes.
    func text(limit: Int = headLimit) -> String { String(decoding: head.prefix(limit), as: UTF8.self) }
    /// The tail as text.
    var tailText: String { String(decoding: tail, as: UTF8.self) }
  }

  /// Pipes are made and the child spawned under this lock, so that no child inherits the other
  /// job's pipe ends between `pipe` and `FD_CLOEXEC` (which would hold its stdout open).
  private static let spawnLock = NSLock()

  /// Process groups of the children running now, for `killAll`.
  private static let running = Mutex<Set<pid_t>>([])

  /// Kills every running child's process group (dse-fuzz was interrupted).
  static func killAll() {
    running.withLock { groups in
      for group in groups { kill(-group, SIGKILL) }
    }
  }

  /// Runs `executable` with `arguments` in `directory`, killing its process group after
  /// `timeLimit` seconds; `memoryLimitMB` (0: none) caps the child's address space.
  static func run(
    executable: String, arguments: [String], directory: String, timeLimit: Double, memoryLimitMB: Int
  ) -> Result {
    // Files of at most 1 GiB (2^21 blocks of 512 bytes): a run that writes more dies of SIGXFSZ.
    let script = "ulimit -v \"$1\" 2>/dev/null; ulimit -f 2097152 2>/dev/null; cd \"$2\" || exit 125; shift 2; exec \"$@\""
    let memory = memoryLimitMB > 0 ? String(memoryLimitMB * 1024) : "unlimited"
    let argv = ["/bin/sh", "-c", script, "dse-fuzz", memory, directory, executable] + arguments
    var environment = ProcessInfo.processInfo.environment
    // Crashes print a backtrace (to stderr, no prompts, no colours) that names where dse trapped.
    environment["SWIFT_BACKTRACE"] = "enable=yes,interactive=no,color=no"
    let start = DispatchTime.now().uptimeNanoseconds
    let elapsed = { Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9 }

    guard let (pid, outRead, errRead) = spawn(argv: argv, environment: environment) else {
      var failure = Stream()
      Array("dse-fuzz: cannot start \(executable)\n".utf8).withUnsafeBytes { failure.append($0) }
      return Result(exitCode: 127, signal: nil, timedOut: false, seconds: 0, stdout: Stream(), stderr: failure)
    }
    running.withLock { _ = $0.insert(pid) }
    defer { running.withLock { _ = $0.remove(pid) } }
    var streams = [Stream(), Stream()]
    var descriptors = [outRead, errRead]
    var timedOut = false
    var killedAt: Double?
    var buffer = [UInt8](repeating: 0, count: 65536)
    // Read until both pipes close; kill the group at the limit, and stop waiting for pipes a
    // grandchild outside the group might still hold two seconds after that.
    while descriptors.contains(where: { $0 >= 0 }) {
      let now = elapsed()
      if killedAt == nil && now >= timeLimit {
        timedOut = true
        killedAt = now
        kill(-pid, SIGKILL)
        kill(pid, SIGKILL)
      }
      if let killedAt, now - killedAt > 2 { break }
      var polls = descriptors.filter { $0 >= 0 }.map { pollfd(fd: $0, events: Int16(POLLIN), revents: 0) }
      let ready = poll(&polls, nfds_t(polls.count), 100)
      if ready <= 0 { continue }
      for entry in polls where entry.revents != 0 {
        guard let slot = descriptors.firstIndex(of: entry.fd) else { continue }
        let count = buffer.withUnsafeMutableBytes { read(entry.fd, $0.baseAddress, $0.count) }
        if count > 0 {
          buffer.withUnsafeBytes { streams[slot].append(UnsafeRawBufferPointer(rebasing: $0.prefix(count))) }
        } else if count == 0 || (errno != EINTR && errno != EAGAIN) {
          close(entry.fd)
          descriptors[slot] = -1
        }
      }
    }
    for descriptor in descriptors where descriptor >= 0 { close(descriptor) }
    // The pipes are closed; the child may still run (it closed them itself): wait, to the limit.
    var status: Int32 = 0
    while waitpid(pid, &status, WNOHANG) == 0 {
      if elapsed() >= timeLimit && killedAt == nil {
        timedOut = true
        killedAt = elapsed()
        kill(-pid, SIGKILL)
      }
      usleep(5000)
    }
    let seconds = elapsed()
    kill(-pid, SIGKILL)  // whatever the child left running in its group
    let signal = status & 0x7F
    return Result(
      exitCode: signal == 0 ? (status >> 8) & 0xFF : nil, signal: signal == 0 ? nil : signal, timedOut: timedOut,
      seconds: seconds, stdout: streams[0], stderr: streams[1])
  }

  /// Starts the child in its own process group with stdin from `/dev/null` and stdout and
  /// stderr into new pipes; returns its pid and the read ends, or nil when it cannot start.
  private static func spawn(argv: [String], environment: [String: String]) -> (pid_t, Int32, Int32)? {
    spawnLock.lock()
    defer { spawnLock.unlock() }
    var outPipe: [Int32] = [0, 0]
    var errPipe: [Int32] = [0, 0]
    guard pipe(&outPipe) == 0 else { return nil }
    guard pipe(&errPipe) == 0 else {
      close(outPipe[0])
      close(outPipe[1])
      return nil
    }
    for descriptor in outPipe + errPipe { _ = fcntl(descriptor, F_SETFD, FD_CLOEXEC) }

    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
    posix_spawn_file_actions_adddup2(&actions, outPipe[1], 1)
    posix_spawn_file_actions_adddup2(&actions, errPipe[1], 2)

    var attributes = posix_spawnattr_t()
    posix_spawnattr_init(&attributes)
    defer { posix_spawnattr_destroy(&attributes) }
    posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK))
    posix_spawnattr_setpgroup(&attributes, 0)
    var all = sigset_t()
    sigfillset(&all)
    posix_spawnattr_setsigdefault(&attributes, &all)
    var none = sigset_t()
    sigemptyset(&none)
    posix_spawnattr_setsigmask(&attributes, &none)

    let cArguments = argv.map { strdup($0) } + [nil]
    let cEnvironment = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
    defer {
      for pointer in cArguments { free(pointer) }
      for pointer in cEnvironment { free(pointer) }
    }
    var pid: pid_t = 0
    let status = posix_spawn(&pid, argv[0], &actions, &attributes, cArguments, cEnvironment)
    close(outPipe[1])
    close(errPipe[1])
    guard status == 0 else {
      close(outPipe[0])
      close(errPipe[0])
      return nil
    }
    return (pid, outPipe[0], errPipe[0])
  }
}
