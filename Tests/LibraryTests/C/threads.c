/* Eight threads plan the same network with every strategy at once; each plan's totals and
 * transfer stream must equal those of the same plan made serially. Exits 1 on any difference. */
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "dse.h"

#define THREADS 8
static const char *strategies[] = {"layerwise-rowmajor", "layerwise-scan", "fused-greedy", "optimal"};

typedef struct {
  const dse_network *network;
  int strategy;
  dse_cost totals;
  int64_t transfers, entries, bits;
  int status;
} job;

static void *plan(void *argument) {
  job *work = argument;
  char error[256];
  dse_plan_options options;
  dse_plan_options_init(&options);
  options.strategy = strategies[work->strategy];
  dse_plan *made = NULL;
  work->status = dse_plan_create(work->network, 8192, &options, &made, error, sizeof error);
  if (work->status != DSE_OK) {
    fprintf(stderr, "%s: %s\n", strategies[work->strategy], error);
    return NULL;
  }
  dse_plan_info info;
  dse_plan_info_get(made, &info, error, sizeof error);
  work->totals = info.totals;
  dse_transfers *stream = NULL;
  dse_transfers_create(made, -1, &stream, error, sizeof error);
  dse_transfer transfer;
  while (dse_transfers_next(stream, &transfer) == 1) {
    work->transfers++;
    work->entries += transfer.entries;
    work->bits += transfer.bits;
  }
  dse_transfers_free(stream);
  dse_plan_free(made);
  return NULL;
}

static int same(const job *a, const job *b) {
  return a->status == b->status && memcmp(&a->totals, &b->totals, sizeof a->totals) == 0 &&
         a->transfers == b->transfers && a->entries == b->entries && a->bits == b->bits;
}

int main(int argc, char **argv) {
  char error[256];
  dse_network *network = NULL;
  if (argc < 2 || dse_network_load(argv[1], &network, error, sizeof error) != DSE_OK) {
    fprintf(stderr, "threads: %s\n", argc < 2 ? "usage: threads NETWORK" : error);
    return 2;
  }
  job serial[4], parallel[THREADS];
  memset(serial, 0, sizeof serial);
  memset(parallel, 0, sizeof parallel);
  for (int index = 0; index < 4; index++) {
    serial[index].network = network;
    serial[index].strategy = index;
    plan(&serial[index]);
  }
  pthread_t threads[THREADS];
  for (int index = 0; index < THREADS; index++) {
    parallel[index].network = network;
    parallel[index].strategy = index % 4;
    pthread_create(&threads[index], NULL, plan, &parallel[index]);
  }
  for (int index = 0; index < THREADS; index++) pthread_join(threads[index], NULL);
  int differ = 0;
  for (int index = 0; index < THREADS; index++) {
    if (!same(&parallel[index], &serial[index % 4])) {
      fprintf(stderr, "thread %d (%s) differs from the serial plan\n", index, strategies[index % 4]);
      differ = 1;
    }
  }
  for (int index = 0; index < 4; index++)
    printf("%s: %lld entries, %lld transfers\n", strategies[index], (long long)serial[index].totals.dram_traffic,
           (long long)serial[index].transfers);
  dse_network_free(network);
  return differ || serial[0].status != DSE_OK ? 1 : 0;
}
