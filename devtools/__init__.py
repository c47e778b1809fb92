"""Local tooling: the emulated stack, the local queue worker, benchmarks. Never deployed."""
