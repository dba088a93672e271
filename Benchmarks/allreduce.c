// MPI_Allreduce (Σ, float, in place) of the gradient sizes data-parallel training sums each step:
// the median of REPS calls per size, after 3 untimed ones, printed by rank 0 as
// "floats bytes seconds" lines. Sizes are arguments (counts of floats).
// Build: mpicc -O2 -o allreduce Benchmarks/allreduce.c; run through Benchmarks/allreduce.sh.
#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>

static int compare(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

int main(int argc, char **argv) {
    MPI_Init(&argc, &argv);
    int rank = 0;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    const int reps = 11;
    for (int i = 1; i < argc; i++) {
        long count = atol(argv[i]);
        float *values = malloc(sizeof(float) * (size_t)count);
        for (long k = 0; k < count; k++) values[k] = 1e-3f * (float)(k % 1000);
        double times[11];
        for (int r = -3; r < reps; r++) {
            MPI_Barrier(MPI_COMM_WORLD);
            double start = MPI_Wtime();
            MPI_Allreduce(MPI_IN_PLACE, values, (int)count, MPI_FLOAT, MPI_SUM, MPI_COMM_WORLD);
            double elapsed = MPI_Wtime() - start;
            if (r >= 0) times[r] = elapsed;
        }
        // Every rank's median is compared; the slowest rank's is the collective's time.
        qsort(times, reps, sizeof(double), compare);
        double median = times[reps / 2], slowest = 0;
        MPI_Reduce(&median, &slowest, 1, MPI_DOUBLE, MPI_MAX, 0, MPI_COMM_WORLD);
        if (rank == 0) printf("%ld %ld %.6f\n", count, count * 4, slowest);
        free(values);
    }
    MPI_Finalize();
    return 0;
}
