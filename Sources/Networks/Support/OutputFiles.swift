import Foundation
import Synchronization

/// Writes `text` to a temporary file beside `path` and renames it into place, so that
/// a failure never leaves a half-written output. A `path` that is a device, a pipe or a socket
/// (`/dev/null`, `/dev/stdout`) is written straight into: renaming over it would replace the
/// device with a file.
public func writeTextAtomically(_ text: String, to path: String) throws(NetworkError) {
  try writeBytesAtomically(Array(text.utf8), to: path)
}

/// `writeTextAtomically` for binary contents (an ONNX model).
public func writeBytesAtomically(_ bytes: [UInt8], to path: String) throws(NetworkError) {
  var status = stat()
  if stat(path, &status) == 0 && status.st_mode & S_IFMT != S_IFREG {
    guard status.st_mode & S_IFMT != S_IFDIR else {
      throw NetworkError("cannot write the file: it is a folder", location: FileLocation(file: path))
    }
    try write(bytes, into: path, flags: O_WRONLY | O_CLOEXEC, reportedAs: path)
    return
  }
  let temporary = temporaryPath(beside: path)
  do {
    try write(bytes, into: temporary, flags: O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, reportedAs: path)
  } catch {
    unlink(temporary)
    throw error
  }
  try moveIntoPlace(temporary, at: path)
}

/// Writes all of `bytes` into the file at `target`, opened with `flags`; errors name `path`.
private func write(_ bytes: [UInt8], into target: String, flags: Int32, reportedAs path: String) throws(NetworkError) {
  let descriptor = open(target, flags, 0o644)
  guard descriptor >= 0 else {
    throw NetworkError("cannot write the file: \(fileSystemReason(errno))", location: FileLocation(file: path))
  }
  var failure: Int32?
  var remaining = bytes[...]
  while !remaining.isEmpty && failure == nil {
    let written = remaining.withUnsafeBytes { Foundation.write(descriptor, $0.baseAddress, $0.count) }
    if written < 0 {
      if errno != EINTR { failure = errno }
    } else {
      remaining = remaining.dropFirst(written)
    }
  }
  if close(descriptor) != 0 && failure == nil { failure = errno }
  if let failure {
    throw NetworkError("cannot write the file: \(fileSystemReason(failure))", location: FileLocation(file: path))
  }
}

/// A file-system error number in words, with what usually causes it.
public func fileSystemReason(_ code: Int32) -> String {
  switch code {
  case ENOENT: return "its folder does not exist"
  case ENOTDIR: return "a part of the path is a file, not a folder"
  case EACCES, EPERM: return "permission denied"
  case EROFS: return "the file system is read-only"
  case ENOSPC: return "no space left on the device"
  case EISDIR: return "it is a folder"
  default: return String(cString: strerror(code))
  }
}

/// A hidden path in the same folder as `path`, for writing new contents that `moveIntoPlace`
/// then renames over `path` (a rename is atomic only within one file system). Named
/// `.NAME.PID.tmp`, so that `OutputFolder.removeStaleTemporaries` can tell whose it is. The
/// first call for a folder removes what killed runs left there.
public func temporaryPath(beside path: String) -> String {
  let url = URL(fileURLWithPath: path)
  let folder = url.deletingLastPathComponent().path
  OutputFolder.removeStaleTemporariesOnce(in: folder)
  let name = ".\(url.lastPathComponent).\(ProcessInfo.processInfo.processIdentifier).tmp"
  return url.deletingLastPathComponent().appendingPathComponent(name).path
}

/// Renames `temporary` over `path` atomically, removing `temporary` if that fails. Over a
/// device, a pipe or a socket, the contents are written into it instead (a rename would
/// replace the device with a file).
public func moveIntoPlace(_ temporary: String, at path: String) throws(NetworkError) {
  var status = stat()
  if stat(path, &status) == 0, status.st_mode & S_IFMT != S_IFREG, status.st_mode & S_IFMT != S_IFDIR {
    defer { unlink(temporary) }
    guard let data = FileManager.default.contents(atPath: temporary) else {
      throw NetworkError("cannot write the file: its temporary copy is gone", location: FileLocation(file: path))
    }
    try write([UInt8](data), into: path, flags: O_WRONLY | O_CLOEXEC, reportedAs: path)
    return
  }
  // POSIX rename replaces an existing file atomically. FileManager.replaceItemAt is not used:
  // on Linux it fails and deletes both files (swift-corelibs-foundation issue 4655).
  guard rename(temporary, path) == 0 else {
    let reason = fileSystemReason(errno)
    try? FileManager.default.removeItem(atPath: temporary)
    throw NetworkError("cannot write the file: \(reason)", location: FileLocation(file: path))
  }
}

/// Output folders and the file names made in them from user text.
public enum OutputFolder {
  /// Longest file-name stem made from a name, in characters.
  public static let stemLength = 100

  /// A file-name stem for a network (or any user-given) name: letters, digits, '.', '_', '+'
  /// and '-' kept, every other character (path separators, NUL, spaces, non-ASCII) replaced by
  /// '_', no leading '.', at most `stemLength` characters; "network" when nothing is left.
  /// Every output file named after user text goes through here, so none leaves its folder.
  public static func stem(for name: String) -> String {
    var stem = String(
      name.unicodeScalars.prefix(stemLength).map { scalar -> Character in
        let kept = scalar.isASCII && (CharacterSet.alphanumerics.contains(scalar) || "._+-".unicodeScalars.contains(scalar))
        return kept ? Character(scalar) : "_"
      })
    while stem.hasPrefix(".") { stem.removeFirst() }
    return stem.isEmpty ? "network" : stem
  }

  /// Creates `path` (and its parents) if needed and checks that files can be written in it, so
  /// that a bad output folder is reported in one line before any work is done.
  public static func prepare(_ path: String) throws(NetworkError) {
    let location = FileLocation(file: path)
    guard !path.isEmpty else { throw NetworkError("the output folder is an empty path", location: location) }
    // One component at a time, so that the error names the part of the path at fault.
    var prefix = path.hasPrefix("/") ? "/" : ""
    for component in path.split(separator: "/") {
      prefix += component
      var isFolder: ObjCBool = false
      if FileManager.default.fileExists(atPath: prefix, isDirectory: &isFolder) {
        guard isFolder.boolValue else {
          throw NetworkError("cannot use it as the output folder: \(prefix) is not a folder", location: location)
        }
      } else if mkdir(prefix, 0o755) != 0 && errno != EEXIST {
        throw NetworkError("cannot create the output folder \(prefix): \(fileSystemReason(errno))", location: location)
      }
      prefix += "/"
    }
    let probe = temporaryPath(beside: (path as NSString).appendingPathComponent("write-check"))
    let descriptor = open(probe, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
    guard descriptor >= 0 else {
      throw NetworkError("cannot write files in the output folder: \(fileSystemReason(errno))", location: location)
    }
    close(descriptor)
    unlink(probe)
  }

  /// Removes the temporary files (`.NAME.PID.tmp`) that processes no longer running left in
  /// `folder`, such as a run that was killed while writing. Files of live processes stay.
  public static func removeStaleTemporaries(in folder: String) {
    guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder) else { return }
    for name in names where name.hasPrefix(".") && name.hasSuffix(".tmp") {
      let parts = name.dropLast(4).split(separator: ".")
      guard parts.count >= 2, let pid = pid_t(parts[parts.count - 1]), pid > 0 else { continue }
      if kill(pid, 0) != 0 && errno == ESRCH {
        try? FileManager.default.removeItem(atPath: (folder as NSString).appendingPathComponent(name))
      }
    }
  }

  private static let cleaned = Mutex<Set<String>>([])

  static func removeStaleTemporariesOnce(in folder: String) {
    let first = cleaned.withLock { $0.insert(folder).inserted }
    if first { removeStaleTemporaries(in: folder) }
  }
}
