// The one LAPACK routine zoo calls, declared by hand: Debian's liblapack-dev ships no C header
// (lapacke.h is liblapacke-dev, a wrapper this single call does not need).
//
// Fortran calling convention: every argument by reference, LP64 integers (Debian's liblapack
// and OpenBLAS's LAPACK, which Debian may select for liblapack.so.3 at run time, both use
// 32-bit INTEGER), and, after the declared arguments, one hidden length per CHARACTER argument.
// gfortran passes those lengths as size_t; leaving them out, as old C callers did, lets the
// callee read garbage from the stack (the bug R and LAPACKE fixed in 2019).
#pragma once
#include <stddef.h>

// Eigenvalues (ascending, in w) and, with jobz = 'V', orthonormal eigenvectors (overwriting a,
// one per column) of the real symmetric n x n matrix a (column-major; only the uplo triangle
// is read). lwork = -1 and liwork = -1 ask for the workspace sizes in work[0] and iwork[0].
// info = 0 on success, -i when argument i is illegal, > 0 when the algorithm failed to converge.
void dsyevd_(const char *jobz, const char *uplo, const int *n, double *a, const int *lda, double *w,
             double *work, const int *lwork, int *iwork, const int *liwork, int *info,
             size_t jobz_length, size_t uplo_length);
