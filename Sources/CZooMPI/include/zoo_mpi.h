// The few MPI calls data-parallel training needs, as plain C functions: Open MPI's handles
// (MPI_COMM_WORLD, MPI_FLOAT, MPI_SUM) are macros over global symbols that Swift cannot import.
// Every function works on MPI_COMM_WORLD and returns MPI_SUCCESS (0) or an MPI error code,
// whose text zoo_mpi_error_string gives; errors return instead of aborting the process.
#ifndef ZOO_MPI_H
#define ZOO_MPI_H
#include <stddef.h>
#include <stdint.h>

// MPI_Init_thread (one thread calls MPI: MPI_THREAD_FUNNELED), then this process's rank and
// the number of processes.
int zoo_mpi_init(int *rank, int *size);
int zoo_mpi_finalize(void);
// Sums `count` values across all processes, in place; counts above INT_MAX go in pieces.
int zoo_mpi_sum_floats(float *values, size_t count);
int zoo_mpi_sum_doubles(double *values, size_t count);
// Rank `root`'s `count` bytes to every process.
int zoo_mpi_broadcast(void *bytes, size_t count, int root);
// Every process's `count` bytes, in rank order, into `all` (size × count bytes).
int zoo_mpi_all_gather(const void *bytes, void *all, int count);
int zoo_mpi_barrier(void);
void zoo_mpi_error_string(int code, char *text, int capacity);
#endif
