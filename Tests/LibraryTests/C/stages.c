/* Plans one network through the C ABI at several max_stages values and prints, per value, the
 * plan's traffic, its unit count and the most channel stages any of its units has (a segment's
 * `chunks` lists one chunk per stage; a layer alone counts as one stage).
 * Usage: stages NETWORK BUFFER STRATEGY STAGES... */
#include <stdio.h>
#include <stdlib.h>

#include "dse.h"

static int stages_of(const dse_unit *unit) {
  int count = 1;
  const char *c;
  for (c = unit->chunks; *c != '\0'; c++) {
    if (*c == '/') count++;
  }
  return count;
}

int main(int argc, char **argv) {
  char error[512];
  dse_network *network = NULL;
  int index;
  if (argc < 5) {
    fprintf(stderr, "usage: stages NETWORK BUFFER STRATEGY STAGES...\n");
    return 2;
  }
  if (dse_network_load(argv[1], &network, error, sizeof error) != DSE_OK) {
    fprintf(stderr, "stages: %s\n", error);
    return 1;
  }
  for (index = 4; index < argc; index++) {
    dse_plan_options options;
    dse_plan *plan = NULL;
    dse_plan_info info;
    int64_t unit_index;
    int most = 0;
    dse_plan_options_init(&options);
    options.strategy = argv[3];
    options.max_stages = (int32_t)atoi(argv[index]);
    if (dse_plan_create(network, atoll(argv[2]), &options, &plan, error, sizeof error) != DSE_OK ||
        dse_plan_info_get(plan, &info, error, sizeof error) != DSE_OK) {
      fprintf(stderr, "stages: max_stages %s: %s\n", argv[index], error);
      dse_plan_free(plan);
      dse_network_free(network);
      return 1;
    }
    for (unit_index = 0; unit_index < info.unit_count; unit_index++) {
      dse_unit unit;
      if (dse_plan_unit(plan, unit_index, &unit, error, sizeof error) != DSE_OK) {
        fprintf(stderr, "stages: unit %lld: %s\n", (long long)unit_index, error);
        return 1;
      }
      if (stages_of(&unit) > most) most = stages_of(&unit);
    }
    printf("max_stages %s: dram_traffic %lld, units %lld, most stages %d\n", argv[index], (long long)info.totals.dram_traffic,
           (long long)info.unit_count, most);
    dse_plan_free(plan);
  }
  dse_network_free(network);
  return 0;
}
