// GLPK's C API for the Solver module, plus the few C functions Swift cannot write itself.
#ifndef CGLPK_SHIM_H
#define CGLPK_SHIM_H

#include <glpk.h>
#include <setjmp.h>
#include <stddef.h>

// GLPK reports invalid input and internal failures through glp_error, which prints a message
// and calls abort(). Its manual offers one way out: an error hook that leaves by longjmp. Swift
// can neither call setjmp nor be jumped over, so each GLPK routine that may fail runs inside a
// C function below that sets the jump point itself: between that C frame and the hook only GLPK
// runs (the terminal-output hook is a Swift function, but GLPK calls it and it returns before
// the error hook is called). After an error GLPK's state is undefined, so the environment is
// freed, and with it every problem object of the calling thread.

/// Returned by the cglpk_guarded_* functions when GLPK raised a fatal error; distinct from 0 and
/// from every GLP_E* return code. The message went to the terminal hook just before.
static const int CGLPK_FATAL_ERROR = -1;

typedef struct {
  jmp_buf jump_point;
} cglpk_error_guard;

static inline void cglpk_jump_back(void *info) {
  cglpk_error_guard *guard = (cglpk_error_guard *)info;
  longjmp(guard->jump_point, 1);
}

// Runs `call` (an expression whose value is the int to return) with the error hook pointing at
// a jump point in the enclosing C function. noinline keeps the setjmp in its own C frame even
// if the optimizer sees the call site.
#define CGLPK_GUARDED(call)                               \
  cglpk_error_guard guard;                                \
  if (setjmp(guard.jump_point) != 0) {                    \
    glp_free_env();                                       \
    return CGLPK_FATAL_ERROR;                             \
  }                                                       \
  glp_error_hook(cglpk_jump_back, &guard);                \
  int result = (call);                                    \
  glp_error_hook(NULL, NULL);                             \
  return result;

__attribute__((noinline)) static inline int cglpk_guarded_simplex(
    glp_prob *problem, const glp_smcp *parameters) {
  CGLPK_GUARDED(glp_simplex(problem, parameters))
}

__attribute__((noinline)) static inline int cglpk_guarded_intopt(
    glp_prob *problem, const glp_iocp *parameters) {
  CGLPK_GUARDED(glp_intopt(problem, parameters))
}

static inline int cglpk_load_matrix_returning_zero(
    glp_prob *problem, int count, const int rows[], const int columns[], const double values[]) {
  glp_load_matrix(problem, count, rows, columns, values);
  return 0;
}

/// glp_load_matrix under the guard; returns 0 or CGLPK_FATAL_ERROR. Arrays are 1-based, as in
/// GLPK: element 0 is ignored.
__attribute__((noinline)) static inline int cglpk_guarded_load_matrix(
    glp_prob *problem, int count, const int rows[], const int columns[], const double values[]) {
  CGLPK_GUARDED(cglpk_load_matrix_returning_zero(problem, count, rows, columns, values))
}

#endif
