"""Home-care zones: building blocks, their neighbours, and designs balanced in workload."""
