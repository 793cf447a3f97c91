#include "zoo_mpi.h"
#include <limits.h>
#include <mpi.h>

int zoo_mpi_init(int *rank, int *size) {
    int provided = 0;
    int status = MPI_Init_thread(NULL, NULL, MPI_THREAD_FUNNELED, &provided);
    if (status != MPI_SUCCESS) return status;
    // A failed call returns its code to zoo, which stops with a message (and the other ranks
    // with it, as mpirun ends a job when one process exits with an error).
    MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN);
    status = MPI_Comm_rank(MPI_COMM_WORLD, rank);
    if (status != MPI_SUCCESS) return status;
    return MPI_Comm_size(MPI_COMM_WORLD, size);
}

int zoo_mpi_finalize(void) { return MPI_Finalize(); }

// MPI counts are ints: larger buffers go in pieces of at most INT_MAX elements.
static int in_pieces(void *values, size_t count, size_t element, MPI_Datatype type) {
    char *bytes = values;
    while (count > 0) {
        int piece = count > INT_MAX ? INT_MAX : (int)count;
        int status = MPI_Allreduce(MPI_IN_PLACE, bytes, piece, type, MPI_SUM, MPI_COMM_WORLD);
        if (status != MPI_SUCCESS) return status;
        bytes += (size_t)piece * element;
        count -= (size_t)piece;
    }
    return MPI_SUCCESS;
}

int zoo_mpi_sum_floats(float *values, size_t count) { return in_pieces(values, count, sizeof(float), MPI_FLOAT); }
int zoo_mpi_sum_doubles(double *values, size_t count) { return in_pieces(values, count, sizeof(double), MPI_DOUBLE); }

int zoo_mpi_broadcast(void *bytes, size_t count, int root) {
    char *at = bytes;
    while (count > 0) {
        int piece = count > INT_MAX ? INT_MAX : (int)count;
        int status = MPI_Bcast(at, piece, MPI_BYTE, root, MPI_COMM_WORLD);
        if (status != MPI_SUCCESS) return status;
        at += piece;
        count -= (size_t)piece;
    }
    return MPI_SUCCESS;
}

int zoo_mpi_all_gather(const void *bytes, void *all, int count) {
    return MPI_Allgather(bytes, count, MPI_BYTE, all, count, MPI_BYTE, MPI_COMM_WORLD);
}

int zoo_mpi_barrier(void) { return MPI_Barrier(MPI_COMM_WORLD); }

void zoo_mpi_error_string(int code, char *text, int capacity) {
    char message[MPI_MAX_ERROR_STRING];
    int length = 0;
    if (MPI_Error_string(code, message, &length) != MPI_SUCCESS) length = 0;
    if (capacity <= 0) return;
    int n = length < capacity - 1 ? length : capacity - 1;
    for (int i = 0; i < n; i++) text[i] = message[i];
    text[n] = 0;
}
