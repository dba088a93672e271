// Open MPI's C interface for Swift, on MPI_COMM_WORLD only: what `nmt` needs and nothing more.
// mpi.h's handles (MPI_COMM_WORLD, MPI_FLOAT, MPI_SUM) are macros over Open MPI's globals that
// Swift cannot import, so each call is a prefixed `static inline` wrapper over plain C types.
// Every call returns MPI's error code; with the default error handler (MPI_ERRORS_ARE_FATAL,
// which we keep) a failing call, or a rank that dies, ends the whole job instead of returning.
#ifndef NMT_CMPI_H
#define NMT_CMPI_H

#include <mpi.h>
#include <stdint.h>
#include <stdlib.h>

/// MPI_Init_thread asking for MPI_THREAD_SERIALIZED (calls from any thread, one at a time);
/// `provided` gets the level the library gives.
static inline int nmt_mpi_init(int *provided) {
    return MPI_Init_thread(NULL, NULL, MPI_THREAD_SERIALIZED, provided);
}
static inline int nmt_mpi_thread_serialized(void) { return MPI_THREAD_SERIALIZED; }
static inline int nmt_mpi_initialized(void) { int flag = 0; MPI_Initialized(&flag); return flag; }
static inline int nmt_mpi_finalized(void) { int flag = 0; MPI_Finalized(&flag); return flag; }
static inline int nmt_mpi_finalize(void) { return MPI_Finalize(); }

static inline int nmt_mpi_rank(void) { int rank = 0; MPI_Comm_rank(MPI_COMM_WORLD, &rank); return rank; }
static inline int nmt_mpi_size(void) { int size = 1; MPI_Comm_size(MPI_COMM_WORLD, &size); return size; }

/// Σ over the ranks, in place.
static inline int nmt_mpi_allreduce_sum_float(float *values, int count) {
    return MPI_Allreduce(MPI_IN_PLACE, values, count, MPI_FLOAT, MPI_SUM, MPI_COMM_WORLD);
}

/// Σ over the ranks, in place, in double precision.
static inline int nmt_mpi_allreduce_sum_double(double *values, int count) {
    return MPI_Allreduce(MPI_IN_PLACE, values, count, MPI_DOUBLE, MPI_SUM, MPI_COMM_WORLD);
}

/// Starts Σ over the ranks in place (MPI_Iallreduce); the returned handle (owned: pass it to
/// `nmt_mpi_wait` exactly once) is NULL when the start failed.
static inline void *nmt_mpi_iallreduce_sum_float(float *values, int count) {
    MPI_Request *request = (MPI_Request *)malloc(sizeof(MPI_Request));
    if (request == NULL) return NULL;
    if (MPI_Iallreduce(MPI_IN_PLACE, values, count, MPI_FLOAT, MPI_SUM, MPI_COMM_WORLD, request) != MPI_SUCCESS) {
        free(request);
        return NULL;
    }
    return request;
}

/// Waits for a request of `nmt_mpi_iallreduce_sum_float` and frees it.
static inline int nmt_mpi_wait(void *request) {
    int status = MPI_Wait((MPI_Request *)request, MPI_STATUS_IGNORE);
    free(request);
    return status;
}

/// op: 0 sum, 1 max, 2 min; over 64-bit integers, in place.
static inline int nmt_mpi_allreduce_int64(int64_t *values, int count, int op) {
    MPI_Op mpiOp = op == 1 ? MPI_MAX : op == 2 ? MPI_MIN : MPI_SUM;
    return MPI_Allreduce(MPI_IN_PLACE, values, count, MPI_INT64_T, mpiOp, MPI_COMM_WORLD);
}

/// Rank `root`'s bytes to every rank.
static inline int nmt_mpi_broadcast_bytes(void *bytes, int count, int root) {
    return MPI_Bcast(bytes, count, MPI_BYTE, root, MPI_COMM_WORLD);
}

/// Each rank's `count` bytes to `received` on rank 0, rank after rank at `displacements`
/// (`counts` and `displacements` have one entry per rank; only rank 0's are read).
static inline int nmt_mpi_gather_bytes(const void *bytes, int count, void *received, const int *counts, const int *displacements) {
    return MPI_Gatherv(bytes, count, MPI_BYTE, received, counts, displacements, MPI_BYTE, 0, MPI_COMM_WORLD);
}

/// Each rank's one 64-bit integer to every rank.
static inline int nmt_mpi_allgather_int64(int64_t value, int64_t *received) {
    return MPI_Allgather(&value, 1, MPI_INT64_T, received, 1, MPI_INT64_T, MPI_COMM_WORLD);
}

static inline int nmt_mpi_barrier(void) { return MPI_Barrier(MPI_COMM_WORLD); }

/// Ends every rank of the job (mpirun reports the code).
static inline int nmt_mpi_abort(int code) { return MPI_Abort(MPI_COMM_WORLD, code); }

#endif
