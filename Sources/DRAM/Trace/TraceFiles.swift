#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import Networks

/// Writes all `count` bytes at `bytes` to `descriptor`, retrying on EINTR; returns errno on failure.
func traceWriteAll(_ descriptor: Int32, _ bytes: UnsafePointer<UInt8>, _ count: Int) -> Int32? {
  var done = 0
  while done < count {
    let written = write(descriptor, bytes + done, count - done)
    if written < 0 {
      if errno == EINTR { continue }
      return errno
    }
    done += written
  }
  return nil
}

/// Reads up to `count` bytes into `bytes`, retrying on EINTR; returns the count (0 at the end) or `-errno`.
func traceReadSome(_ descriptor: Int32, _ bytes: UnsafeMutablePointer<UInt8>, _ count: Int) -> Int {
  while true {
    let got = read(descriptor, bytes, count)
    if got >= 0 { return got }
    if errno != EINTR { return -Int(errno) }
  }
}

/// Whether `path` names something other than a regular file that exists (a device, a pipe, a
/// socket, a folder), and so must be written straight into, never renamed over.
func traceIsSpecialFile(_ path: String) -> (special: Bool, folder: Bool) {
  var status = stat()
  guard stat(path, &status) == 0 else { return (false, false) }
  let kind = status.st_mode & S_IFMT
  return (kind != S_IFREG, kind == S_IFDIR)
}

/// Creates a new empty file beside `path` (same folder, name `.NAME.XXXXXX`), mode 0644; returns
/// its descriptor and path, or errno.
func traceMakeTemporaryFile(beside path: String) -> (descriptor: Int32, path: String)? {
  let folderEnd = path.lastIndex(of: "/")
  let folder = folderEnd.map { String(path[...$0]) } ?? ""
  let name = folderEnd.map { String(path[path.index(after: $0)...]) } ?? path
  var template = Array("\(folder).\(name).XXXXXX".utf8CString)
  let descriptor = template.withUnsafeMutableBufferPointer { buffer -> Int32 in
    guard let base = buffer.baseAddress else { return -1 }
    return mkstemp(base)
  }
  guard descriptor >= 0 else { return nil }
  _ = fchmod(descriptor, 0o644)
  let made = template.withUnsafeBufferPointer { buffer -> String in
    guard let base = buffer.baseAddress else { return "" }
    return String(cString: base)
  }
  return (descriptor, made)
}
