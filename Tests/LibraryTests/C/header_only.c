/* Compiles with nothing but dse.h: cc -std=c99 -Wall -Werror -pedantic -c header_only.c */
#include "dse.h"

int header_only(void);

int header_only(void) {
  dse_plan_options options;
  dse_plan_info info;
  dse_unit unit;
  dse_transfer transfer;
  dse_cost cost;
  dse_status status = DSE_OK;
  dse_operand operand = DSE_OPERAND_PSUM;
  dse_direction direction = DSE_WRITE;
  (void)options;
  (void)info;
  (void)unit;
  (void)transfer;
  (void)cost;
  return (int)status + (int)operand + (int)direction + DSE_API_VERSION + DSE_MAX_AXES + DSE_INVALID_HANDLE;
}
