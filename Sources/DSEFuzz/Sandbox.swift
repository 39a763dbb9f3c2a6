import Foundation

/// A case's private folder: `SANDBOX/work` is the child's current directory, its inputs are in
/// `work/in` and its outputs belong in `work/out`. The tree is listed before and after the run
/// (`FileTree`) to see what the run created.
struct Sandbox {
  /// SANDBOX itself.
  let root: String
  var work: String { root + "/work" }

  /// Makes a fresh sandbox for `fuzzCase` at `root` (removing what an earlier run left there):
  /// the folders, the files, and the null-device stand-ins.
  static func make(for fuzzCase: FuzzCase, at root: String) throws -> Sandbox {
    removeTree(root)
    let sandbox = Sandbox(root: root)
    let manager = FileManager.default
    for folder in ["in", "out"] + fuzzCase.folders {
      try manager.createDirectory(atPath: sandbox.work + "/" + folder, withIntermediateDirectories: true)
    }
    for file in fuzzCase.files {
      let path = sandbox.work + "/" + file.path
      try manager.createDirectory(
        atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
      guard manager.createFile(atPath: path, contents: Data(file.bytes)) else {
        throw FuzzError("cannot write \(path)")
      }
    }
    for device in fuzzCase.devices {
      let path = sandbox.work + "/" + device
      try manager.createDirectory(
        atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
      // Character device 1,3 (the null device); a symbolic link to /dev/null where mknod is not allowed.
      if mknod(path, mode_t(S_IFCHR) | 0o666, dev_t(1 << 8 | 3)) != 0 {
        guard symlink("/dev/null", path) == 0 else { throw FuzzError("cannot make \(path)") }
      }
    }
    return sandbox
  }
}

/// Every entry below a folder, by path relative to it, with what identifies it: a path whose
/// kind or inode differs between two listings was created (or replaced) in between.
struct FileTree: Equatable {
  struct Entry: Equatable {
    /// `S_IFMT` bits: file, folder, link, device.
    var kind: mode_t
    var inode: UInt64
    var size: Int64
    var isFolder: Bool { kind == mode_t(S_IFDIR) }
  }

  var entries: [String: Entry] = [:]

  /// Lists `root` recursively without following links; names that are not UTF-8 are repaired.
  init(listing root: String) {
    let descriptor = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
    if descriptor >= 0 { walk(descriptor, prefix: "", depth: 0) }
  }

  private mutating func walk(_ descriptor: Int32, prefix: String, depth: Int) {
    forEachEntry(descriptor) { folder, cName in
      var info = stat()
      guard fstatat(folder, cName, &info, AT_SYMLINK_NOFOLLOW) == 0 else { return }
      // Names that are not UTF-8 are repaired: they only need to compare equal between listings.
      let name = String(decoding: UnsafeRawBufferPointer(start: cName, count: strlen(cName)), as: UTF8.self)
      let path = prefix.isEmpty ? name : prefix + "/" + name
      let entry = Entry(kind: info.st_mode & mode_t(S_IFMT), inode: UInt64(info.st_ino), size: Int64(info.st_size))
      entries[path] = entry
      if entry.isFolder && depth < 64 {
        let child = openat(folder, cName, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
        if child >= 0 { walk(child, prefix: path, depth: depth + 1) }
      }
    }
  }

  /// Paths present here that were absent from `before` or are another file now.
  func created(since before: FileTree) -> [String] {
    entries.compactMap { path, entry in
      guard let old = before.entries[path] else { return path }
      return old.kind != entry.kind || old.inode != entry.inode ? path : nil
    }.sorted()
  }

  /// Files (not folders) that are new, replaced or resized since `before`.
  func changedFiles(since before: FileTree) -> [String] {
    entries.compactMap { path, entry in
      guard !entry.isFolder else { return nil }
      return before.entries[path] == entry ? nil : path
    }.sorted()
  }
}

/// Removes `path` and everything below it, names that are not UTF-8 included; a missing path is fine.
func removeTree(_ path: String) {
  var info = stat()
  guard lstat(path, &info) == 0 else { return }
  if info.st_mode & mode_t(S_IFMT) == mode_t(S_IFDIR) {
    let descriptor = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
    if descriptor >= 0 { removeContents(descriptor) }
    rmdir(path)
  } else {
    unlink(path)
  }
}

/// Removes everything in the open folder `descriptor` (and closes it).
private func removeContents(_ descriptor: Int32) {
  forEachEntry(descriptor) { folder, name in
    if unlinkat(folder, name, 0) != 0 {
      let child = openat(folder, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
      if child >= 0 { removeContents(child) }
      unlinkat(folder, name, AT_REMOVEDIR)
    }
  }
}

/// Calls `body` with the folder's descriptor and the name of each entry of the open folder
/// `descriptor` ("." and ".." skipped), then closes it. Names stay C strings: they need not be UTF-8.
private func forEachEntry(_ descriptor: Int32, _ body: (_ folder: Int32, _ name: UnsafePointer<CChar>) -> Void) {
  guard let folder = fdopendir(descriptor) else {
    close(descriptor)
    return
  }
  defer { closedir(folder) }
  while let item = readdir(folder) {
    var raw = item.pointee.d_name
    withUnsafeBytes(of: &raw) { bytes in
      guard let name = bytes.baseAddress?.assumingMemoryBound(to: CChar.self),
        strcmp(name, ".") != 0, strcmp(name, "..") != 0
      else { return }
      body(dirfd(folder), name)
    }
  }
}

/// Watches folders outside every sandbox (`/` and the sandboxes' parent) for new entries whose
/// names contain what the hostile names write (`abs`, `escaped`): a network named `/abs` whose
/// output file lands at `/abs.csv` escapes the sandbox entirely.
struct OutsideProbe {
  let folders: [String]
  private(set) var seen: Set<String>

  init(folders: [String]) {
    self.folders = folders
    seen = OutsideProbe.list(folders)
  }

  /// Entries that appeared since the last call (each reported once).
  mutating func newEntries() -> [String] {
    let now = OutsideProbe.list(folders)
    let fresh = now.subtracting(seen)
    seen.formUnion(fresh)
    return fresh.sorted()
  }

  private static func list(_ folders: [String]) -> Set<String> {
    var names: Set<String> = []
    for folder in folders {
      for name in (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
      where name.contains("abs") || name.contains("escaped") {
        names.insert((folder as NSString).appendingPathComponent(name))
      }
    }
    return names
  }
}
