"""dse from Python: load a network, plan it at a buffer size, read its units, totals, DRAM
transfers and transactions, its figures on a DRAM model, and verify it, in-process, through the
C library (libdse.so) with ctypes.

    import dse
    net = dse.load("nets/mobilenetv2.yaml")
    plan = net.plan(buffer=65536, strategy="optimal")
    print(plan.totals["dram_bytes"], plan.totals["dram_energy_pj"])
    for t in plan.transfers():
        ...

The library is found through the DSE_LIBRARY environment variable (a path to libdse.so), else
in the repository's .build/release or .build/debug (scripts/build makes it), else on the
system's library path. Errors are raised as dse.Error with the library's message. Traffic is in
entries (one element at any width), bytes and bits are DRAM bytes and bits, energy is in pJ.
"""

import ctypes
import ctypes.util
import os

__all__ = ["Error", "Network", "Plan", "Unit", "Transfer", "Transaction", "load", "parse", "library_version", "STRATEGIES"]

API_VERSION = 3
STRATEGIES = ("layerwise-rowmajor", "layerwise-scan", "fused-greedy", "optimal")
OPERANDS = ("input", "skip", "weights", "output", "psum")
DIRECTIONS = ("read", "write")
_MAX_AXES = 4
_ERROR_SIZE = 1024


class Error(Exception):
    """An error the library reported: `status` is its dse_status code, the message says what
    is wrong and names the file, line or field at fault."""

    def __init__(self, status, message):
        super().__init__(message)
        self.status = status


class _Cost(ctypes.Structure):
    _fields_ = [(name, ctypes.c_int64) for name in (
        "dram_reads", "dram_writes", "dram_traffic", "dram_bytes", "dram_bits")] + [
        ("dram_energy_pj", ctypes.c_double)] + [(name, ctypes.c_int64) for name in (
            "floor", "input_reads", "skip_reads", "weight_reads", "output_writes", "psum_reads", "psum_writes",
            "macs", "halo_macs", "chunk_macs", "footprint")]


class _PlanOptions(ctypes.Structure):
    _fields_ = [("strategy", ctypes.c_char_p), ("objective", ctypes.c_char_p), ("architecture_file", ctypes.c_char_p),
                ("psum_width", ctypes.c_int32), ("max_segment_length", ctypes.c_int32), ("max_stages", ctypes.c_int32),
                ("time_limit_seconds", ctypes.c_double)]


class _PlanInfo(ctypes.Structure):
    _fields_ = [("network", ctypes.c_char_p), ("strategy", ctypes.c_char_p), ("solver", ctypes.c_char_p),
                ("buffer_entries", ctypes.c_int64), ("unit_count", ctypes.c_int64), ("network_floor", ctypes.c_int64),
                ("totals", _Cost)]


class _Unit(ctypes.Structure):
    _fields_ = [("name", ctypes.c_char_p), ("operation", ctypes.c_char_p), ("layers", ctypes.c_char_p),
                ("schedule", ctypes.c_char_p), ("layer_count", ctypes.c_int64), ("tile_axis_count", ctypes.c_int32),
                ("tile_axes", (ctypes.c_char * 4) * _MAX_AXES), ("tile", ctypes.c_int64 * _MAX_AXES),
                ("order", ctypes.c_char_p), ("scan", ctypes.c_char_p), ("chunks", ctypes.c_char_p),
                ("buffer_split", ctypes.c_char_p), ("cost", _Cost)]


class _Transfer(ctypes.Structure):
    _fields_ = [("unit", ctypes.c_int64), ("operand", ctypes.c_int32), ("direction", ctypes.c_int32),
                ("layer", ctypes.c_int32), ("axis_count", ctypes.c_int32), ("axes", (ctypes.c_char * 4) * _MAX_AXES),
                ("lower", ctypes.c_int64 * _MAX_AXES), ("upper", ctypes.c_int64 * _MAX_AXES),
                ("region_entries", ctypes.c_int64), ("entries", ctypes.c_int64), ("bits_per_entry", ctypes.c_int32),
                ("bits", ctypes.c_int64), ("step", ctypes.c_int64), ("tensor", ctypes.c_char_p)]


class _DRAMOptions(ctypes.Structure):
    _fields_ = [("layout", ctypes.c_char_p), ("burst_bytes", ctypes.c_int32), ("alignment", ctypes.c_int64),
                ("device", ctypes.c_char_p), ("mapping", ctypes.c_char_p), ("policy", ctypes.c_char_p),
                ("scheduling", ctypes.c_char_p)]


class _Transaction(ctypes.Structure):
    _fields_ = [("address", ctypes.c_uint64), ("is_write", ctypes.c_int32), ("bytes", ctypes.c_int32),
                ("useful_bits", ctypes.c_int32), ("operand", ctypes.c_int32), ("unit", ctypes.c_int64),
                ("layer", ctypes.c_int32), ("step", ctypes.c_int64), ("tensor", ctypes.c_char_p)]


_DRAM_COUNTS = ("requests", "reads", "writes", "row_hits", "empty_misses", "conflicts", "activations", "precharges",
                "refreshes", "cycles")
_DRAM_FIGURES = ("time_ns", "hit_rate", "activation_pj", "read_pj", "write_pj", "refresh_pj", "standby_pj",
                 "dynamic_pj", "total_pj")


class _DRAMReport(ctypes.Structure):
    _fields_ = [(name, ctypes.c_int64) for name in _DRAM_COUNTS] + [
        (name, ctypes.c_double) for name in _DRAM_FIGURES] + [
        ("useful_bytes", ctypes.c_int64), ("burst_bytes", ctypes.c_int64)]


def _find_library():
    explicit = os.environ.get("DSE_LIBRARY")
    if explicit:
        return explicit
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    for configuration in ("release", "debug"):
        candidate = os.path.join(root, ".build", configuration, "libdse.so")
        if os.path.exists(candidate):
            return candidate
    found = ctypes.util.find_library("dse")
    if found:
        return found
    raise OSError("libdse.so not found: run scripts/build, or set DSE_LIBRARY to its path")


def _load_library():
    library = ctypes.CDLL(_find_library())
    handle = ctypes.c_void_p
    out_handle = ctypes.POINTER(ctypes.c_void_p)
    error = (ctypes.c_char_p, ctypes.c_size_t)
    signatures = {
        "dse_api_version": (ctypes.c_uint32, []),
        "dse_version": (ctypes.c_char_p, []),
        "dse_network_load": (ctypes.c_int, [ctypes.c_char_p, out_handle, *error]),
        "dse_network_parse": (ctypes.c_int, [ctypes.c_char_p, ctypes.c_char_p, ctypes.c_char_p, out_handle, *error]),
        "dse_network_free": (None, [handle]),
        "dse_network_info": (ctypes.c_int, [handle, ctypes.POINTER(ctypes.c_char_p), ctypes.POINTER(ctypes.c_int64),
                                            *error]),
        "dse_plan_options_init": (None, [ctypes.POINTER(_PlanOptions)]),
        "dse_plan_create": (ctypes.c_int, [handle, ctypes.c_int64, ctypes.POINTER(_PlanOptions), out_handle, *error]),
        "dse_plan_free": (None, [handle]),
        "dse_plan_info_get": (ctypes.c_int, [handle, ctypes.POINTER(_PlanInfo), *error]),
        "dse_plan_unit": (ctypes.c_int, [handle, ctypes.c_int64, ctypes.POINTER(_Unit), *error]),
        "dse_transfers_create": (ctypes.c_int, [handle, ctypes.c_int64, out_handle, *error]),
        "dse_transfers_next": (ctypes.c_int, [handle, ctypes.POINTER(_Transfer)]),
        "dse_transfers_free": (None, [handle]),
        "dse_dram_options_init": (None, [ctypes.POINTER(_DRAMOptions)]),
        "dse_transactions_create": (ctypes.c_int, [handle, ctypes.c_int64, ctypes.POINTER(_DRAMOptions), out_handle,
                                                   *error]),
        "dse_transactions_next": (ctypes.c_int, [handle, ctypes.POINTER(_Transaction)]),
        "dse_transactions_free": (None, [handle]),
        "dse_plan_dram": (ctypes.c_int, [handle, ctypes.POINTER(_DRAMOptions), ctypes.POINTER(_DRAMReport), *error]),
        "dse_plan_verify": (ctypes.c_int, [handle, handle, ctypes.c_uint64, ctypes.POINTER(ctypes.c_int32), *error]),
    }
    for name, (result, arguments) in signatures.items():
        function = getattr(library, name)
        function.restype = result
        function.argtypes = arguments
    if library.dse_api_version() != API_VERSION:
        raise OSError("libdse implements API %d; this module speaks %d" % (library.dse_api_version(), API_VERSION))
    return library


_lib = _load_library()


def _call(function, *arguments):
    """Calls a function whose last two parameters are the error buffer; raises Error on failure."""
    message = ctypes.create_string_buffer(_ERROR_SIZE)
    status = function(*arguments, message, _ERROR_SIZE)
    if status != 0:
        raise Error(status, message.value.decode("utf-8", "replace"))


def _text(value):
    return value.decode("utf-8", "replace") if value is not None else None


def library_version():
    """The library's version string."""
    return _lib.dse_version().decode()


_COST_KEYS = ("dram_reads", "dram_writes", "dram_traffic", "dram_bytes", "dram_bits", "dram_energy_pj", "floor",
              "input_reads", "skip_reads", "weight_reads", "output_writes", "psum_reads", "psum_writes", "macs",
              "halo_macs", "chunk_macs", "footprint")


def _cost(cost):
    figures = {key: getattr(cost, key) for key in _COST_KEYS}
    # As in the CSVs: input_reads without the skip reads, which have their own column.
    figures["input_reads"] -= figures["skip_reads"]
    figures["ratio_to_floor"] = figures["dram_traffic"] / figures["floor"] if figures["floor"] > 0 else 1.0
    return figures


class Network:
    """A network read and analysed by the library. Make one with load() or parse()."""

    def __init__(self, handle):
        self._handle = ctypes.c_void_p(handle)
        name = ctypes.c_char_p()
        count = ctypes.c_int64()
        _call(_lib.dse_network_info, self._handle, ctypes.byref(name), ctypes.byref(count))
        self.name = _text(name.value)
        self.layer_count = count.value

    def plan(self, buffer=65536, strategy="optimal", objective="energy", psum_width=1, max_segment_length=None,
             time_limit=60.0, architecture=None, max_stages=None):
        """Plans the network at `buffer` entries with `strategy` (one of STRATEGIES); the other
        arguments are those of `dse sweep` (architecture: a YAML file path; max_segment_length:
        longest fused segment in layers and max_stages: most channel stages of one, 1 to 16 each,
        None for the library's defaults; max_stages last so that positional calls keep working)."""
        options = _PlanOptions()
        _lib.dse_plan_options_init(ctypes.byref(options))
        options.strategy = str(strategy).encode()
        options.objective = str(objective).encode()
        options.architecture_file = architecture.encode() if architecture is not None else None
        options.psum_width = int(psum_width)
        if max_segment_length is not None:
            options.max_segment_length = int(max_segment_length)
        if max_stages is not None:
            options.max_stages = int(max_stages)
        options.time_limit_seconds = float(time_limit)
        handle = ctypes.c_void_p()
        _call(_lib.dse_plan_create, self._handle, int(buffer), ctypes.byref(options), ctypes.byref(handle))
        return Plan(handle.value, self)

    def close(self):
        """Releases the library's network now (also done when the object is collected)."""
        if self._handle is not None:
            _lib.dse_network_free(self._handle)
            self._handle = None

    def __del__(self):
        if _lib is not None:
            self.close()

    def __repr__(self):
        return "<dse.Network %s: %d layers>" % (self.name, self.layer_count)


class Unit:
    """One unit of a plan: a layer run alone or a fused segment. `tile` maps each tiled axis to
    its tile size ("m" "k" "n" for a GEMM, "co" "ci" "h" "w" for a convolution, "h" "w" for a
    segment's spatial tile), `order` lists the loops outermost first, `scan` the loops that Scan,
    `chunks` a segment's channel chunk per stage; figures are in `cost`, keyed like the segment
    CSV's columns."""

    def __init__(self, unit):
        self.name = _text(unit.name)
        self.op = _text(unit.operation)
        self.layers = _text(unit.layers).split("+")
        self.schedule = _text(unit.schedule)
        self.tile = {unit.tile_axes[i].value.decode(): unit.tile[i] for i in range(unit.tile_axis_count)}
        self.order = _text(unit.order).split()
        self.scan = _text(unit.scan).split()
        self.chunks = [int(chunk) for chunk in _text(unit.chunks).split("/") if chunk]
        self.buffer_split = _text(unit.buffer_split)
        self.cost = _cost(unit.cost)

    def __repr__(self):
        return "<dse.Unit %s (%s): %d entries>" % (self.name, self.op, self.cost["dram_traffic"])


class Transfer:
    """One DRAM transfer: unit index, operand (OPERANDS), direction ("read"/"write"), the layer
    within the unit, the tensor's name, the walk's step, the region's axes with inclusive bounds,
    and the entries and bits moved."""

    __slots__ = ("unit", "operand", "direction", "layer", "tensor", "step", "axes", "lower", "upper",
                 "region_entries", "entries", "bits_per_entry", "bits")

    def __init__(self, transfer):
        count = transfer.axis_count
        self.unit = transfer.unit
        self.operand = OPERANDS[transfer.operand]
        self.direction = DIRECTIONS[transfer.direction]
        self.layer = transfer.layer
        self.tensor = _text(transfer.tensor)
        self.step = transfer.step
        self.axes = tuple(transfer.axes[i].value.decode() for i in range(count))
        self.lower = tuple(transfer.lower[i] for i in range(count))
        self.upper = tuple(transfer.upper[i] for i in range(count))
        self.region_entries = transfer.region_entries
        self.entries = transfer.entries
        self.bits_per_entry = transfer.bits_per_entry
        self.bits = transfer.bits

    def __repr__(self):
        box = " ".join("%s %d..%d" % axis for axis in zip(self.axes, self.lower, self.upper))
        return "<dse.Transfer unit %d %s %s [%s]: %d entries>" % (
            self.unit, self.direction, self.operand, box, self.entries)


class Transaction:
    """One DRAM burst: byte address, "read" or "write", burst bytes, the useful bits of it, and
    where it came from (unit index, layer within the unit, operand, tensor, walk step)."""

    __slots__ = ("address", "direction", "bytes", "useful_bits", "unit", "layer", "operand", "tensor", "step")

    def __init__(self, transaction):
        self.address = transaction.address
        self.direction = "write" if transaction.is_write else "read"
        self.bytes = transaction.bytes
        self.useful_bits = transaction.useful_bits
        self.unit = transaction.unit
        self.layer = transaction.layer
        self.operand = OPERANDS[transaction.operand]
        self.tensor = _text(transaction.tensor)
        self.step = transaction.step

    def __repr__(self):
        return "<dse.Transaction %s 0x%x (%d of %d bytes useful) unit %d %s %s>" % (
            self.direction, self.address, (self.useful_bits + 7) // 8, self.bytes, self.unit, self.operand,
            self.tensor)


def _drain(iterator, next_function, free_function, record_type, wrap, what):
    """A generator over a library iterator: each record wrapped, the iterator freed at the end
    (or when the generator is dropped)."""
    record = record_type()
    try:
        while True:
            status = next_function(iterator, ctypes.byref(record))
            if status == 0:
                return
            if status < 0:
                raise Error(5, "%s: the iterator is no longer valid" % what)
            yield wrap(record)
    finally:
        free_function(iterator)


def _dram_options(layout, burst, alignment, device=None, mapping=None, policy=None, scheduling=None):
    options = _DRAMOptions()
    _lib.dse_dram_options_init(ctypes.byref(options))
    options.layout = str(layout).encode()
    options.burst_bytes = int(burst)
    options.alignment = int(alignment)
    for name, value in (("device", device), ("mapping", mapping), ("policy", policy), ("scheduling", scheduling)):
        if value is not None:
            setattr(options, name, os.fspath(value).encode())
    return options


class Plan:
    """A network planned at one buffer size with one strategy."""

    def __init__(self, handle, network):
        self._handle = ctypes.c_void_p(handle)
        self._network = network
        info = _PlanInfo()
        _call(_lib.dse_plan_info_get, self._handle, ctypes.byref(info))
        self.network = _text(info.network)
        self.strategy = _text(info.strategy)
        self.solver = _text(info.solver)
        self.buffer = info.buffer_entries
        self._unit_count = info.unit_count
        totals = _cost(info.totals)
        totals.update(network=self.network, buffer_entries=self.buffer, strategy=self.strategy,
                      network_floor=info.network_floor, segments=self._unit_count, solver=self.solver)
        #: The plan's figures as plain numbers, keyed by the sweep CSV's column names.
        self.totals = totals

    @property
    def units(self):
        """The plan's units in execution order."""
        found = []
        for index in range(self._unit_count):
            unit = _Unit()
            _call(_lib.dse_plan_unit, self._handle, index, ctypes.byref(unit))
            found.append(Unit(unit))
        return found

    def transfers(self, unit=None):
        """The DRAM transfers of the whole plan (or of unit index `unit`) in execution order, lazily."""
        iterator = ctypes.c_void_p()
        _call(_lib.dse_transfers_create, self._handle, -1 if unit is None else int(unit), ctypes.byref(iterator))
        return _drain(iterator, _lib.dse_transfers_next, _lib.dse_transfers_free, _Transfer, Transfer, "transfers")

    def transactions(self, unit=None, layout="nchw,oihw", burst=64, alignment=4096):
        """The plan's DRAM bursts in execution order, lazily: every tensor at an `alignment`-byte
        aligned address in `layout` ("nchw,oihw" or "nhwc,hwio"), each transfer cut into the
        layout's contiguous runs and `burst`-byte bursts. Useful bits add up to dram_bits."""
        options = _dram_options(layout, burst, alignment)
        iterator = ctypes.c_void_p()
        _call(_lib.dse_transactions_create, self._handle, -1 if unit is None else int(unit), ctypes.byref(options),
              ctypes.byref(iterator))
        return _drain(iterator, _lib.dse_transactions_next, _lib.dse_transactions_free, _Transaction, Transaction,
                      "transactions")

    def dram(self, device="ddr4-2400-x8", layout="nchw,oihw", mapping=None, policy="open", scheduling="in-order",
             alignment=4096):
        """What the DRAM model does with the plan's transactions (in the device's bursts): a dict
        of counts (requests, row_hits, activations, ...), time_ns, hit_rate and energies in pJ,
        with useful_bytes (= dram_bytes) and burst_bytes. `device`: a bundled name or a YAML file."""
        options = _dram_options(layout, 64, alignment, device, mapping, policy, scheduling)
        report = _DRAMReport()
        _call(_lib.dse_plan_dram, self._handle, ctypes.byref(options), ctypes.byref(report))
        return {name: getattr(report, name) for name, _ in _DRAMReport._fields_}

    def verify(self, seed=1):
        """Runs the plan tile by tile on seeded data: True when every unit is bit-exact with the
        untiled fixed-point reference and moves exactly the transfers the model predicts."""
        passed = ctypes.c_int32()
        _call(_lib.dse_plan_verify, self._network._handle, self._handle, int(seed), ctypes.byref(passed))
        return passed.value == 1

    def close(self):
        """Releases the library's plan now (also done when the object is collected)."""
        if self._handle is not None:
            _lib.dse_plan_free(self._handle)
            self._handle = None

    def __del__(self):
        if _lib is not None:
            self.close()

    def __repr__(self):
        return "<dse.Plan %s at %d entries, %s: %d units>" % (
            self.network, self.buffer, self.strategy, self._unit_count)


def load(path):
    """Reads a network file (.yaml, .cfg, .csv)."""
    handle = ctypes.c_void_p()
    _call(_lib.dse_network_load, os.fspath(path).encode(), ctypes.byref(handle))
    return Network(handle.value)


def parse(text, format="yaml", name=None):
    """Parses a network from text in `format` ("yaml", "cfg" or "csv"); `name` stands for a file
    name in messages."""
    handle = ctypes.c_void_p()
    _call(_lib.dse_network_parse, text.encode(), format.encode(), name.encode() if name else None,
          ctypes.byref(handle))
    return Network(handle.value)
