"""What tests (and benchmarks) share: paths, tiny workspaces, a served dashboard, a browser."""
