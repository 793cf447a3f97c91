#include "zoo_kernels.h"
