/* Every kind of bad call the C ABI must answer with an error code and a message, never a trap.
 * Prints one line per check and exits 1 if any call returned something else. */
#include <stdio.h>
#include <string.h>

#include "dse.h"

static int failures = 0;

static void expect(const char *what, int got, int wanted, const char *message) {
  int ok = got == wanted && (wanted == DSE_OK || message == NULL || message[0] != '\0');
  printf("%s %s: %d%s%s\n", ok ? "ok" : "FAILED", what, got, message ? " " : "", message ? message : "");
  if (!ok) failures++;
}

int main(int argc, char **argv) {
  char error[256];
  dse_network *network = NULL;
  dse_plan *plan = NULL;
  dse_transfers *transfers = NULL;
  dse_plan_info info;
  dse_unit unit;
  dse_transfer transfer;
  int32_t passed = 0;
  const char *good = "name: tiny\ninput: [8, 8, 8]\nlayers:\n  - {name: a, op: pointwise, out: 16}\n";
  (void)argc;

  expect("null path", dse_network_load(NULL, &network, error, sizeof error), DSE_INVALID_ARGUMENT, error);
  expect("null out handle", dse_network_load(argv[0], NULL, error, sizeof error), DSE_INVALID_ARGUMENT, error);
  expect("missing file", dse_network_load("/nonexistent/net.yaml", &network, error, sizeof error), DSE_INVALID_INPUT,
         error);
  expect("malformed text",
         dse_network_parse("name: x\ninput: [3, 8, 8]\nlayers:\n  - {op: conv, kernel: 0}\n", "yaml", "bad.yaml",
                           &network, error, sizeof error),
         DSE_INVALID_INPUT, error);
  expect("not yaml at all", dse_network_parse("\x01\x02{{[", "yaml", NULL, &network, error, sizeof error),
         DSE_INVALID_INPUT, error);
  expect("unknown format", dse_network_parse(good, "onnx", NULL, &network, error, sizeof error), DSE_INVALID_ARGUMENT,
         error);
  expect("null text", dse_network_parse(NULL, "yaml", NULL, &network, error, sizeof error), DSE_INVALID_ARGUMENT,
         error);
  expect("parse", dse_network_parse(good, "yaml", "tiny.yaml", &network, error, sizeof error), DSE_OK, NULL);

  expect("null network", dse_plan_create(NULL, 1024, NULL, &plan, error, sizeof error), DSE_INVALID_HANDLE, error);
  expect("buffer of 0", dse_plan_create(network, 0, NULL, &plan, error, sizeof error), DSE_INVALID_ARGUMENT, error);
  expect("negative buffer", dse_plan_create(network, -5, NULL, &plan, error, sizeof error), DSE_INVALID_ARGUMENT, error);
  expect("huge buffer", dse_plan_create(network, INT64_MAX, NULL, &plan, error, sizeof error), DSE_INVALID_ARGUMENT,
         error);
  dse_plan_options options;
  dse_plan_options_init(&options);
  options.strategy = "best";
  expect("unknown strategy", dse_plan_create(network, 1024, &options, &plan, error, sizeof error), DSE_INVALID_ARGUMENT,
         error);
  dse_plan_options_init(&options);
  options.psum_width = 0;
  expect("psum width 0", dse_plan_create(network, 1024, &options, &plan, error, sizeof error), DSE_INVALID_ARGUMENT,
         error);
  dse_plan_options_init(&options);
  options.max_segment_length = 0;
  expect("max segment length 0", dse_plan_create(network, 1024, &options, &plan, error, sizeof error),
         DSE_INVALID_ARGUMENT, error);
  dse_plan_options_init(&options);
  options.max_stages = 0;
  expect("max stages 0", dse_plan_create(network, 1024, &options, &plan, error, sizeof error), DSE_INVALID_ARGUMENT,
         error);
  options.max_stages = 17;
  expect("max stages 17", dse_plan_create(network, 1024, &options, &plan, error, sizeof error), DSE_INVALID_ARGUMENT,
         error);
  options.max_stages = INT32_MIN;
  expect("max stages INT32_MIN", dse_plan_create(network, 1024, &options, &plan, error, sizeof error),
         DSE_INVALID_ARGUMENT, error);
  dse_plan_options_init(&options);
  options.architecture_file = "/nonexistent/arch.yaml";
  expect("missing architecture", dse_plan_create(network, 1024, &options, &plan, error, sizeof error),
         DSE_INVALID_INPUT, error);
  expect("buffer too small", dse_plan_create(network, 2, NULL, &plan, error, sizeof error), DSE_PLANNING, error);
  expect("plan", dse_plan_create(network, 1024, NULL, &plan, NULL, 0), DSE_OK, NULL);

  expect("null info", dse_plan_info_get(plan, NULL, error, sizeof error), DSE_INVALID_ARGUMENT, error);
  expect("unit -1", dse_plan_unit(plan, -1, &unit, error, sizeof error), DSE_INVALID_ARGUMENT, error);
  expect("unit past the end", dse_plan_unit(plan, 99, &unit, error, sizeof error), DSE_INVALID_ARGUMENT, error);
  expect("transfers of unit 7", dse_transfers_create(plan, 7, &transfers, error, sizeof error), DSE_INVALID_ARGUMENT,
         error);
  expect("transfers", dse_transfers_create(plan, -1, &transfers, error, sizeof error), DSE_OK, NULL);
  expect("next into NULL", dse_transfers_next(transfers, NULL), -1, NULL);
  expect("next from NULL", dse_transfers_next(NULL, &transfer), -1, NULL);
  expect("next transfer", dse_transfers_next(transfers, &transfer), 1, NULL);
  expect("transfer names its tensor", transfer.tensor != NULL && transfer.tensor[0] != '\0' ? 0 : 1, 0, NULL);

  dse_transactions *transactions = NULL;
  dse_transaction transaction;
  dse_dram_report report;
  dse_dram_options dram;
  dse_dram_options_init(&dram);
  dram.layout = "nhwc,oops";
  expect("unknown layout", dse_transactions_create(plan, -1, &dram, &transactions, error, sizeof error),
         DSE_INVALID_ARGUMENT, error);
  dse_dram_options_init(&dram);
  dram.burst_bytes = 48;
  expect("burst of 48", dse_transactions_create(plan, -1, &dram, &transactions, error, sizeof error),
         DSE_INVALID_ARGUMENT, error);
  dram.burst_bytes = -64;
  expect("negative burst", dse_transactions_create(plan, -1, &dram, &transactions, error, sizeof error),
         DSE_INVALID_ARGUMENT, error);
  expect("transactions of unit 7", dse_transactions_create(plan, 7, NULL, &transactions, error, sizeof error),
         DSE_INVALID_ARGUMENT, error);
  expect("transactions of unit -2", dse_transactions_create(plan, -2, NULL, &transactions, error, sizeof error),
         DSE_INVALID_ARGUMENT, error);
  expect("transactions into NULL", dse_transactions_create(plan, -1, NULL, NULL, error, sizeof error),
         DSE_INVALID_ARGUMENT, error);
  expect("transactions", dse_transactions_create(plan, -1, NULL, &transactions, error, sizeof error), DSE_OK, NULL);
  expect("next transaction into NULL", dse_transactions_next(transactions, NULL), -1, NULL);
  expect("next transaction from NULL", dse_transactions_next(NULL, &transaction), -1, NULL);
  expect("next transaction", dse_transactions_next(transactions, &transaction), 1, NULL);
  dse_dram_options_init(&dram);
  dram.device = "ddr9";
  expect("unknown device", dse_plan_dram(plan, &dram, &report, error, sizeof error), DSE_INVALID_ARGUMENT, error);
  dram.device = "/nonexistent/device.yaml";
  expect("missing device file", dse_plan_dram(plan, &dram, &report, error, sizeof error), DSE_INVALID_INPUT, error);
  dse_dram_options_init(&dram);
  dram.policy = "half-open";
  expect("unknown policy", dse_plan_dram(plan, &dram, &report, error, sizeof error), DSE_INVALID_ARGUMENT, error);
  dse_dram_options_init(&dram);
  dram.scheduling = "frfcfs:0";
  expect("window of 0", dse_plan_dram(plan, &dram, &report, error, sizeof error), DSE_INVALID_ARGUMENT, error);
  dse_dram_options_init(&dram);
  dram.mapping = "rochba";
  expect("short mapping", dse_plan_dram(plan, &dram, &report, error, sizeof error), DSE_INVALID_ARGUMENT, error);
  expect("report into NULL", dse_plan_dram(plan, NULL, NULL, error, sizeof error), DSE_INVALID_ARGUMENT, error);
  expect("dram", dse_plan_dram(plan, NULL, &report, error, sizeof error), DSE_OK, NULL);

  /* A one-byte buffer holds only the terminator; a short one a truncated message. */
  char small[8];
  memset(small, 'x', sizeof small);
  dse_plan_create(network, 0, NULL, &plan, small, 1);
  expect("message in 1 byte", small[0] == '\0' ? 0 : 1, 0, NULL);
  dse_plan_create(network, 0, NULL, &plan, small, sizeof small);
  expect("message truncated", (int)strlen(small), (int)sizeof small - 1, NULL);
  expect("plan handle cleared on failure", plan == NULL ? 0 : 1, 0, NULL);

  /* Freed handles are detected, not dereferenced. */
  expect("plan again", dse_plan_create(network, 1024, NULL, &plan, error, sizeof error), DSE_OK, NULL);
  dse_plan *freed = plan;
  dse_plan_free(plan);
  expect("freed plan", dse_plan_info_get(freed, &info, error, sizeof error), DSE_INVALID_HANDLE, error);
  dse_plan_free(freed); /* a second free is a no-op */
  dse_transfers_free(transfers);
  expect("freed iterator", dse_transfers_next(transfers, &transfer), -1, NULL);
  expect("transactions continue", dse_transactions_next(transactions, &transaction) >= 0 ? 0 : 1, 0, NULL);
  dse_transactions_free(transactions);
  expect("freed transaction iterator", dse_transactions_next(transactions, &transaction), -1, NULL);
  expect("dram of a freed plan", dse_plan_dram(freed, NULL, &report, error, sizeof error), DSE_INVALID_HANDLE, error);
  dse_network *freed_network = network;
  dse_network_free(network);
  expect("freed network", dse_plan_create(freed_network, 1024, NULL, &plan, error, sizeof error), DSE_INVALID_HANDLE,
         error);
  expect("forged handle", dse_network_info((const dse_network *)(void *)&passed, NULL, NULL, error, sizeof error),
         DSE_INVALID_HANDLE, error);
  expect("verify freed", dse_plan_verify(freed_network, freed, 1, &passed, error, sizeof error), DSE_INVALID_HANDLE,
         error);
  dse_network_free(NULL);
  dse_plan_free(NULL);
  dse_transfers_free(NULL);
  dse_transactions_free(NULL);
  dse_plan_options_init(NULL);
  dse_dram_options_init(NULL);

  printf("%d failures\n", failures);
  return failures == 0 ? 0 : 1;
}
