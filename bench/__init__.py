"""Benchmarks: mentorbot measured against the libraries' floor and the platforms' limits."""
