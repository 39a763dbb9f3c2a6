/*
 * A toy accelerator model driven by dse's C ABI: plans a single layer and a whole network at
 * one buffer size, replays each plan's DRAM transfer stream, and adds up time per unit as the
 * slower of DRAM (bytes over a bandwidth) and compute (MACs over an array), printing a table.
 * Then replays the plan's DRAM transactions (64-byte bursts, NCHW/OIHW) as a DRAM simulator
 * would take them, and asks dse's DRAM model what DDR4-2400 does with them.
 *
 *   simulator NETWORK.yaml [BUFFER_ENTRIES [STRATEGY [BYTES_PER_CYCLE [MACS_PER_CYCLE]]]]
 *
 * Defaults: 65536 entries, optimal, 8 bytes/cycle, 168 MACs/cycle. Prints, last, the totals
 * the stream added up beside the plan's own (they must be equal) and exits 1 on any error.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dse.h"

/* What the stream adds up for one unit. */
typedef struct {
  int64_t transfers, entries, bits;
} tally;

static int simulate(const dse_network *network, int64_t buffer, const char *strategy, double bytes_per_cycle,
                    double macs_per_cycle) {
  char error[512];
  dse_plan_options options;
  dse_plan_options_init(&options);
  options.strategy = strategy;
  dse_plan *plan = NULL;
  if (dse_plan_create(network, buffer, &options, &plan, error, sizeof error) != DSE_OK) {
    fprintf(stderr, "simulator: %s\n", error);
    return 1;
  }
  dse_plan_info info;
  dse_plan_info_get(plan, &info, error, sizeof error);
  printf("%s at %" PRId64 " entries, %s (%s): %" PRId64 " units\n", info.network, info.buffer_entries, info.strategy,
         info.solver, info.unit_count);

  tally *units = calloc((size_t)info.unit_count, sizeof *units);
  dse_transfers *stream = NULL;
  if (units == NULL || dse_transfers_create(plan, -1, &stream, error, sizeof error) != DSE_OK) {
    fprintf(stderr, "simulator: %s\n", units == NULL ? "out of memory" : error);
    free(units);
    dse_plan_free(plan);
    return 1;
  }
  dse_transfer transfer;
  while (dse_transfers_next(stream, &transfer) == 1) {
    units[transfer.unit].transfers += 1;
    units[transfer.unit].entries += transfer.entries;
    units[transfer.unit].bits += transfer.bits;
  }
  dse_transfers_free(stream);

  printf("%-28s %-22s %10s %12s %12s %12s %12s\n", "unit", "tile", "transfers", "entries", "MACs", "DRAM cycles",
         "cycles");
  double total_cycles = 0;
  tally total = {0, 0, 0};
  for (int64_t index = 0; index < info.unit_count; index++) {
    dse_unit unit;
    dse_plan_unit(plan, index, &unit, error, sizeof error);
    double dram = (double)units[index].bits / 8.0 / bytes_per_cycle;
    double compute = (double)(unit.cost.macs + unit.cost.halo_macs + unit.cost.chunk_macs) / macs_per_cycle;
    double cycles = dram > compute ? dram : compute;
    char tile[64] = "";
    for (int axis = 0; axis < unit.tile_axis_count; axis++) {
      size_t used = strlen(tile);
      snprintf(tile + used, sizeof tile - used, "%s%s%" PRId64, axis ? " " : "", unit.tile_axes[axis], unit.tile[axis]);
    }
    total_cycles += cycles;
    total.transfers += units[index].transfers;
    total.entries += units[index].entries;
    total.bits += units[index].bits;
    printf("%-28.28s %-22.22s %10" PRId64 " %12" PRId64 " %12" PRId64 " %12.0f %12.0f\n", unit.name, tile,
           units[index].transfers, units[index].entries, unit.cost.macs, dram, cycles);
  }
  printf("total: %" PRId64 " transfers, %" PRId64 " entries, %" PRId64 " bits, %.0f cycles\n", total.transfers,
         total.entries, total.bits, total_cycles);
  printf("plan:  dram_traffic %" PRId64 ", dram_bits %" PRId64 ", dram_bytes %" PRId64 ", dram_energy_pj %.1f\n",
         info.totals.dram_traffic, info.totals.dram_bits, info.totals.dram_bytes, info.totals.dram_energy_pj);
  int agree = total.entries == info.totals.dram_traffic && total.bits == info.totals.dram_bits;

  /* The same stream as bursts at addresses: what a DRAM simulator replays. */
  dse_transactions *bursts = NULL;
  dse_transaction burst;
  int64_t burst_count = 0, useful_bits = 0;
  if (dse_transactions_create(plan, -1, NULL, &bursts, error, sizeof error) != DSE_OK) {
    fprintf(stderr, "simulator: %s\n", error);
    agree = 0;
  } else {
    while (dse_transactions_next(bursts, &burst) == 1) {
      burst_count += 1;
      useful_bits += burst.useful_bits;
    }
    dse_transactions_free(bursts);
  }
  dse_dram_report dram;
  if (dse_plan_dram(plan, NULL, &dram, error, sizeof error) != DSE_OK) {
    fprintf(stderr, "simulator: %s\n", error);
    agree = 0;
  } else {
    printf("dram:  %" PRId64 " bursts of 64 B, %" PRId64 " useful bits; ddr4-2400-x8: hit rate %.3f, %" PRId64
           " ACT, %.1f ns, %.1f pJ\n\n",
           burst_count, useful_bits, dram.hit_rate, dram.activations, dram.time_ns, dram.total_pj);
    agree = agree && useful_bits == info.totals.dram_bits && dram.useful_bytes == info.totals.dram_bytes &&
            dram.requests == burst_count;
  }
  free(units);
  dse_plan_free(plan);
  if (!agree) fprintf(stderr, "simulator: the stream and the plan's totals differ\n");
  return agree ? 0 : 1;
}

int main(int argc, char **argv) {
  if (argc < 2) {
    fprintf(stderr, "usage: simulator NETWORK [BUFFER_ENTRIES [STRATEGY [BYTES_PER_CYCLE [MACS_PER_CYCLE]]]]\n");
    return 2;
  }
  if (dse_api_version() != DSE_API_VERSION) {
    fprintf(stderr, "simulator: libdse implements API %u, dse.h is %d\n", dse_api_version(), DSE_API_VERSION);
    return 1;
  }
  int64_t buffer = argc > 2 ? strtoll(argv[2], NULL, 10) : 65536;
  const char *strategy = argc > 3 ? argv[3] : "optimal";
  double bytes_per_cycle = argc > 4 ? strtod(argv[4], NULL) : 8;
  double macs_per_cycle = argc > 5 ? strtod(argv[5], NULL) : 168;
  char error[512];

  /* One layer, given as text: a 3x3 convolution of a 16-channel 14x14 tensor. */
  const char *layer = "name: one-layer\ninput: [16, 14, 14]\nlayers:\n"
                      "  - {name: conv, op: conv, out: 16, kernel: 3, padding: 1}\n";
  dse_network *single = NULL;
  if (dse_network_parse(layer, "yaml", "one-layer.yaml", &single, error, sizeof error) != DSE_OK) {
    fprintf(stderr, "simulator: %s\n", error);
    return 1;
  }
  int failed = simulate(single, buffer, strategy, bytes_per_cycle, macs_per_cycle);
  dse_network_free(single);

  dse_network *network = NULL;
  if (dse_network_load(argv[1], &network, error, sizeof error) != DSE_OK) {
    fprintf(stderr, "simulator: %s\n", error);
    return 1;
  }
  failed |= simulate(network, buffer, strategy, bytes_per_cycle, macs_per_cycle);
  dse_network_free(network);
  return failed;
}
