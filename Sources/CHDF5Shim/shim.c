#include "zoo_hdf5_shim.h"
