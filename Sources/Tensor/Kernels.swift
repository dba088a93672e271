// The element-wise kernels of the hot path (LSTM cell, attention softmax, cross-entropy, tanh)
// are C loops in CKernels, built for AVX-512, AVX2 and the baseline. Tensor re-exports them so
// that Model and Loss reach them through their one dependency on Tensor.
@_exported import CKernels
