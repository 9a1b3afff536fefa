"""Load tests: one locustfile per system, shared plugin and gates (see loadtests/README.md)."""
