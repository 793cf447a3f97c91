// Zoo: placeholder until the module is written.
