/*
 * dse.h — the C ABI of dse, the design-space exploration engine for CNN inference accelerators.
 *
 * Load a network, plan it at a buffer size with a strategy, read the plan's units and totals,
 * iterate its DRAM transfers, verify it on data, and free everything. C99, fixed-width types,
 * no Swift types across the boundary. Link with -L<dir> -ldse (libdse.so, see README.md).
 *
 * Errors. Every function that can fail returns a dse_status (DSE_OK = 0) and, when `error` is
 * not NULL, writes a NUL-terminated message of at most `error_size` bytes (truncated to fit)
 * into the caller's buffer: what is wrong, naming the file, line or field at fault and what is
 * accepted. No message is kept in a process-wide global. No call traps on bad arguments: null
 * pointers, unknown names, a buffer of 0 and malformed networks return an error code.
 *
 * Ownership and lifetime. Handles (dse_network, dse_plan, dse_transfers, dse_transactions) are opaque. Each is
 * created by one function and must be released by its dse_*_free function; freeing NULL is a
 * no-op. A plan does not depend on the network it was made from (it carries its own shapes):
 * the network may be freed first. An iterator holds its plan's data: the plan may be freed
 * first. Strings returned by the library (names, descriptions) belong to the handle they came
 * from and stay valid until that handle is freed. Handles are never reused: a handle used after
 * it was freed is detected and returns DSE_INVALID_HANDLE.
 *
 * Threads. Networks and plans are immutable once created: any number of threads may plan,
 * query, iterate and verify with them at once, and planning from several threads gives the
 * same results as planning serially. A transfer iterator is mutable: use each one from one
 * thread at a time.
 *
 * Units. Buffer sizes and traffic are in entries (one element at any width); bytes and bits
 * are DRAM bytes and bits; energy is DRAM energy in picojoules.
 */
#ifndef DSE_H
#define DSE_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Version of this header's ABI. dse_api_version() returns the library's; they must be equal. */
#define DSE_API_VERSION 3

typedef enum dse_status {
  DSE_OK = 0,
  /* An argument out of range, unknown or NULL: a buffer of 0, an unknown strategy name. */
  DSE_INVALID_ARGUMENT = 1,
  /* A network or architecture file that cannot be read (or is missing), is not a valid model, or
   * is past one of the documented limits (docs/limits.md). */
  DSE_INVALID_INPUT = 2,
  /* Planning failed: no schedule of a layer fits the buffer, or a constraint cannot be met. */
  DSE_PLANNING = 3,
  /* Verification could not run. (A plan that runs but differs is reported by `passed`.) */
  DSE_VERIFICATION = 4,
  /* A handle that was freed, or that the library never returned. */
  DSE_INVALID_HANDLE = 5
} dse_status;

/* The API version the library implements (DSE_API_VERSION of the header it was built with). */
uint32_t dse_api_version(void);

/* The library's version, e.g. "0.2.0". A static string. */
const char *dse_version(void);

typedef struct dse_network dse_network;
typedef struct dse_plan dse_plan;
typedef struct dse_transfers dse_transfers;
typedef struct dse_transactions dse_transactions;

/* Most axes of a tile or a transfer's region. */
#define DSE_MAX_AXES 4

/* ---- Networks ---------------------------------------------------------------------------- */

/* Reads a network file (.yaml/.yml, Darknet .cfg, SCALE-Sim .csv, by extension). */
dse_status dse_network_load(const char *path, dse_network **network, char *error, size_t error_size);

/* Parses a network from `text`. `format`: "yaml", "cfg" or "csv". `name` stands for a file name
 * in messages and names the network when the text does not (NULL: "<string>"). */
dse_status dse_network_parse(
  const char *text, const char *format, const char *name, dse_network **network, char *error, size_t error_size);

/* Releases a network. */
void dse_network_free(dse_network *network);

/* The network's name and its number of layers, through out-parameters. */
dse_status dse_network_info(
  const dse_network *network, const char **name, int64_t *layer_count, char *error, size_t error_size);

/* ---- Plans -------------------------------------------------------------------------------- */

/* How to plan. Initialise with dse_plan_options_init, then set what differs from the defaults. */
typedef struct dse_plan_options {
  /* "optimal" (default), "fused-greedy", "layerwise-scan" or "layerwise-rowmajor". */
  const char *strategy;
  /* What optimal minimises: "energy" (default) or "traffic". */
  const char *objective;
  /* Architecture YAML file (NULL: the default architecture, see arch/default.yaml). */
  const char *architecture_file;
  /* Width of a partial sum in buffer entries, 1 to 8 (default 1). */
  int32_t psum_width;
  /* Longest fused segment in layers, 1 to 16 (default 12; 1: no fusion). */
  int32_t max_segment_length;
  /* Most channel stages of a fused segment, 1 to 16 (default 7). */
  int32_t max_stages;
  /* GLPK's time limit per MILP in seconds (default 60). */
  double time_limit_seconds;
} dse_plan_options;

/* Sets every field of `options` to its default. */
void dse_plan_options_init(dse_plan_options *options);

/* Plans `network` at `buffer_entries` entries (1 to 2^32). `options` NULL: the defaults. */
dse_status dse_plan_create(
  const dse_network *network, int64_t buffer_entries, const dse_plan_options *options, dse_plan **plan, char *error,
  size_t error_size);

/* Releases a plan. */
void dse_plan_free(dse_plan *plan);

/* What a unit or a whole plan moves and costs. A plan's cost is the sum of its units' costs
 * (footprint: the largest). */
typedef struct dse_cost {
  int64_t dram_reads;      /* entries read from DRAM */
  int64_t dram_writes;     /* entries written to DRAM */
  int64_t dram_traffic;    /* dram_reads + dram_writes, entries */
  int64_t dram_bytes;      /* bytes */
  int64_t dram_bits;       /* bits: each entry at its tensor's width */
  double dram_energy_pj;   /* DRAM energy, pJ */
  int64_t floor;           /* entries no schedule of the same units avoids */
  int64_t input_reads;     /* entries of input activations read (skip reads included) */
  int64_t skip_reads;      /* entries read for residual adds inside fused segments */
  int64_t weight_reads;
  int64_t output_writes;   /* complete outputs written */
  int64_t psum_reads;      /* partial sums read back */
  int64_t psum_writes;     /* partial sums written */
  int64_t macs;            /* multiply-accumulates of the layers, once */
  int64_t halo_macs;       /* MACs recomputing halos in fused segments */
  int64_t chunk_macs;      /* MACs recomputing chunked stages in fused segments */
  int64_t footprint;       /* buffer entries occupied at most */
} dse_cost;

/* A plan's identity and totals. Strings belong to the plan. */
typedef struct dse_plan_info {
  const char *network;     /* the network's name */
  const char *strategy;    /* the strategy's name */
  const char *solver;      /* what made it: "per-layer search", "greedy", "milp", "dp", ... */
  int64_t buffer_entries;
  int64_t unit_count;      /* layers run alone plus fused segments */
  int64_t network_floor;   /* entries every plan of the network moves at least */
  dse_cost totals;
} dse_plan_info;

dse_status dse_plan_info_get(const dse_plan *plan, dse_plan_info *info, char *error, size_t error_size);

/* One unit of a plan: a layer run alone or a fused segment. Strings belong to the plan. */
typedef struct dse_unit {
  const char *name;        /* the layer's name, or the segment's "first..last" */
  const char *operation;   /* the layer's operation (conv, depthwise, ...) or "segment" */
  const char *layers;      /* the layers run, joined by '+' */
  const char *schedule;    /* one line: tiles, loop order, Scan (and chunks for segments) */
  int64_t layer_count;
  /* The tile loops: axes "m" "k" "n" for a GEMM; a convolution's loops outermost first ("co" "ci"
   * "h" "w"; depthwise "ci" "h" "w"); "h" "w" for a fused segment's spatial tile of its output;
   * none (0) for a streaming layer. tile[i] is the tile size along axes[i], in elements. */
  int32_t tile_axis_count;
  char tile_axes[DSE_MAX_AXES][4];
  int64_t tile[DSE_MAX_AXES];
  const char *order;       /* loop order, outermost first, axis names separated by spaces */
  const char *scan;        /* the loops that Scan, separated by spaces ("" for none) */
  const char *chunks;      /* a segment's channel chunk per stage, "24/48/32" ("" for a layer) */
  const char *buffer_split; /* entries per operand region, "input 1024 + weights 288 + outputs 512" */
  dse_cost cost;
} dse_unit;

/* Unit `index` (0 to unit_count - 1) of a plan. */
dse_status dse_plan_unit(const dse_plan *plan, int64_t index, dse_unit *unit, char *error, size_t error_size);

/* ---- Transfers ---------------------------------------------------------------------------- */

typedef enum dse_operand {
  DSE_OPERAND_INPUT = 0,   /* the unit's input activations */
  DSE_OPERAND_SKIP = 1,    /* the skip operand of a residual add inside a fused segment */
  DSE_OPERAND_WEIGHTS = 2,
  DSE_OPERAND_OUTPUT = 3,  /* complete outputs */
  DSE_OPERAND_PSUM = 4     /* partial sums written and read back */
} dse_operand;

typedef enum dse_direction { DSE_READ = 0, DSE_WRITE = 1 } dse_direction;

/* One DRAM transfer, filled in by dse_transfers_next. */
typedef struct dse_transfer {
  int64_t unit;            /* index of the unit in the plan */
  int32_t operand;         /* a dse_operand */
  int32_t direction;       /* a dse_direction */
  int32_t layer;           /* layer within the unit whose operand moves (0 for a layer alone) */
  int32_t axis_count;      /* axes of the region: 3 for activations, 4 for weights */
  char axes[DSE_MAX_AXES][4];  /* axis names: "c" "h" "w" (activations), "co" "ci" "kh" "kw" (weights) */
  int64_t lower[DSE_MAX_AXES]; /* the region's bounding box along each axis, inclusive, in the tensor's */
  int64_t upper[DSE_MAX_AXES]; /* coordinates (a fully connected layer's input: its flattened c h w) */
  int64_t region_entries;  /* entries the buffer holds of the tensor after the step (a strided window
                              may skip rows of its box) */
  int64_t entries;         /* entries moved: the region less what the buffer already held */
  int32_t bits_per_entry;
  int64_t bits;            /* entries * bits_per_entry */
  int64_t step;            /* the step of the unit's walk (tile index), from 0 */
  const char *tensor;      /* the DRAM tensor moved (a layer's output is named after the layer; weights
                              "LAYER weights"); owned by the iterator */
} dse_transfer;

/* An iterator over a plan's transfers in execution order: every unit (`unit` = -1) or one. */
dse_status dse_transfers_create(
  const dse_plan *plan, int64_t unit, dse_transfers **transfers, char *error, size_t error_size);

/* Fills `transfer` with the next transfer and returns 1, or returns 0 at the end; returns -1
 * (and leaves `transfer` untouched) for a NULL or freed iterator or a NULL `transfer`. */
int dse_transfers_next(dse_transfers *transfers, dse_transfer *transfer);

void dse_transfers_free(dse_transfers *transfers);

/* ---- DRAM: transactions and the DRAM model (docs/dram-model.md) ---------------------------- */

/* Where a plan's tensors live in DRAM and how its transfers become bursts; and, for
 * dse_plan_dram, the device model. Call dse_dram_options_init first; NULL strings take the
 * defaults given here. */
typedef struct dse_dram_options {
  const char *layout;     /* "nchw,oihw" (default), "nhwc,hwio", or one order: "nhwc", "hwio" */
  int32_t burst_bytes;    /* bytes per transaction, a power of two (default 64; dse_plan_dram uses
                             the device's burst instead) */
  int64_t alignment;      /* every tensor's base address is a multiple of this (default 4096) */
  const char *device;     /* "ddr4-2400-x8" (default), "lpddr4-x16", or a device YAML file */
  const char *mapping;    /* address mapping: a field order such as "rochrababgco" (default), "xor" */
  const char *policy;     /* "open" (default) or "closed" */
  const char *scheduling; /* "in-order" (default), "frfcfs" (a 32-request window) or "frfcfs:N" */
} dse_dram_options;

/* Fills `options` with the defaults. */
void dse_dram_options_init(dse_dram_options *options);

/* One burst of a plan's DRAM stream, filled in by dse_transactions_next. */
typedef struct dse_transaction {
  uint64_t address;        /* byte address of the burst (a multiple of bytes) */
  int32_t is_write;        /* 1 for a write, 0 for a read */
  int32_t bytes;           /* the burst size */
  int32_t useful_bits;     /* bits of the burst the schedule needs (the rest is rounding) */
  int32_t operand;         /* a dse_operand */
  int64_t unit;            /* index of the unit in the plan */
  int32_t layer;           /* layer within the unit */
  int64_t step;            /* the step of the unit's walk that moves it */
  const char *tensor;      /* the tensor's name; owned by the iterator */
} dse_transaction;

/* An iterator over a plan's DRAM transactions in execution order, every unit (`unit` = -1) or
 * one: each transfer's moved region cut into the layout's contiguous runs and bursts. Their
 * useful bits add up to the plan's dram_bits. `options` may be NULL (defaults). Lazy: memory does
 * not grow with the stream. */
dse_status dse_transactions_create(
  const dse_plan *plan, int64_t unit, const dse_dram_options *options, dse_transactions **transactions, char *error,
  size_t error_size);

/* Fills `transaction` with the next one and returns 1, or returns 0 at the end; returns -1 for a
 * NULL or freed iterator or a NULL `transaction`. */
int dse_transactions_next(dse_transactions *transactions, dse_transaction *transaction);

void dse_transactions_free(dse_transactions *transactions);

/* What the DRAM model reports for a plan's whole transaction stream (in the device's bursts). */
typedef struct dse_dram_report {
  int64_t requests, reads, writes;
  int64_t row_hits, empty_misses, conflicts;
  int64_t activations, precharges, refreshes;
  int64_t cycles;                 /* memory-controller cycles to the last data beat */
  double time_ns;
  double hit_rate;                /* row_hits / requests */
  double activation_pj, read_pj, write_pj, refresh_pj, standby_pj; /* standby: active + precharged */
  double dynamic_pj, total_pj;
  int64_t useful_bytes;           /* equals the plan's dram_bytes */
  int64_t burst_bytes;            /* requests x the device's burst */
} dse_dram_report;

/* Runs the plan's transactions on the DRAM model of `options` (NULL: defaults) and fills
 * `report`. Takes about a second per million bursts. */
dse_status dse_plan_dram(
  const dse_plan *plan, const dse_dram_options *options, dse_dram_report *report, char *error, size_t error_size);

/* ---- Verification ------------------------------------------------------------------------- */

/* Runs `plan` on data: `network` quantized with weights drawn from `seed`, its untiled
 * fixed-point reference on a seeded input, and every unit of the plan executed tile by tile.
 * `*passed` is 1 when every unit is bit-exact and moves exactly the transfers the model
 * predicts, else 0. The plan must be of this network. Takes seconds for a full-size network. */
dse_status dse_plan_verify(
  const dse_network *network, const dse_plan *plan, uint64_t seed, int32_t *passed, char *error, size_t error_size);

#ifdef __cplusplus
}
#endif

#endif /* DSE_H */
