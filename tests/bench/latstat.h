/* latstat.h — the summary line both latency benchmarks print
 * (tests/bench/latency.c, proclat.c); tests/bench/run parses it. */
#ifndef DEPECHE_BENCH_LATSTAT_H
#define DEPECHE_BENCH_LATSTAT_H

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

static int cmp_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

/* Nearest-rank percentile of a sorted array of n > 0 values. */
static double percentile(const double *v, size_t n, double q) {
  size_t k = (size_t)ceil(q * (double)n);
  return v[(k < 1 ? 1 : k) - 1];
}

/* Sorts the n wall times t and CPU times cpu (ms) and prints
 * "n=… p50_ms=… p95_ms=… mean_ms=… failed=… cpu_p50_ms=… cpu_p95_ms=…". */
static void print_latencies(double *t, double *cpu, size_t n, size_t failed) {
  double sum = 0;
  for (size_t k = 0; k < n; k++)
    sum += t[k];
  qsort(t, n, sizeof *t, cmp_double);
  qsort(cpu, n, sizeof *cpu, cmp_double);
  printf("n=%zu p50_ms=%.3f p95_ms=%.3f mean_ms=%.3f failed=%zu "
         "cpu_p50_ms=%.3f cpu_p95_ms=%.3f\n",
         n, percentile(t, n, 0.50), percentile(t, n, 0.95), sum / (double)n,
         failed, percentile(cpu, n, 0.50), percentile(cpu, n, 0.95));
}

#endif
