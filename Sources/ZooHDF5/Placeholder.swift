// ZooHDF5: placeholder until the module is written.
